/**
 * Effective configuration = managed policy (validated key by key, a bad key falling back to its
 * last good value) over built-in defaults. A bad or missing policy never stops the extension.
 */
import type { DestinationOptions } from '../core/destinations/classify';
import { mergeRiskSettings } from '../core/risk/overrides';
import { DEFAULT_RISK_SETTINGS, type RiskSettings } from '../core/risk/settings';
import { parsePolicy, type Policy, type PolicyError } from '../core/schema/policy';
import { readState, writeState, type Database } from './db';

export interface EffectiveConfig {
  policy: Policy;
  errors: PolicyError[];
  settings: RiskSettings;
  destinationOptions: DestinationOptions;
}

/** Resolves the raw managed area of any browser: `{}` when there is none (Firefox rejects instead). */
export type ManagedReader = () => Promise<unknown>;

export function resolvePolicy(raw: unknown, lastGood: Record<string, unknown>): { policy: Policy; errors: PolicyError[] } {
  const current = parsePolicy(raw);
  const fallback = parsePolicy(lastGood).policy;
  const policy: Record<string, unknown> = { ...current.policy };
  for (const error of current.errors) {
    const good = fallback[error.key as keyof Policy];
    if (good !== undefined) policy[error.key] = good;
  }
  return { policy: policy as Policy, errors: current.errors };
}

export function effectiveConfig(policy: Policy, errors: PolicyError[]): EffectiveConfig {
  return {
    policy,
    errors,
    settings: mergeRiskSettings(DEFAULT_RISK_SETTINGS, policy.riskSettings),
    destinationOptions: {
      trusted: policy.trustedDomains ?? [],
      customDestinations: policy.customDestinations ?? [],
    },
  };
}

export async function loadEffectiveConfig(db: Database, readManaged: ManagedReader): Promise<EffectiveConfig> {
  let raw: unknown = {};
  const readErrors: PolicyError[] = [];
  try {
    raw = await readManaged();
  } catch (err) {
    readErrors.push({ key: '(policy)', message: `managed policy unreadable: ${err instanceof Error ? err.message : String(err)}` });
  }
  const lastGood = await readState(db, 'lastGoodPolicy');
  const { policy, errors } = resolvePolicy(raw, lastGood);
  await writeState(db, 'lastGoodPolicy', policy as Record<string, unknown>);
  return effectiveConfig(policy, [...readErrors, ...errors]);
}
