/**
 * Risk settings: a score within SCORE_RANGE for every indicator (docs/risk-settings.md), with the
 * recommended defaults of Incydr's model. Settings carry a version; an event records the version it was scored with.
 */
import { z } from 'zod';
import { DESTINATION_CATEGORIES, FILE_CATEGORIES, SOURCE_CATEGORIES, USER_INDICATORS } from '../schema/identifiers';

/** What an admin may give one indicator. */
export const SCORE_RANGE = { min: 0, max: 10 } as const;

const Weight = z.number().int().min(SCORE_RANGE.min).max(SCORE_RANGE.max);

function weights<const K extends readonly string[]>(keys: K, defaults: Record<K[number], number>) {
  const shape = Object.fromEntries(keys.map((k) => [k, Weight.default(defaults[k as K[number]])])) as {
    [P in K[number]]: z.ZodDefault<typeof Weight>;
  };
  return z.strictObject(shape);
}

export const RECOMMENDED_SCORES = {
  user: {
    off_hours: 1,
    first_use_of_destination: 2,
    rare_use_of_destination: 1,
    remote: 1,
    file_mismatch: 5,
    departing_watchlist: 4,
  },
  destination: {
    cloud_storage: 5,
    email: 3,
    messaging: 3,
    pdf_manager: 4,
    file_conversion: 4,
    productivity: 3,
    social_media: 4,
    source_code_repository: 5,
    web_hosting: 5,
    ai_tools: 5,
    other: 2,
    unknown: 2,
  },
  source: {
    hr: 4,
    crm: 3,
    financial_services: 3,
    business_intelligence: 3,
    contract_management: 3,
    source_code_repository: 3,
    coding_tools: 3,
    marketing: 2,
    cloud_storage: 1,
    messaging: 1,
    productivity: 1,
  },
  file: {
    source_code: 3,
    virtual_disk_image: 3,
    spreadsheet: 2,
    script: 2,
    archive: 2,
    document: 1,
    pdf: 1,
    presentation: 1,
    image: 0,
    video: 0,
    audio: 0,
    executable: 0,
    other: 0,
  },
} as const;

const HourMinute = z.string().regex(/^(?:[01]\d|2[0-3]):[0-5]\d$/, 'time of day as HH:MM (24 h)');

/** ISO weekdays: 1 Monday … 7 Sunday. */
export const WorkingHours = z.strictObject({
  days: z.array(z.number().int().min(1).max(7)).max(7).default([1, 2, 3, 4, 5]),
  start: HourMinute.default('08:00'),
  end: HourMinute.default('18:00'),
});
export type WorkingHours = z.infer<typeof WorkingHours>;

export const HISTORY_DEFAULTS = {
  groupingWindowMinutes: 60,
  rareWindowDays: 90,
  profileMinDays: 14,
  workingHours: { days: [1, 2, 3, 4, 5], start: '08:00', end: '18:00' },
} as const;

/** How the indicators that need history decide. */
export const HistorySettings = z.strictObject({
  /** Uploads to a new (or rarely used) destination within this window of the first all carry the indicator. */
  groupingWindowMinutes: z.number().int().min(1).max(1440).default(HISTORY_DEFAULTS.groupingWindowMinutes),
  /** A destination not used for this many days is rare again. */
  rareWindowDays: z.number().int().min(1).max(3650).default(HISTORY_DEFAULTS.rareWindowDays),
  /** Days of activity before the learned profile replaces the working hours for off_hours. */
  profileMinDays: z.number().int().min(1).max(365).default(HISTORY_DEFAULTS.profileMinDays),
  /** Used for off_hours until the profile has enough history. */
  workingHours: WorkingHours.default(() => ({ ...HISTORY_DEFAULTS.workingHours, days: [...HISTORY_DEFAULTS.workingHours.days] })),
});
export type HistorySettings = z.infer<typeof HistorySettings>;

export const RiskSettings = z.strictObject({
  version: z.string().min(1).max(64).default('builtin-1'),
  scores: z
    .strictObject({
      user: weights(USER_INDICATORS, RECOMMENDED_SCORES.user).default(() => ({ ...RECOMMENDED_SCORES.user })),
      destination: weights(DESTINATION_CATEGORIES, RECOMMENDED_SCORES.destination).default(() => ({
        ...RECOMMENDED_SCORES.destination,
      })),
      source: weights(SOURCE_CATEGORIES, RECOMMENDED_SCORES.source).default(() => ({ ...RECOMMENDED_SCORES.source })),
      file: weights(FILE_CATEGORIES, RECOMMENDED_SCORES.file).default(() => ({ ...RECOMMENDED_SCORES.file })),
    })
    .default(() => structuredClone(RECOMMENDED_SCORES) as never),
  /** Destination score for one service id, replacing its category's score (e.g. a sanctioned Box tenant). */
  serviceOverrides: z.record(z.string().min(1).max(64), Weight).default({}),
  history: HistorySettings.default(() => HistorySettings.parse({})),
});
export type RiskSettings = z.infer<typeof RiskSettings>;
export type RiskSettingsInput = z.input<typeof RiskSettings>;

export const DEFAULT_RISK_SETTINGS: RiskSettings = RiskSettings.parse({});
