/**
 * Settings sync: GET the policy's settingsSyncUrl with If-None-Match on start-up and every
 * interval. 304 keeps what we have; a 200 is validated key by key (a bad key keeps its last good
 * value); the last good settings are persisted and used offline. Only syncable keys are taken:
 * where events go and where settings come from stay with the managed policy.
 *
 * The request names the user (X-Upwatch-User) so the console can answer with the watchlists that
 * user is on; its ETag covers them, so a 304 keeps the stored ones.
 */
import { backendUrlProblem } from '../core/backend-url';
import { reportedClientIp } from '../core/risk/network';
import { resolveLayer } from '../core/schema/policy-layers';
import type { EffectiveConfig } from '../core/effective-config';
import { sameEmail, SyncedUser } from '../core/schema/synced-user';
import { isRedirect, readBoundedText } from './bounded-text';
import { readState, writeState, type Database, type StateValue } from './db';

const REQUEST_TIMEOUT_MS = 15_000;
const MAX_BODY_CHARS = 2_000_000;
export const USER_HEADER = 'X-Upwatch-User';

export type SyncOutcome = 'updated' | 'unchanged' | 'failed' | 'disabled';

export interface SyncDeps {
  db: Database;
  fetch: typeof fetch;
  now: () => number;
  /** The managed policy decides the URL and the credential. */
  config: () => Promise<EffectiveConfig>;
  onClientIp?: (clientIp: string) => Promise<void>;
}

/** The body may be the settings themselves, or `{ "settings": {…}, "clientIp": "…", "user": {…} }` (the console's). */
function unwrap(body: unknown): { settings: unknown; clientIp?: string; user?: unknown } {
  if (body && typeof body === 'object' && !Array.isArray(body) && 'settings' in body) {
    const { settings, clientIp, user } = body as { settings: unknown; clientIp?: unknown; user?: unknown };
    const ip = reportedClientIp(clientIp);
    return { settings, ...(ip && { clientIp: ip }), ...(user != null && { user }) };
  }
  return { settings: body };
}

/** The email to name in the request: only one a header can carry (fetch throws on other characters). */
function headerEmail(email: string | undefined): string | undefined {
  return email && /^[\x21-\x7e]{1,320}$/.test(email) ? email : undefined;
}

/**
 * The watchlists a 200 gives the user we named. No block: the console knows of none. A bad block
 * or one for someone else is reported and changes nothing (last good kept, as for settings).
 */
function userWatchlists(raw: unknown, sent: string): { watchlists: string[] } | { problem: string } {
  if (raw === undefined) return { watchlists: [] };
  const parsed = SyncedUser.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { problem: `user block ignored: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'malformed'}`.slice(0, 300) };
  }
  if (!sameEmail(parsed.data.email, sent)) return { problem: 'user block ignored: it is for another user' };
  return { watchlists: parsed.data.watchlists };
}

export async function syncSettings(deps: SyncDeps): Promise<SyncOutcome> {
  const { policy, identity } = await deps.config();
  const url = policy.settingsSyncUrl;
  let state = await readState(deps.db, 'syncedSettings');
  if (!url) {
    // Sync turned off by the admin: synced values stop applying (offline is not off).
    if (Object.keys(state.values).length > 0 || state.etag || state.user) await writeState(deps.db, 'syncedSettings', { values: {}, errors: [] });
    return 'disabled';
  }
  const sent = headerEmail(identity.email);
  if (!sameEmail(state.user?.email, sent)) {
    // Another user (or none): their watchlists are not this one's, and a 304 would keep them.
    const { etag: _etag, user: _user, ...rest } = state;
    state = rest;
  }
  const now = deps.now();
  const fail = async (error: string): Promise<SyncOutcome> => {
    await writeState(deps.db, 'syncedSettings', { ...state, lastAttemptAt: now, lastError: error.slice(0, 500) });
    return 'failed';
  };
  const problem = backendUrlProblem(url);
  if (problem) return fail(`settings sync URL refused: ${problem}`);

  const headers: Record<string, string> = { Accept: 'application/json' };
  if (policy.settingsSyncToken) headers.Authorization = `Bearer ${policy.settingsSyncToken}`;
  if (sent) headers[USER_HEADER] = sent;
  if (state.etag) headers['If-None-Match'] = state.etag;
  let response: Response;
  try {
    // Redirects are not followed: settings (and the user's name) come only from the address the managed policy names.
    response = await deps.fetch(url, { headers, credentials: 'omit', cache: 'no-store', redirect: 'manual', signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  } catch (err) {
    return fail(`settings sync unreachable: ${err instanceof Error ? err.name : 'error'}`);
  }
  const headerIp = reportedClientIp(response.headers.get('X-Client-Ip'));
  if (headerIp) await deps.onClientIp?.(headerIp);
  if (response.status === 304) {
    await writeState(deps.db, 'syncedSettings', { ...state, lastAttemptAt: now, lastSuccessAt: now, lastError: undefined });
    return 'unchanged';
  }
  if (isRedirect(response)) {
    const what = response.status ? `HTTP ${response.status}, a redirect` : 'a redirect';
    return fail(`settings sync answered ${what}: not followed; set settingsSyncUrl to the address settings come from`);
  }
  if (!response.ok) return fail(`settings sync answered HTTP ${response.status}`);

  let body: unknown;
  try {
    const { text, truncated } = await readBoundedText(response, MAX_BODY_CHARS);
    if (truncated) return fail('settings sync answer too large');
    body = JSON.parse(text);
  } catch {
    return fail('settings sync answered something that is not JSON');
  }
  const { settings, clientIp, user } = unwrap(body);
  if (clientIp && !headerIp) await deps.onClientIp?.(clientIp);
  const resolved = resolveLayer(settings, state.values, 'synced');
  const member = sent ? userWatchlists(user, sent) : undefined;
  const refused = member && 'problem' in member ? member.problem : undefined;
  const etag = response.headers.get('ETag') ?? undefined;
  const next: StateValue<'syncedSettings'> = {
    // No ETag after a refused user block: the next sync asks again in full rather than get a 304.
    ...(etag && etag.length <= 512 && !refused && { etag }),
    values: resolved.policy as Record<string, unknown>,
    errors: refused ? [...resolved.errors, { key: '(user)', message: refused, source: 'synced' }] : resolved.errors,
    lastAttemptAt: now,
    lastSuccessAt: now,
  };
  if (sent) next.user = { email: sent, watchlists: member && 'watchlists' in member ? member.watchlists : (state.user?.watchlists ?? []) };
  await writeState(deps.db, 'syncedSettings', next);
  return 'updated';
}
