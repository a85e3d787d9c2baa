/** Partial risk settings (from policy or sync) merged over a base, field by field. */
import { z } from 'zod';
import { DESTINATION_CATEGORIES, FILE_CATEGORIES, SOURCE_CATEGORIES, USER_INDICATORS } from '../schema/identifiers';
import { WorkingHours, type RiskSettings } from './settings';

const Weight = z.number().int().min(0).max(10);
const partialWeights = (keys: readonly string[]) => z.strictObject(Object.fromEntries(keys.map((k) => [k, Weight.optional()])));

export const RiskSettingsOverrides = z.strictObject({
  version: z.string().min(1).max(64).optional(),
  scores: z
    .strictObject({
      user: partialWeights(USER_INDICATORS).optional(),
      destination: partialWeights(DESTINATION_CATEGORIES).optional(),
      source: partialWeights(SOURCE_CATEGORIES).optional(),
      file: partialWeights(FILE_CATEGORIES).optional(),
    })
    .optional(),
  serviceOverrides: z.record(z.string().min(1).max(64), Weight).optional(),
  history: z
    .strictObject({
      groupingWindowMinutes: z.number().int().min(1).max(1440).optional(),
      rareWindowDays: z.number().int().min(1).max(3650).optional(),
      profileMinDays: z.number().int().min(1).max(365).optional(),
      workingHours: WorkingHours.optional(),
    })
    .optional(),
});
export type RiskSettingsOverrides = z.infer<typeof RiskSettingsOverrides>;

function defined<T extends object>(o: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export function mergeRiskSettings(base: RiskSettings, overrides: RiskSettingsOverrides | undefined): RiskSettings {
  if (!overrides) return base;
  const s = overrides.scores;
  return {
    version: overrides.version ?? base.version,
    scores: {
      user: { ...base.scores.user, ...defined(s?.user) },
      destination: { ...base.scores.destination, ...defined(s?.destination) },
      source: { ...base.scores.source, ...defined(s?.source) },
      file: { ...base.scores.file, ...defined(s?.file) },
    },
    serviceOverrides: { ...base.serviceOverrides, ...overrides.serviceOverrides },
    history: { ...base.history, ...defined(overrides.history) },
  };
}
