// @vitest-environment node
/**
 * People signed in with a session go through the same one access table as API keys: every line of
 * it × each person role, with the CSRF token, is a 403 exactly where the table refuses the role and
 * never a 401. And a credential is "itself" by its id, not its name: a person signed in as
 * ops@example.com may revoke an API key an admin happened to name ops@example.com (409 before).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCESS } from '../../../console/http/access';
import { PEOPLE_ROLES } from '../../../console/auth/roles';
import { makeTestConsole, type TestConsole } from '../support/test-console';
import { signedIn, type SignedIn } from '../support/sessions';
import { sampleId } from '../support/sample-event';

let built: TestConsole;
const sessions = {} as Record<(typeof PEOPLE_ROLES)[number], SignedIn>;
beforeAll(async () => {
  built = await makeTestConsole({ ingestRateLimit: false });
  for (const role of PEOPLE_ROLES) sessions[role] = await signedIn(built, `${role.replace('_', '-')}@example.com`, role);
});
afterAll(() => built.close());

/** Path values that name nothing, so no line changes what another depends on. */
const fill = (path: string) =>
  path.replace(/:(\w+)/g, (_m, name: string) =>
    name === 'email' ? 'nobody%40example.com' : name === 'name' ? 'no-such-credential' : path.includes('/watchlists/') ? 'departing' : sampleId(4242),
  );

// Signing out would end the session the other lines use; sign-in.test.ts covers it.
const LINES = Object.entries(ACCESS)
  .filter(([key, access]) => access !== 'public' && key !== 'DELETE /api/v1/session')
  .map(([key, access]) => ({ key, access, method: key.split(' ')[0]!, path: key.split(' ')[1]! }));

describe.each(LINES)('$key with a session', ({ method, path, access }) => {
  it.each(PEOPLE_ROLES)('answers the %s role as the table says', async (role) => {
    const res = await built.app.inject({
      method: method as 'GET',
      url: fill(path),
      headers: sessions[role].headers(),
      ...(method !== 'GET' && { payload: { probe: true } }),
    });
    expect(res.statusCode, res.body).not.toBe(401);
    if ((access as readonly string[]).includes(role)) expect(res.statusCode, res.body).not.toBe(403);
    else expect(res.json()).toEqual({ error: `the ${role} role may not ${method} this resource` });
  });
});

describe('a credential revoking itself', () => {
  it('is refused to the API key itself', async () => {
    const res = await built.app.inject({ method: 'DELETE', url: '/api/v1/credentials/test-admin', headers: built.as('admin') });
    expect(res.statusCode).toBe(409);
  });

  it('is not what a person does revoking a key named like their email', async () => {
    const admin = sessions.admin;
    const created = await built.app.inject({
      method: 'POST',
      url: '/api/v1/credentials',
      headers: built.as('admin'),
      payload: { name: admin.email, role: 'read_only' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const res = await built.app.inject({ method: 'DELETE', url: `/api/v1/credentials/${encodeURIComponent(admin.email)}`, headers: admin.headers() });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().credential).toMatchObject({ name: admin.email, revokedAt: expect.any(String) });
    // The session still works: it was never that key.
    expect((await built.app.inject({ method: 'GET', url: '/api/v1/session', headers: admin.headers() })).statusCode).toBe(200);
  });
});

describe('the Authorization scheme', () => {
  it.each(['bearer', 'BEARER', 'BeArEr'])('is case-insensitive: %s <key> authenticates', async (scheme) => {
    const res = await built.app.inject({ method: 'GET', url: '/api/v1/whoami', headers: { authorization: `${scheme} ${built.keys.analyst}` } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ name: 'test-analyst', role: 'analyst' });
  });

  it('is still only Bearer', async () => {
    const res = await built.app.inject({ method: 'GET', url: '/api/v1/whoami', headers: { authorization: `Bearerx ${built.keys.analyst}` } });
    expect(res.statusCode).toBe(401);
  });
});
