/**
 * The effective configuration: the managed policy over the settings a backend syncs over the
 * built-in defaults, key by key (docs/architecture.md "Settings precedence"). This is the one place where
 * POLICY_DEFAULTS are applied: behaviour code reads `config.policy.<key>` and never falls back
 * on its own. Pure: the background loads the layers and hands them in.
 */
import type { DestinationOptions } from './destinations/classify';
import { wireFormatFor, type WireFormat } from './formats';
import { mergeRiskSettings } from './risk/overrides';
import { DEFAULT_RISK_SETTINGS, type RiskSettings } from './risk/settings';
import { POLICY_DEFAULTS, type Policy, type PolicyKey } from './schema/policy';
import type { PolicyError, PolicySource } from './schema/policy-error';
import { layerPolicies } from './schema/policy-layers';
import { sameEmail, type SyncedUser } from './schema/synced-user';

type DefaultedKey = keyof typeof POLICY_DEFAULTS;

/** A policy with every default applied: a key with a default is never undefined. */
export type EffectivePolicy = Omit<Policy, DefaultedKey> & { [K in DefaultedKey]-?: NonNullable<Policy[K]> };

export interface Identity {
  email?: string;
  source: 'policy' | 'profile' | 'unknown';
}

export interface EffectiveConfig {
  /** Managed over synced over the defaults, key by key. */
  policy: EffectivePolicy;
  sources: Record<PolicyKey, PolicySource>;
  errors: PolicyError[];
  settings: RiskSettings;
  destinationOptions: DestinationOptions;
  identity: Identity;
  /** The console's watchlists for this identity, from settings sync; none when synced for someone else. */
  watchlists: string[];
  /** Either source puts the user on it: the managed key, or the console's `departing` watchlist. */
  departingWatchlist: boolean;
}

/** Fills every key the layers left unset with its default (a fresh copy: configs never share arrays). */
export function applyPolicyDefaults(policy: Policy): EffectivePolicy {
  const withDefaults: Record<string, unknown> = structuredClone(POLICY_DEFAULTS);
  for (const [key, value] of Object.entries(policy)) if (value !== undefined) withDefaults[key] = value;
  // settingsSyncToken's documented default is the backend token.
  if (withDefaults.settingsSyncToken === undefined && policy.backendToken !== undefined) withDefaults.settingsSyncToken = policy.backendToken;
  return withDefaults as EffectivePolicy;
}

export function effectiveConfig(managed: Policy, errors: PolicyError[], synced: Policy = {}, profileEmail?: string, syncedUser?: SyncedUser): EffectiveConfig {
  const layered = layerPolicies(managed, synced);
  const policy = applyPolicyDefaults(layered.policy);
  const identity: Identity = policy.userEmail
    ? { email: policy.userEmail, source: 'policy' }
    : profileEmail
      ? { email: profileEmail, source: 'profile' }
      : { source: 'unknown' };
  // Until the next sync, a changed identity must not inherit the previous user's watchlists.
  const watchlists = syncedUser && identity.email && sameEmail(syncedUser.email, identity.email) ? syncedUser.watchlists : [];
  return {
    policy,
    sources: layered.sources,
    errors,
    // Risk settings merge deeper: synced scores over the defaults, managed ones over both.
    settings: mergeRiskSettings(mergeRiskSettings(DEFAULT_RISK_SETTINGS, synced.riskSettings), managed.riskSettings),
    destinationOptions: { trusted: policy.trustedDomains, customDestinations: policy.customDestinations },
    identity,
    watchlists,
    departingWatchlist: policy.departingWatchlist || watchlists.includes('departing'),
  };
}

/** Where and how events are delivered; undefined while no backend is configured (events wait). */
export interface BackendTarget {
  url: string;
  token: string | undefined;
  format: WireFormat;
  /** Policy limits per request: events, and bytes of the encoded body. */
  maxBatchEvents: number;
  maxBatchBytes: number;
}

export function backendTarget({ policy }: Pick<EffectiveConfig, 'policy'>): BackendTarget | undefined {
  if (!policy.backendUrl) return undefined;
  return {
    url: policy.backendUrl,
    token: policy.backendToken,
    format: wireFormatFor(policy.backendFormat),
    maxBatchEvents: policy.backendBatchMaxEvents,
    maxBatchBytes: policy.backendBatchMaxBytes,
  };
}
