// @vitest-environment node
/**
 * OIDC single sign-on against a real provider (oidc-provider on 127.0.0.1) over real HTTP: the
 * redirect carries state, nonce and PKCE; the provider's sign-in and consent forms are posted as a
 * person would; the callback validates, creates the account, starts a session and lands on /. The
 * role comes from the groups claim (strongest match, following the provider at every sign-in);
 * nobody unmapped gets in; a callback works once, in the browser that started it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mapRole, OidcSettings } from '../../../console/auth/oidc';
import { signInOptionsFrom } from '../../../console/cli/sign-in-flags';
import { makeTestConsole, type TestConsole } from '../support/test-console';
import { Browser, CLIENT_ID, CLIENT_SECRET, freePort, startOidcProvider, type LocalProvider } from '../support/oidc';
import { PASSWORD } from '../support/sessions';

const people = {
  olivia: { email: 'Olivia@Example.com', email_verified: true, name: 'Olivia Park', groups: ['staff', 'upwatch-analyst'] },
  bob: { email: 'bob@example.com', email_verified: true, name: 'Bob', groups: ['staff', 'upwatch-read-only', 'upwatch-admin'] },
  carol: { email: 'carol@example.com', email_verified: true, name: 'Carol', groups: ['staff'] },
  dave: { email: 'dave@example.com', email_verified: true, groups: ['upwatch-analyst'] },
  erin: { email: 'erin@example.com', email_verified: false, groups: ['upwatch-analyst'] },
  frank: { email: 'frank@example.com', email_verified: true, groups: ['upwatch-analyst'] },
};

let provider: LocalProvider;
let built: TestConsole;
let consoleUrl: string;

beforeAll(async () => {
  const port = await freePort();
  consoleUrl = `http://127.0.0.1:${port}`;
  provider = await startOidcProvider(`${consoleUrl}/auth/oidc/callback`, people);
  built = await makeTestConsole({
    ingestRateLimit: false,
    signIn: {
      oidc: {
        issuer: provider.issuer,
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        redirectUrl: `${consoleUrl}/auth/oidc/callback`,
        scopes: 'openid email profile groups',
      },
    },
  });
  await built.app.listen({ port, host: '127.0.0.1' });
}, 30_000);
afterAll(async () => {
  await built.close();
  await provider.close();
});

const onConsole = (stopAt: 'landing' | 'callback') => (u: URL) =>
  u.origin === consoleUrl && (stopAt === 'callback' ? u.pathname === '/auth/oidc/callback' : !u.pathname.startsWith('/auth/'));

/** Signs a person in at the provider (any password: its development form takes any) and answers where the console sent the browser. */
async function signInWithSso(login: string, browser = new Browser()) {
  const landed = await browser.navigate(`${consoleUrl}/auth/oidc/login`, { login, password: 'any password' }, onConsole('landing'));
  const cookie = browser.cookies(consoleUrl).get('upwatch_session');
  return { landed, browser, cookie };
}

const sessionOf = (cookie: string | undefined) => built.app.inject({ method: 'GET', url: '/api/v1/session', headers: { cookie: `upwatch_session=${cookie}` } });
const account = async (email: string) =>
  (
    (await built.app.inject({ method: 'GET', url: '/api/v1/accounts', headers: built.as('admin') })).json().accounts as {
      email: string;
      role: string;
      kind: string;
      disabled: boolean;
    }[]
  ).find((a) => a.email === email);

describe('single sign-on with a local OIDC provider', () => {
  it('goes to the provider with state, nonce and PKCE, and comes back signed in with the mapped role', async () => {
    const { landed, browser, cookie } = await signInWithSso('olivia');
    expect(landed.href).toBe(`${consoleUrl}/`);
    const authorize = new URL(browser.visited[1]!);
    expect(authorize.origin).toBe(provider.issuer);
    expect(Object.fromEntries(authorize.searchParams)).toMatchObject({
      client_id: CLIENT_ID,
      redirect_uri: `${consoleUrl}/auth/oidc/callback`,
      response_type: 'code',
      code_challenge_method: 'S256',
      code_challenge: expect.stringMatching(/^[\w-]{43}$/),
      state: expect.stringMatching(/^[\w-]{20,}$/),
      nonce: expect.stringMatching(/^[\w-]{20,}$/),
    });
    expect(browser.setCookies.find((c) => c.startsWith('upwatch_session='))).toMatch(/^upwatch_session=[\w-]{43}; Path=\/; HttpOnly; SameSite=Lax$/);

    const session = await sessionOf(cookie);
    expect(session.statusCode).toBe(200);
    expect(session.json().user).toEqual({ email: 'olivia@example.com', role: 'analyst', name: 'Olivia Park' });
    expect(await account('olivia@example.com')).toMatchObject({ kind: 'oidc', role: 'analyst', disabled: false });
    const audit = (await built.app.inject({ method: 'GET', url: '/api/v1/audit?target=account:olivia@example.com', headers: built.as('admin') })).json()
      .entries;
    expect(audit.map((e: { action: string; after: { via: string } }) => [e.action, e.after.via])).toEqual([
      ['session.started', 'oidc'],
      ['account.created', 'oidc'],
    ]);
    // The session works like any other: an analyst's change with the CSRF token.
    const change = await built.app.inject({
      method: 'POST',
      url: '/api/v1/watchlists/departing/members',
      headers: { cookie: `upwatch_session=${cookie}`, 'x-csrf-token': session.json().csrfToken },
      payload: { email: 'leaver@example.com' },
    });
    expect(change.statusCode).toBe(201);
  });

  it('gives the strongest mapped role, and follows the provider at the next sign-in', async () => {
    expect((await sessionOf((await signInWithSso('bob')).cookie)).json().user.role).toBe('admin');
    provider.people.bob!.groups = ['staff', 'upwatch-read-only'];
    expect((await sessionOf((await signInWithSso('bob')).cookie)).json().user.role).toBe('read_only');
    const [update] = (
      await built.app.inject({ method: 'GET', url: '/api/v1/audit?action=account.updated&target=account:bob@example.com', headers: built.as('admin') })
    ).json().entries;
    expect(update).toMatchObject({ actor: 'system', before: { role: 'admin' }, after: { role: 'read_only', via: 'oidc' } });
  });

  it.each([
    ['carol', 'no_role', 'has no mapped group'],
    ['erin', 'no_email', 'has an unverified email address'],
  ])('refuses %s, who %s (/?signInError=%s), with no account and no session', async (login, code) => {
    const { landed, cookie } = await signInWithSso(login);
    expect(landed.href).toBe(`${consoleUrl}/?signInError=${code}`);
    expect(cookie).toBeUndefined();
    expect(await account(`${login}@example.com`)).toBeUndefined();
  });

  it('refuses an address that belongs to a local account', async () => {
    await built.services.auth.accounts.createLocal({ email: 'dave@example.com', role: 'read_only', password: PASSWORD }, 'system', 'test');
    expect((await signInWithSso('dave')).landed.search).toBe('?signInError=conflict');
  });

  it('keeps the role of a single sign-on account to the provider, and refuses it once disabled here', async () => {
    const { cookie } = await signInWithSso('frank');
    const patch = (payload: object) => built.app.inject({ method: 'PATCH', url: '/api/v1/accounts/frank@example.com', headers: built.as('admin'), payload });
    expect((await patch({ role: 'admin' })).statusCode).toBe(409);
    expect((await patch({ disabled: true })).statusCode).toBe(200);
    expect((await sessionOf(cookie)).statusCode).toBe(401);
    expect((await signInWithSso('frank')).landed.search).toBe('?signInError=disabled');
  });

  it('accepts a callback once, and only in the browser that started the sign-in', async () => {
    const browser = new Browser();
    const callback = await browser.navigate(`${consoleUrl}/auth/oidc/login`, { login: 'olivia', password: 'x' }, onConsole('callback'));
    const elsewhere = await new Browser().request(callback.href);
    expect([elsewhere.status, elsewhere.headers.get('location')]).toEqual([302, '/?signInError=expired']);
    // The attempt from elsewhere did not use it up: the right browser still signs in, once.
    const first = await browser.request(callback.href);
    expect([first.status, first.headers.get('location')]).toEqual([302, '/']);
    const replay = await browser.request(callback.href);
    expect(replay.headers.get('location')).toBe('/?signInError=expired');
  });

  it('refuses a callback whose state was changed', async () => {
    const browser = new Browser();
    const callback = await browser.navigate(`${consoleUrl}/auth/oidc/login`, { login: 'olivia', password: 'x' }, onConsole('callback'));
    callback.searchParams.set('state', 'forged-state-value');
    expect((await browser.request(callback.href)).headers.get('location')).toBe('/?signInError=invalid');
  });

  it('says on GET /api/v1/sign-in that single sign-on is offered', async () => {
    expect((await built.app.inject({ method: 'GET', url: '/api/v1/sign-in' })).json()).toEqual({ password: true, oidc: { loginUrl: '/auth/oidc/login' } });
  });
});

describe('without a reachable or configured provider', () => {
  it('answers 503 when the provider cannot be reached, and 404 when none is configured', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const unreachable = await makeTestConsole({
      signIn: { oidc: { issuer: closed, clientId: 'x', clientSecret: 'y', redirectUrl: 'http://127.0.0.1:1/auth/oidc/callback' } },
    });
    const none = await makeTestConsole();
    try {
      expect((await unreachable.app.inject({ method: 'GET', url: '/auth/oidc/login' })).statusCode).toBe(503);
      for (const url of ['/auth/oidc/login', '/auth/oidc/callback?code=x&state=y'])
        expect((await none.app.inject({ method: 'GET', url })).statusCode).toBe(404);
      expect((await none.app.inject({ method: 'GET', url: '/api/v1/sign-in' })).json()).toEqual({ password: true, oidc: null });
    } finally {
      await unreachable.close();
      await none.close();
    }
  });
});

describe('role mapping and settings', () => {
  const settings = OidcSettings.parse({
    issuer: 'https://idp.example.com',
    clientId: 'c',
    clientSecret: 's',
    redirectUrl: 'https://upwatch.example.com/auth/oidc/callback',
  });

  it.each([
    [['upwatch-analyst'], 'analyst'],
    [['upwatch-read-only', 'upwatch-admin'], 'admin'],
    ['upwatch-read-only', 'read_only'],
    [['admin', 'Upwatch-Admin', 'staff'], undefined],
    [undefined, undefined],
    [[42, { admin: true }], undefined],
    [['__proto__', 'constructor'], undefined],
  ])('maps %j to %s by default (unmapped: denied)', (claim, role) => {
    expect(mapRole(claim, settings)).toBe(role);
  });

  it('takes a default role and a map of its own', () => {
    expect(mapRole(['staff'], { ...settings, defaultRole: 'read_only' })).toBe('read_only');
    expect(mapRole('secops', { roleMap: { secops: 'analyst' }, defaultRole: 'deny' })).toBe('analyst');
  });

  it('refuses a plain-http issuer except on a loopback address, and a redirect URL elsewhere than the callback', () => {
    const base = { clientId: 'c', clientSecret: 's', redirectUrl: 'https://upwatch.example.com/auth/oidc/callback' };
    expect(OidcSettings.safeParse({ ...base, issuer: 'http://idp.example.com' }).success).toBe(false);
    expect(OidcSettings.safeParse({ ...base, issuer: 'http://127.0.0.1:9000' }).success).toBe(true);
    expect(OidcSettings.safeParse({ ...base, issuer: 'https://idp.example.com', redirectUrl: 'https://upwatch.example.com/' }).success).toBe(false);
  });

  it('reads the flags, with the client secret from the environment, never from argv', () => {
    const flags = {
      'oidc-issuer': 'https://idp.example.com',
      'oidc-client-id': 'upwatch',
      'oidc-redirect-url': 'https://upwatch.example.com/auth/oidc/callback',
      'oidc-role-map': 'secops=admin,soc=analyst',
      'oidc-default-role': 'read_only',
    };
    expect(() => signInOptionsFrom(flags, {})).toThrow(/UPWATCH_OIDC_CLIENT_SECRET/);
    const options = signInOptionsFrom({ ...flags, 'secure-cookies': true, 'session-idle-minutes': '30' }, { UPWATCH_OIDC_CLIENT_SECRET: 'from-env' });
    expect(options).toMatchObject({
      secureCookies: true,
      sessions: { idleMs: 30 * 60_000 },
      oidc: { clientSecret: 'from-env', roleMap: { secops: 'admin', soc: 'analyst' }, defaultRole: 'read_only', roleClaim: 'groups' },
    });
    expect(() => signInOptionsFrom({ 'oidc-client-id': 'upwatch' }, {})).toThrow(/needs --oidc-issuer/);
    expect(() => signInOptionsFrom({ ...flags, 'oidc-role-map': 'secops=root' }, { UPWATCH_OIDC_CLIENT_SECRET: 's' })).toThrow(/--oidc-role-map/);
  });
});
