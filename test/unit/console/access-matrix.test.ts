// @vitest-environment node
/**
 * Every line of the access table × every caller: the four roles, no credential, malformed headers,
 * a wrong secret of the right shape and a revoked key. The table is read, not copied, so a route
 * added later is covered the day it is added.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCESS, type Access } from '../../../console/http/access';
import { ROLES, type Role } from '../../../console/auth/roles';
import { makeTestConsole, type TestConsole } from '../support/test-console';
import { sampleEvent, sampleId } from '../support/sample-event';

const LINES = Object.entries(ACCESS).map(([key, access]) => {
  const [method, path] = key.split(' ') as [string, string];
  return { key, method, path, access };
});

/** A plausible value for each path parameter, so the route's own validation is not what answers. */
function fillParams(path: string): string {
  return path.replace(/:(\w+)/g, (_m, name: string) => {
    if (name === 'email') return 'someone%40example.com';
    if (name === 'name') return 'no-such-credential';
    if (name === 'id') return path.includes('/watchlists/') ? 'departing' : sampleId(424242);
    return 'x1';
  });
}

const admits = (access: Access, role: Role) => access === 'public' || access.includes(role);

/** A secret of the right shape (prefix, length, alphabet) that no credential has. */
const WRONG_SECRET = `upw_key_${'A'.repeat(43)}`;

type Caller = { label: string; headers: (c: TestConsole) => Record<string, string> };
const UNAUTHENTICATED: Caller[] = [
  { label: 'no credential', headers: () => ({}) },
  { label: 'an empty bearer', headers: () => ({ authorization: 'Bearer ' }) },
  { label: 'Basic credentials', headers: () => ({ authorization: 'Basic dXNlcjpwYXNz' }) },
  { label: 'the admin secret without a scheme', headers: (c) => ({ authorization: c.keys.admin }) },
  { label: 'the admin secret with another scheme', headers: (c) => ({ authorization: `Token ${c.keys.admin}` }) },
  { label: 'the admin secret with trailing bytes', headers: (c) => ({ authorization: `Bearer ${c.keys.admin}x` }) },
  { label: 'a wrong secret of the right shape', headers: () => ({ authorization: `Bearer ${WRONG_SECRET}` }) },
  { label: 'a revoked admin key', headers: () => ({ authorization: `Bearer ${revokedSecret}` }) },
];

// One console for the whole table: the path values name nothing that exists, so no call changes a
// credential or anything another line depends on.
let built: TestConsole;
let revokedSecret: string;
beforeAll(async () => {
  built = await makeTestConsole({ ingestRateLimit: false });
  revokedSecret = (await built.services.credentials.create({ name: 'revoked-admin', role: 'admin', createdBy: 'test' })).secret;
  await built.services.credentials.revoke('revoked-admin');
});
afterAll(() => built.close());

describe.each(LINES)('$key', ({ method, path, access }) => {
  const send = (headers: Record<string, string>) =>
    built.app.inject({
      method: method as 'GET',
      url: fillParams(path),
      headers,
      ...(method !== 'GET' && { payload: { probe: true } }),
    });

  it.each(UNAUTHENTICATED)(`refuses $label with 401 and a challenge`, async ({ headers }) => {
    const res = await send(headers(built));
    if (access === 'public') {
      // A public route looks at no credential: whatever it answers (a sign-in refuses a probe's
      // body with 400, single sign-on is 404 when not configured), it is never an auth refusal.
      expect([401, 403]).not.toContain(res.statusCode);
      expect(res.statusCode).toBeLessThan(500);
      return;
    }
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer /);
  });

  it.each(ROLES)('answers the %s role as the table says', async (role) => {
    const res = await send(built.as(role));
    if (admits(access, role)) expect([401, 403]).not.toContain(res.statusCode);
    else expect(res.statusCode).toBe(403);
  });
});

describe('the access table states the roles of the design', () => {
  const lines = (predicate: (l: (typeof LINES)[number]) => boolean) => LINES.filter(predicate).map((l) => l.key);
  const admitted = (key: string, role: Role) => {
    const access = ACCESS[key];
    expect(access, `${key} is in the table`).toBeDefined();
    return admits(access!, role);
  };

  it('lets an ingest token send events and read the policy, and nothing else', () => {
    expect(lines((l) => l.access !== 'public' && l.access.includes('ingest')).sort()).toEqual(['GET /api/v1/policy', 'POST /api/v1/events']);
  });

  it('lets nobody but an ingest token store events', () => {
    expect(ACCESS['POST /api/v1/events']).toEqual(['ingest']);
  });

  it('lets read_only change nothing: every non-GET refuses it but the what-if preview', () => {
    const readOnlyWrites = lines((l) => l.method !== 'GET' && l.access !== 'public' && l.access.includes('read_only'));
    // The preview rescores copies of stored events; it stores nothing (see ingest.test.ts). Signing
    // yourself out ends your own session and changes no data.
    expect(readOnlyWrites).toEqual(['POST /api/v1/risk-settings/preview', 'DELETE /api/v1/session']);
  });

  it('asks a credential of every API route but the health check and the way to sign in', () => {
    const publicApi = lines((l) => l.access === 'public' && /^\/(api|auth|health)/.test(l.path)).sort();
    expect(publicApi).toEqual(['GET /api/v1/sign-in', 'GET /auth/oidc/callback', 'GET /auth/oidc/login', 'GET /health', 'POST /api/v1/session']);
  });

  it('lets analysts change risk scores, watchlist members, user profiles, alert rules and alert states', () => {
    const analystWrites = [
      'PUT /api/v1/risk-settings',
      'POST /api/v1/watchlists/:id/members',
      'DELETE /api/v1/watchlists/:id/members/:email',
      'PATCH /api/v1/users/:email',
      'POST /api/v1/alert-rules',
      'PATCH /api/v1/alerts/:id',
    ];
    for (const key of analystWrites) expect(admitted(key, 'analyst'), key).toBe(true);
    // And whatever is added later under these resources.
    const managed = lines((l) => l.method !== 'GET' && /^\/api\/v1\/(watchlists\/:id\/members|users|alert-rules|alerts)(\/|$)/.test(l.path));
    for (const key of managed) expect(admitted(key, 'analyst'), key).toBe(true);
  });

  it('keeps the synced policy, credentials, legal holds, retention and new watchlists to admins', () => {
    const adminWrites = [
      'PUT /api/v1/policy',
      'POST /api/v1/credentials',
      'DELETE /api/v1/credentials/:name',
      'POST /api/v1/legal-holds',
      'DELETE /api/v1/legal-holds',
      'PUT /api/v1/retention',
      'POST /api/v1/watchlists',
    ];
    for (const key of adminWrites) expect(ACCESS[key], key).toEqual(['admin']);
    const adminOnly = lines((l) => l.method !== 'GET' && /^\/api\/v1\/(policy|credentials|accounts|legal-holds|retention)(\/|$)/.test(l.path));
    for (const key of adminOnly) expect(ACCESS[key], key).toEqual(['admin']);
    expect(ACCESS['GET /api/v1/credentials']).toEqual(['admin']);
    expect(ACCESS['GET /api/v1/accounts']).toEqual(['admin']);
  });

  it('keeps the audit log from read_only and ingest', () => {
    expect(ACCESS['GET /api/v1/audit']).toEqual(['analyst', 'admin']);
  });
});

describe('a forged event', () => {
  let fresh: TestConsole;
  beforeAll(async () => {
    fresh = await makeTestConsole();
  });
  afterAll(() => fresh.close());

  it.each(['read_only', 'analyst', 'admin'] as const)('cannot be stored with a %s API key', async (role) => {
    const forged = await sampleEvent({ id: sampleId(7), user: { email: 'colleague@example.com' } });
    const res = await fresh.app.inject({ method: 'POST', url: '/api/v1/events', headers: fresh.as(role), payload: { events: [forged] } });
    expect(res.statusCode).toBe(403);
    expect(await fresh.services.events.count()).toBe(0);
  });

  it('is stored with an ingest token, which then names that token', async () => {
    const event = await sampleEvent({ id: sampleId(8) });
    expect((await fresh.app.inject({ method: 'POST', url: '/api/v1/events', headers: fresh.as('ingest'), payload: { events: [event] } })).statusCode).toBe(200);
    const stored = await fresh.app.inject({ method: 'GET', url: `/api/v1/events/${event.id}`, headers: fresh.as('read_only') });
    expect(stored.json().received.credential).toBe('test-ingest');
  });
});
