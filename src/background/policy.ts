/**
 * Loads the effective configuration: the managed policy (validated key by key, a bad key falling
 * back to its last good value, persisted) and the stored synced settings, handed to the pure
 * core/effective-config. A bad, missing or unreadable policy never stops the extension.
 */
import { effectiveConfig, type EffectiveConfig } from '../core/effective-config';
import { resolveLayer } from '../core/schema/policy-layers';
import type { PolicyError } from '../core/schema/policy-error';
import { readState, writeState, type Database } from './db';

/** Resolves the raw managed area of any browser: `{}` when there is none (Firefox rejects instead). */
export type ManagedReader = () => Promise<unknown>;

/** Reads the signed-in browser profile's email (Chrome only); undefined elsewhere or when signed out. */
export type ProfileEmailReader = () => Promise<string | undefined>;

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
  const managed = resolveLayer(raw, lastGood, 'managed');
  if (readErrors.length === 0) await writeState(db, 'lastGoodPolicy', managed.policy as Record<string, unknown>);
  const sync = await readState(db, 'syncedSettings');
  // Synced values were validated when they arrived; re-validating guards against an older schema.
  const synced = resolveLayer(sync.values, {}, 'synced');
  const profileEmail = await readProfileEmail().catch(() => undefined);
  return effectiveConfig(managed.policy, [...readErrors, ...managed.errors, ...sync.errors, ...synced.errors], synced.policy, profileEmail, sync.user);
}
