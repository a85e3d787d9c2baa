/**
 * Settings sync: GET the policy's settingsSyncUrl with If-None-Match on start-up and every
 * interval. 304 keeps what we have; a 200 is validated key by key (a bad key keeps its last good
 * value); the last good settings are persisted and used offline. Only syncable keys are taken:
 * where events go and where settings come from stay with the managed policy.
 */
import { backendUrlProblem } from '../core/backend-url';
import { resolveLayer } from '../core/schema/policy-layers';
import { readState, writeState, type Database } from './db';
import type { EffectiveConfig } from './policy';

const REQUEST_TIMEOUT_MS = 15_000;
const MAX_BODY_CHARS = 2_000_000;

export type SyncOutcome = 'updated' | 'unchanged' | 'failed' | 'disabled';

export interface SyncDeps {
  db: Database;
  fetch: typeof fetch;
  now: () => number;
  /** The managed policy decides the URL and the credential. */
  config: () => Promise<EffectiveConfig>;
  onClientIp?: (clientIp: string) => Promise<void>;
}

/** The body may be the settings themselves, or `{ "settings": {…}, "clientIp": "…" }` (the console's). */
function unwrap(body: unknown): { settings: unknown; clientIp?: string } {
  if (body && typeof body === 'object' && !Array.isArray(body) && 'settings' in body) {
    const { settings, clientIp } = body as { settings: unknown; clientIp?: unknown };
    return typeof clientIp === 'string' && clientIp.length <= 64 ? { settings, clientIp } : { settings };
  }
  return { settings: body };
}

export async function syncSettings(deps: SyncDeps): Promise<SyncOutcome> {
  const { policy } = await deps.config();
  const url = policy.settingsSyncUrl;
  const state = await readState(deps.db, 'syncedSettings');
  if (!url) {
    // Sync turned off by the admin: synced values stop applying (offline is not off).
    if (Object.keys(state.values).length > 0 || state.etag) await writeState(deps.db, 'syncedSettings', { values: {}, errors: [] });
    return 'disabled';
  }
  const now = deps.now();
  const fail = async (error: string): Promise<SyncOutcome> => {
    await writeState(deps.db, 'syncedSettings', { ...state, lastAttemptAt: now, lastError: error.slice(0, 500) });
    return 'failed';
  };
  const problem = backendUrlProblem(url);
  if (problem) return fail(`settings sync URL refused: ${problem}`);

  const headers: Record<string, string> = { Accept: 'application/json' };
  const token = policy.settingsSyncToken ?? policy.backendToken;
  if (token) headers.Authorization = `Bearer ${token}`;
  if (state.etag) headers['If-None-Match'] = state.etag;
  let response: Response;
  try {
    response = await deps.fetch(url, { headers, credentials: 'omit', cache: 'no-store', signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  } catch (err) {
    return fail(`settings sync unreachable: ${err instanceof Error ? err.name : 'error'}`);
  }
  const headerIp = response.headers.get('X-Client-Ip');
  if (headerIp && headerIp.length <= 64) await deps.onClientIp?.(headerIp);
  if (response.status === 304) {
    await writeState(deps.db, 'syncedSettings', { ...state, lastAttemptAt: now, lastSuccessAt: now, lastError: undefined });
    return 'unchanged';
  }
  if (!response.ok) return fail(`settings sync answered HTTP ${response.status}`);

  let body: unknown;
  try {
    const text = await response.text();
    if (text.length > MAX_BODY_CHARS) return fail('settings sync answer too large');
    body = JSON.parse(text);
  } catch {
    return fail('settings sync answered something that is not JSON');
  }
  const { settings, clientIp } = unwrap(body);
  if (clientIp && !headerIp) await deps.onClientIp?.(clientIp);
  const resolved = resolveLayer(settings, state.values, 'synced');
  const etag = response.headers.get('ETag') ?? undefined;
  await writeState(deps.db, 'syncedSettings', {
    ...(etag && etag.length <= 512 && { etag }),
    values: resolved.policy as Record<string, unknown>,
    errors: resolved.errors,
    lastAttemptAt: now,
    lastSuccessAt: now,
  });
  return 'updated';
}
