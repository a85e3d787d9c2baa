/**
 * Policy layers: the managed policy (pushed by the admin through the browser) over the settings a
 * backend syncs over the built-in defaults, key by key. Each layer is validated key by key; a bad
 * key keeps that layer's last good value and is reported with the layer it came from.
 */
import { POLICY_KEYS, SYNCABLE_KEYS, parsePolicy, unsyncableKeyErrors, type Policy, type PolicyKey } from './policy';
import type { PolicyError, PolicyLayer, PolicySource } from './policy-error';

export interface ResolvedLayer {
  policy: Policy;
  errors: PolicyError[];
}

/** One layer: the raw value validated key by key, with the last good value of each bad key kept. */
export function resolveLayer(raw: unknown, lastGood: unknown, source: PolicyLayer): ResolvedLayer {
  const fallback = parsePolicy(lastGood).policy;
  // A bad response rule keeps its last good version (by id): see core/response/parse-rules.ts.
  const whole = parsePolicy(raw, fallback);
  // Not an object at all: nothing in it can replace anything; the last good values stand.
  const current = whole.errors.some((e) => e.key === '(policy)') ? { ...parsePolicy(lastGood), errors: whole.errors } : whole;
  const policy: Record<string, unknown> = { ...current.policy };
  const errors: PolicyError[] = current.errors.map((e) => ({ ...e, source }));
  if (source === 'synced') {
    for (const error of unsyncableKeyErrors(policy)) {
      delete policy[error.key];
      errors.push({ ...error, source });
    }
  }
  for (const error of current.errors) {
    const good = fallback[error.key as PolicyKey];
    if (good !== undefined && (source === 'managed' || SYNCABLE_KEYS.has(error.key as PolicyKey))) policy[error.key] = good;
  }
  return { policy: policy as Policy, errors };
}

export interface LayeredPolicy {
  policy: Policy;
  /** Where each key's effective value comes from. */
  sources: Record<PolicyKey, PolicySource>;
}

export function layerPolicies(managed: Policy, synced: Policy): LayeredPolicy {
  const policy: Record<string, unknown> = {};
  const sources = {} as Record<PolicyKey, PolicySource>;
  for (const key of POLICY_KEYS) {
    if (managed[key] !== undefined) {
      policy[key] = managed[key];
      sources[key] = 'managed';
    } else if (synced[key] !== undefined) {
      policy[key] = synced[key];
      sources[key] = 'synced';
    } else {
      sources[key] = 'default';
    }
  }
  return { policy: policy as Policy, sources };
}
