// @vitest-environment node
/**
 * CSRF: a change that the session cookie authenticates needs the session's token in X-CSRF-Token
 * (any other token, another session's included, is 403 and changes nothing); reads need none; a
 * request with a bearer credential needs none; a bearer header is never rescued by a cookie.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changesState, csrfTokenMatches } from '../../../console/auth/csrf';
import { makeTestConsole, type TestConsole } from '../support/test-console';
import { signedIn, type SignedIn } from '../support/sessions';

describe('the token comparison', () => {
  it.each([
    ['the same token', 'a'.repeat(43), true],
    ['another token of the same length', 'b'.repeat(43), false],
    ['a prefix', 'a'.repeat(42), false],
    ['a longer value', 'a'.repeat(44), false],
    ['an empty header', '', false],
    ['no header', undefined, false],
    ['a repeated header', ['a'.repeat(43), 'a'.repeat(43)], false],
  ] as const)('%s: %s', (_label, given, matches) => {
    expect(csrfTokenMatches('a'.repeat(43), given as string | string[] | undefined)).toBe(matches);
  });

  it.each([
    ['GET', false],
    ['HEAD', false],
    ['OPTIONS', false],
    ['POST', true],
    ['PUT', true],
    ['PATCH', true],
    ['DELETE', true],
    ['post', true],
  ])('%s changes state: %s', (method, expected) => {
    expect(changesState(method)).toBe(expected);
  });
});

describe('changes made with the session cookie', () => {
  let built: TestConsole;
  let admin: SignedIn;
  let other: SignedIn;
  beforeAll(async () => {
    built = await makeTestConsole({ ingestRateLimit: false });
    admin = await signedIn(built, 'admin@example.com', 'admin');
    other = await signedIn(built, 'other-admin@example.com', 'admin');
  });
  afterAll(() => built.close());

  const members = async () =>
    (await built.app.inject({ method: 'GET', url: '/api/v1/watchlists/departing/members', headers: built.as('read_only') })).json().members as {
      email: string;
    }[];

  // One change per method, each of which would succeed with the right token.
  const CHANGES = [
    { method: 'POST', url: '/api/v1/watchlists/departing/members', payload: { email: 'leaver@example.com' } },
    { method: 'PUT', url: '/api/v1/retention', payload: { days: 365 } },
    { method: 'PATCH', url: '/api/v1/users/leaver@example.com', payload: { notes: 'resigned' } },
    { method: 'DELETE', url: '/api/v1/watchlists/departing/members/leaver@example.com' },
  ] as const;

  it.each(CHANGES)("refuses $method $url without the token, with a wrong one and with another session's (403)", async (change) => {
    for (const token of [undefined, 'x'.repeat(43), other.csrfToken]) {
      const headers = { cookie: `upwatch_session=${admin.cookie}`, ...(token !== undefined && { 'x-csrf-token': token }) };
      const res = await built.app.inject({ method: change.method, url: change.url, headers, ...('payload' in change && { payload: change.payload }) });
      expect(res.statusCode, String(token)).toBe(403);
      expect(res.json().error).toMatch(/x-csrf-token/);
    }
  });

  it('changes nothing when refused, and goes through with the token', async () => {
    const add = (headers: Record<string, string>) =>
      built.app.inject({ method: 'POST', url: '/api/v1/watchlists/departing/members', headers, payload: { email: 'csrf-victim@example.com' } });
    expect((await add(admin.headers({ csrf: false }))).statusCode).toBe(403);
    expect((await members()).map((m) => m.email)).not.toContain('csrf-victim@example.com');
    expect((await add(admin.headers())).statusCode).toBe(201);
    expect((await members()).map((m) => m.email)).toContain('csrf-victim@example.com');
  });

  it.each(CHANGES)('accepts $method $url with the token', async (change) => {
    const res = await built.app.inject({
      method: change.method,
      url: change.url,
      headers: admin.headers(),
      ...('payload' in change && { payload: change.payload }),
    });
    expect(res.statusCode).toBeLessThan(300);
  });

  it('reads with the cookie alone', async () => {
    expect((await built.app.inject({ method: 'GET', url: '/api/v1/events', headers: admin.headers({ csrf: false }) })).statusCode).toBe(200);
    expect((await built.app.inject({ method: 'GET', url: '/api/v1/session', headers: admin.headers({ csrf: false }) })).statusCode).toBe(200);
  });

  it('asks no token of a bearer credential, and never falls back to the cookie when the bearer is wrong', async () => {
    const withKey = await built.app.inject({
      method: 'POST',
      url: '/api/v1/watchlists/departing/members',
      headers: built.as('analyst'),
      payload: { email: 'by-key@example.com' },
    });
    expect(withKey.statusCode).toBe(201);
    const wrongKeyAndCookie = await built.app.inject({
      method: 'GET',
      url: '/api/v1/events',
      headers: { ...admin.headers(), authorization: `Bearer upw_key_${'A'.repeat(43)}` },
    });
    expect(wrongKeyAndCookie.statusCode).toBe(401);
  });
});
