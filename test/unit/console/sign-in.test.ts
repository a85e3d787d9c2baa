// @vitest-environment node
/**
 * Signing in with an email and password: the session cookie and its flags, the same refusal for
 * every wrong sign-in, throttling per account and per address, idle and absolute expiry, sign-out,
 * disabled accounts, and a session's role going through the one access table.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACCESS } from '../../../console/http/access';
import { PEOPLE_ROLES } from '../../../console/auth/roles';
import { DEFAULT_THROTTLE } from '../../../console/auth/throttle';
import { makeTestConsole, type TestConsole } from '../support/test-console';
import { PASSWORD, sessionFrom, setCookie, signedIn, signInRequest } from '../support/sessions';

const T0 = Date.parse('2026-11-25T09:00:00.000Z');
const HOUR = 3_600_000;

let built: TestConsole;
let clock = T0;
const make = async (options: Parameters<typeof makeTestConsole>[0] = {}) => {
  clock = T0;
  built = await makeTestConsole({ now: () => clock, ingestRateLimit: false, ...options });
};
afterEach(() => built.close());

const getSession = (headers: Record<string, string>) => built.app.inject({ method: 'GET', url: '/api/v1/session', headers });
const createAccount = (email: string, role: 'read_only' | 'analyst' | 'admin' = 'analyst', name?: string) =>
  built.services.auth.accounts.createLocal({ email, role, password: PASSWORD, ...(name && { name }) }, 'system', 'test');

describe('signing in with a password', () => {
  beforeEach(() => make());

  it('answers the user and a CSRF token, and sets an HttpOnly, SameSite=Lax session cookie for the whole site', async () => {
    await createAccount('olivia@example.com', 'analyst', 'Olivia Park');
    const res = await signInRequest(built, 'Olivia@Example.com ', PASSWORD);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      user: { email: 'olivia@example.com', role: 'analyst', name: 'Olivia Park' },
      csrfToken: expect.stringMatching(/^[\w-]{43}$/),
    });
    expect(res.headers['cache-control']).toBe('no-store');
    const cookie = setCookie(res, 'upwatch_session')!;
    expect(cookie.value).toMatch(/^[\w-]{43}$/);
    expect(cookie.attributes).toEqual(['Path=/', 'HttpOnly', 'SameSite=Lax']);

    const session = sessionFrom('olivia@example.com', res);
    const again = await getSession(session.headers({ csrf: false }));
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(res.json());
    // Only a hash of the cookie is stored.
    const onDisk = readdirSync(built.dir)
      .map((f) => readFileSync(join(built.dir, f)).toString('latin1'))
      .join('\n');
    expect(onDisk).not.toContain(cookie.value);
    expect(onDisk).not.toContain(PASSWORD);
    const audit = await built.app.inject({ method: 'GET', url: '/api/v1/audit?action=session.started', headers: built.as('admin') });
    expect(audit.json().entries[0]).toMatchObject({ actor: 'analyst:olivia@example.com', target: 'account:olivia@example.com' });
  });

  it('marks the cookie Secure over TLS (as a trusted proxy reports it) and when told to', async () => {
    await built.close();
    await make({ trustProxy: ['127.0.0.1'] });
    await createAccount('olivia@example.com');
    const plain = await signInRequest(built, 'olivia@example.com', PASSWORD);
    expect(setCookie(plain, 'upwatch_session')!.attributes).not.toContain('Secure');
    const viaTls = await signInRequest(built, 'olivia@example.com', PASSWORD, { headers: { 'x-forwarded-proto': 'https' } });
    expect(setCookie(viaTls, 'upwatch_session')!.attributes).toContain('Secure');
    await built.close();
    await make({ signIn: { secureCookies: true } });
    await createAccount('olivia@example.com');
    expect(setCookie(await signInRequest(built, 'olivia@example.com', PASSWORD), 'upwatch_session')!.attributes).toContain('Secure');
  });

  it('refuses a wrong password, an unknown address and a malformed body without telling which', async () => {
    await createAccount('olivia@example.com');
    const wrongPassword = await signInRequest(built, 'olivia@example.com', `${PASSWORD}!`);
    const unknown = await signInRequest(built, 'nobody@example.com', PASSWORD);
    expect([wrongPassword.statusCode, unknown.statusCode]).toEqual([401, 401]);
    expect(wrongPassword.body).toBe(unknown.body);
    expect(wrongPassword.json()).toEqual({ error: 'wrong email or password' });
    expect(wrongPassword.headers['set-cookie']).toBeUndefined();
    const form = await built.app.inject({
      method: 'POST',
      url: '/api/v1/session',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `email=olivia%40example.com&password=${encodeURIComponent(PASSWORD)}`,
    });
    expect(form.statusCode).toBe(415);
  });

  it('gives a new session at every sign-in and ends the one the browser had', async () => {
    const first = await signedIn(built, 'olivia@example.com', 'analyst');
    const second = sessionFrom('olivia@example.com', await signInRequest(built, 'olivia@example.com', PASSWORD, { headers: first.headers({ csrf: false }) }));
    expect(second.cookie).not.toBe(first.cookie);
    expect(second.csrfToken).not.toBe(first.csrfToken);
    expect((await getSession(first.headers())).statusCode).toBe(401);
    expect((await getSession(second.headers())).statusCode).toBe(200);
  });
});

describe('throttling failed sign-ins', () => {
  beforeEach(() => make());

  it('refuses an account for 30 s after 5 failures (429, Retry-After), doubling with each further failure, and forgets after a success', async () => {
    await createAccount('olivia@example.com');
    for (let i = 0; i < 5; i++) expect((await signInRequest(built, 'olivia@example.com', 'wrong password!')).statusCode).toBe(401);
    const refused = await signInRequest(built, 'olivia@example.com', PASSWORD);
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['retry-after']).toBe('30');
    expect(refused.json()).toMatchObject({ retryAfterSeconds: 30 });

    clock += 30_000;
    expect((await signInRequest(built, 'olivia@example.com', 'wrong password!')).statusCode).toBe(401);
    expect((await signInRequest(built, 'olivia@example.com', PASSWORD)).headers['retry-after']).toBe('60');
    clock += 60_000;
    expect((await signInRequest(built, 'olivia@example.com', PASSWORD)).statusCode).toBe(200);
    // Cleared: the next wrong password is a plain 401 again.
    expect((await signInRequest(built, 'olivia@example.com', 'wrong password!')).statusCode).toBe(401);
    expect((await signInRequest(built, 'olivia@example.com', PASSWORD)).statusCode).toBe(200);

    const audit = await built.app.inject({ method: 'GET', url: '/api/v1/audit?action=sign_in.throttled', headers: built.as('admin') });
    expect(audit.json().entries.map((e: { target: string }) => e.target)).toEqual(['account:olivia@example.com', 'account:olivia@example.com']);
  });

  it('throttles an address guessing many accounts (20 failures by default), and not the others', async () => {
    expect(DEFAULT_THROTTLE).toMatchObject({ accountFailures: 5, addressFailures: 20 });
    await built.close();
    await make({ signIn: { throttle: { addressFailures: 6 } } });
    await createAccount('olivia@example.com');
    const attacker = { remoteAddress: '198.51.100.7' };
    for (let i = 0; i < 6; i++) expect((await signInRequest(built, `guess${i}@example.com`, 'wrong password!', attacker)).statusCode).toBe(401);
    expect((await signInRequest(built, 'olivia@example.com', PASSWORD, attacker)).statusCode).toBe(429);
    expect((await signInRequest(built, 'olivia@example.com', PASSWORD, { remoteAddress: '198.51.100.8' })).statusCode).toBe(200);
  });

  it('checks one password of an account at a time, so parallel guesses cannot outrun the count', async () => {
    await createAccount('olivia@example.com');
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => signInRequest(built, 'olivia@example.com', `wrong password ${i}`, { remoteAddress: `203.0.113.${i}` })),
    );
    const codes = answers.map((a) => a.statusCode).sort();
    expect(codes.filter((c) => c === 401).length).toBe(1);
    expect(codes.filter((c) => c === 429).length).toBe(9);
  });
});

describe('session lifetime', () => {
  it('ends a session after 8 idle hours, and at the latest 24 hours after sign-in however busy', async () => {
    await make();
    const idle = await signedIn(built, 'idle@example.com', 'read_only');
    const busy = await signedIn(built, 'busy@example.com', 'read_only');
    for (const at of [7, 14, 21, 23.9]) {
      clock = T0 + at * HOUR;
      expect((await getSession(busy.headers())).statusCode, `${at} h`).toBe(200);
    }
    const expired = await getSession(idle.headers());
    expect(expired.statusCode).toBe(401);
    expect(setCookie(expired, 'upwatch_session')).toEqual({ value: '', attributes: ['Path=/', 'HttpOnly', 'SameSite=Lax', 'Max-Age=0'] });
    clock = T0 + 24 * HOUR + 1;
    expect((await getSession(busy.headers())).statusCode).toBe(401);
  });

  it('takes other lifetimes from the options', async () => {
    await make({ signIn: { sessions: { idleMs: 15 * 60_000, absoluteMs: HOUR } } });
    const session = await signedIn(built, 'olivia@example.com', 'read_only');
    clock = T0 + 14 * 60_000;
    expect((await getSession(session.headers())).statusCode).toBe(200);
    clock += 15 * 60_000 + 1;
    expect((await getSession(session.headers())).statusCode).toBe(401);
  });

  it('signs out: the session ends on the server and the cookie is cleared', async () => {
    await make();
    const session = await signedIn(built, 'olivia@example.com', 'read_only');
    expect((await built.app.inject({ method: 'DELETE', url: '/api/v1/session', headers: session.headers({ csrf: false }) })).statusCode).toBe(403);
    const out = await built.app.inject({ method: 'DELETE', url: '/api/v1/session', headers: session.headers() });
    expect(out.statusCode).toBe(204);
    expect(setCookie(out, 'upwatch_session')!.attributes).toContain('Max-Age=0');
    expect((await getSession(session.headers())).statusCode).toBe(401);
    expect(await built.services.db.selectFrom('sessions').selectAll().execute()).toEqual([]);
  });

  it('ends the sessions of a disabled account at once, and refuses its sign-in like a wrong password', async () => {
    await make();
    const session = await signedIn(built, 'leaver@example.com', 'analyst');
    const disable = await built.app.inject({
      method: 'PATCH',
      url: '/api/v1/accounts/leaver@example.com',
      headers: built.as('admin'),
      payload: { disabled: true },
    });
    expect(disable.statusCode).toBe(200);
    expect((await getSession(session.headers())).statusCode).toBe(401);
    const again = await signInRequest(built, 'leaver@example.com', PASSWORD);
    expect(again.statusCode).toBe(401);
    expect(again.json()).toEqual({ error: 'wrong email or password' });
    await built.app.inject({ method: 'PATCH', url: '/api/v1/accounts/leaver@example.com', headers: built.as('admin'), payload: { disabled: false } });
    expect((await signInRequest(built, 'leaver@example.com', PASSWORD)).statusCode).toBe(200);
  });
});

describe("a session's role", () => {
  beforeEach(() => make());

  const fill = (path: string) =>
    path.replace(/:(\w+)/g, (_m, name: string) => (name === 'email' ? 'someone%40example.com' : name === 'id' ? 'departing' : 'no-such-thing'));
  const lines = Object.entries(ACCESS)
    .filter(([key, access]) => access !== 'public' && key !== 'DELETE /api/v1/session')
    .map(([key, access]) => ({ key, method: key.split(' ')[0]!, path: key.split(' ')[1]!, access: access as readonly string[] }));

  it.each(PEOPLE_ROLES)('is what the access table admits for %s, route by route, as for an API key', async (role) => {
    const session = await signedIn(built, `${role}@example.com`, role);
    for (const { key, method, path, access } of lines) {
      const res = await built.app.inject({
        method: method as 'GET',
        url: fill(path),
        headers: session.headers(),
        ...(method !== 'GET' && { payload: { probe: true } }),
      });
      if (access.includes(role)) expect([401, 403], key).not.toContain(res.statusCode);
      else expect(res.statusCode, key).toBe(403);
    }
  });

  it('follows a role change at once, in the running session', async () => {
    const session = await signedIn(built, 'olivia@example.com', 'analyst');
    const addMember = () =>
      built.app.inject({ method: 'POST', url: '/api/v1/watchlists/departing/members', headers: session.headers(), payload: { email: 'leaver@example.com' } });
    expect((await addMember()).statusCode).toBe(201);
    await built.app.inject({ method: 'PATCH', url: '/api/v1/accounts/olivia@example.com', headers: built.as('admin'), payload: { role: 'read_only' } });
    expect((await addMember()).statusCode).toBe(403);
    expect((await getSession(session.headers())).json().user.role).toBe('read_only');
  });

  it('answers 404 to GET /api/v1/session with an API key, which has no session', async () => {
    expect((await getSession(built.as('read_only'))).statusCode).toBe(404);
  });
});
