/**
 * Effective configuration = managed policy (validated key by key, a bad key falling back to its
 * last good value) over built-in defaults. A bad or missing policy never stops the extension.
 */
import type { DestinationOptions } from '../core/destinations/classify';
import { mergeRiskSettings } from '../core/risk/overrides';
import { DEFAULT_RISK_SETTINGS, type RiskSettings } from '../core/risk/settings';
import { layerPolicies, resolveLayer } from '../core/schema/policy-layers';
import type { PolicySource } from '../core/schema/policy-error';
import type { Policy, PolicyError, PolicyKey } from '../core/schema/policy';
import { readState, sameEmail, writeState, type Database, type SyncedUser } from './db';

export interface Identity {
  email?: string;
  source: 'policy' | 'profile' | 'unknown';
}

export interface EffectiveConfig {
  /** Managed over synced, key by key (defaults are applied where the keys are used). */
  policy: Policy;
  sources: Record<PolicyKey, PolicySource>;
  errors: PolicyError[];
  settings: RiskSettings;
  destinationOptions: DestinationOptions;
  identity: Identity;
  /** The console's watchlists for this identity, from settings sync; none when synced for someone else. */
  watchlists: string[];
}

/** Resolves the raw managed area of any browser: `{}` when there is none (Firefox rejects instead). */
export type ManagedReader = () => Promise<unknown>;

/** The managed layer: validated key by key, a bad key keeping its last good value. */
export function resolvePolicy(raw: unknown, lastGood: Record<string, unknown>): { policy: Policy; errors: PolicyError[] } {
  return resolveLayer(raw, lastGood, 'managed');
}

/** Reads the signed-in browser profile's email (Chrome only); undefined elsewhere or when signed out. */
export type ProfileEmailReader = () => Promise<string | undefined>;

export function effectiveConfig(
  managed: Policy,
  errors: PolicyError[],
  synced: Policy = {},
  profileEmail?: string,
  syncedUser?: SyncedUser,
): EffectiveConfig {
  const { policy, sources } = layerPolicies(managed, synced);
  const identity: Identity = policy.userEmail
    ? { email: policy.userEmail, source: 'policy' }
    : profileEmail
      ? { email: profileEmail, source: 'profile' }
      : { source: 'unknown' };
  return {
    policy,
    sources,
    errors,
    // Risk settings merge deeper: synced scores over the defaults, managed ones over both.
    settings: mergeRiskSettings(mergeRiskSettings(DEFAULT_RISK_SETTINGS, synced.riskSettings), managed.riskSettings),
    destinationOptions: {
      trusted: policy.trustedDomains ?? [],
      customDestinations: policy.customDestinations ?? [],
    },
    identity,
    // Until the next sync, a changed identity must not inherit the previous user's watchlists.
    watchlists: syncedUser && identity.email && sameEmail(syncedUser.email, identity.email) ? syncedUser.watchlists : [],
  };
}

export async function loadEffectiveConfig(
  db: Database,
  readManaged: ManagedReader,
  readProfileEmail: ProfileEmailReader = async () => undefined,
): Promise<EffectiveConfig> {
  const lastGood = await readState(db, 'lastGoodPolicy');
  let raw: unknown;
  const readErrors: PolicyError[] = [];
  try {
    raw = await readManaged();
  } catch (err) {
    // Unreadable is not empty: the last good policy stays in force until the browser answers again.
    readErrors.push({ key: '(policy)', message: `managed policy unreadable: ${err instanceof Error ? err.message : String(err)}`, source: 'managed' });
    raw = lastGood;
  }
  const managed = resolvePolicy(raw, lastGood);
  if (readErrors.length === 0) await writeState(db, 'lastGoodPolicy', managed.policy as Record<string, unknown>);
  const sync = await readState(db, 'syncedSettings');
  // Synced values were validated when they arrived; re-validating guards against an older schema.
  const synced = resolveLayer(sync.values, {}, 'synced');
  const profileEmail = await readProfileEmail().catch(() => undefined);
  return effectiveConfig(managed.policy, [...readErrors, ...managed.errors, ...sync.errors, ...synced.errors], synced.policy, profileEmail, sync.user);
}
