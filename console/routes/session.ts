/**
 * Signing in and out: with an email and password (POST /api/v1/session) or with OIDC single sign-on
 * (GET /auth/oidc/login, then the provider sends the browser back to GET /auth/oidc/callback). Both
 * end in the same session cookie and CSRF token (see auth/sessions.ts and auth/csrf.ts). Who may call
 * each route: ../http/access.ts.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { recordAudit } from '../audit';
import { AccountRole } from '../auth/accounts';
import { OIDC_BROWSER_COOKIE, OIDC_SIGN_IN_TTL_MS, OidcError } from '../auth/oidc';
import { MAX_PASSWORD_LENGTH } from '../auth/passwords';
import { cookieHeader, principalOf, readCookie } from '../auth/sessions';
import { accountKey, addressKey } from '../auth/throttle';
import type { AccountRow } from '../db/schema';
import { defineRoute, HttpError } from '../http/route';
import type { ConsoleServices } from '../services';

const SessionUser = z.object({ email: z.string(), role: AccountRole, name: z.string().optional() });
const SessionAnswer = z.object({ user: SessionUser, csrfToken: z.string() });
type SessionAnswer = z.infer<typeof SessionAnswer>;

const userOf = (account: AccountRow): z.infer<typeof SessionUser> => ({
  email: account.email,
  role: AccountRole.parse(account.role),
  ...(account.name !== null && { name: account.name }),
});

/** Starts a session for an account: answers the body, and the Set-Cookie value that carries it. */
async function startSession(
  services: ConsoleServices,
  request: FastifyRequest,
  account: AccountRow,
  via: 'password' | 'oidc',
): Promise<{ answer: SessionAnswer; cookie: string }> {
  // A new id at every sign-in; a session the browser already had ends (ASVS 3.2.1).
  const previous = await services.auth.sessionOf(request);
  if (previous) await services.auth.sessions.end(previous.idHash);
  const { cookieValue, csrfToken } = await services.auth.sessions.start(account, request.ip);
  await services.auth.accounts.recordSignIn(account.id);
  await recordAudit(
    services.db,
    { actor: principalOf(account), action: 'session.started', target: `account:${account.email}`, after: { via, clientIp: request.ip } },
    services.now(),
  );
  return { answer: { user: userOf(account), csrfToken }, cookie: services.auth.sessionCookie(request, cookieValue) };
}

function tooMany(reply: FastifyReply, waitMs: number) {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  return reply
    .code(429)
    .header('Retry-After', String(seconds))
    .send({ error: `too many failed sign-ins: try again in ${seconds} s`, retryAfterSeconds: seconds });
}

const signInOptions = defineRoute({
  method: 'GET',
  path: '/api/v1/sign-in',
  tag: 'session',
  summary: 'How people may sign in here (for the sign-in page): always with a password; with single sign-on when OIDC is configured. No credential, no data.',
  response: z.object({ password: z.literal(true), oidc: z.object({ loginUrl: z.string() }).nullable() }),
  async handler({ services }) {
    return { password: true, oidc: services.auth.oidc ? { loginUrl: '/auth/oidc/login' } : null };
  },
});

const signIn = defineRoute({
  method: 'POST',
  path: '/api/v1/session',
  tag: 'session',
  summary:
    'Sign in with an email and password: sets the HttpOnly session cookie and answers the user and the CSRF token every change must carry in X-CSRF-Token. 401 for any wrong email or password alike; 429 with Retry-After after repeated failures for the account or from the address.',
  // JSON only (any other content type is 415), so a cross-site HTML form cannot sign a browser in.
  body: z.strictObject({ email: z.string().trim().min(1).max(320), password: z.string().min(1).max(MAX_PASSWORD_LENGTH) }),
  response: SessionAnswer,
  async handler({ body, services, request, reply }) {
    const { auth } = services;
    const email = body.email.toLowerCase();
    const keys = [accountKey(email), addressKey(request.ip)];
    const waitMs = await auth.throttle.blockedFor(keys);
    if (waitMs > 0) return tooMany(reply, waitMs);
    const checked = await auth.throttle.exclusive(keys[0]!, request.ip, () => auth.accounts.verifyLocal(email, body.password));
    if (!checked) return tooMany(reply, 1000);
    const account = checked.result;
    if (!account) {
      const blocked = await auth.throttle.recordFailure(keys);
      for (const b of blocked) {
        const after = { failures: b.failures, refusedForSeconds: Math.ceil(b.blockedMs / 1000) };
        await recordAudit(services.db, { actor: 'system', action: 'sign_in.throttled', target: b.key, after }, services.now());
      }
      request.log.warn({ email, ip: request.ip }, 'failed sign-in');
      throw new HttpError(401, 'wrong email or password');
    }
    await auth.throttle.clear(keys[0]!);
    const { answer, cookie } = await startSession(services, request, account, 'password');
    reply.header('Set-Cookie', cookie).header('Cache-Control', 'no-store');
    return answer;
  },
});

const NO_SESSION = 'no session: this request carries an API key (GET /api/v1/whoami names it)';

const getSession = defineRoute({
  method: 'GET',
  path: '/api/v1/session',
  tag: 'session',
  summary: "The signed-in user and the session's CSRF token (401 without a live session).",
  response: SessionAnswer,
  async handler({ request, reply }) {
    const session = request.session;
    if (!session) throw new HttpError(404, NO_SESSION);
    reply.header('Cache-Control', 'no-store');
    return { user: userOf(session.account), csrfToken: session.csrfToken };
  },
});

const signOut = defineRoute({
  method: 'DELETE',
  path: '/api/v1/session',
  tag: 'session',
  summary: 'Sign out: ends the session on the server and clears the cookie (needs X-CSRF-Token, like every change). Answers 204.',
  async handler({ services, request, reply }) {
    const session = request.session;
    if (!session) throw new HttpError(404, NO_SESSION);
    await services.auth.sessions.end(session.idHash);
    await recordAudit(services.db, { actor: session.principal, action: 'session.ended', target: `account:${session.account.email}` }, services.now());
    return reply.code(204).header('Set-Cookie', services.auth.clearedSessionCookie(request)).send();
  },
});

/** The OIDC sign-in, or a 404 where it is not configured. */
function configuredOidc(services: ConsoleServices): NonNullable<ConsoleServices['auth']['oidc']> {
  if (!services.auth.oidc) throw new HttpError(404, 'single sign-on is not configured');
  return services.auth.oidc;
}

const oidcCookie = (services: ConsoleServices, request: FastifyRequest, value: string, maxAgeSeconds: number) =>
  cookieHeader(OIDC_BROWSER_COOKIE, value, { secure: services.auth.secureCookie(request), path: '/auth/oidc', maxAgeSeconds });

const oidcLogin = defineRoute({
  method: 'GET',
  path: '/auth/oidc/login',
  tag: 'session',
  summary:
    'Single sign-on: redirects (302) to the OIDC provider with state, nonce and PKCE. 404 when OIDC is not configured, 503 when the provider cannot be reached.',
  async handler({ services, request, reply }) {
    const oidc = configuredOidc(services);
    try {
      const { url, browserValue } = await oidc.begin();
      reply.header('Set-Cookie', oidcCookie(services, request, browserValue, OIDC_SIGN_IN_TTL_MS / 1000)).header('Cache-Control', 'no-store');
      return reply.redirect(url, 302);
    } catch (err) {
      if (err instanceof OidcError) throw new HttpError(503, err.message);
      throw err;
    }
  },
});

const oidcCallback = defineRoute({
  method: 'GET',
  path: '/auth/oidc/callback',
  tag: 'session',
  summary:
    'Where the OIDC provider sends the browser back: validates the answer, creates or updates the account, starts a session and redirects (302) to /. A refusal redirects to /?signInError=<expired|denied|invalid|no_email|no_role|conflict|disabled|unavailable>.',
  async handler({ services, request, reply }) {
    const oidc = configuredOidc(services);
    const cleared = oidcCookie(services, request, '', 0);
    reply.header('Cache-Control', 'no-store');
    const refuse = (code: string) => reply.header('Set-Cookie', cleared).redirect(`/?signInError=${code}`, 302);
    const query = request.url.indexOf('?');
    let identity;
    try {
      identity = await oidc.finish(readCookie(request.headers.cookie, OIDC_BROWSER_COOKIE), query < 0 ? '' : request.url.slice(query));
    } catch (err) {
      if (!(err instanceof OidcError)) throw err;
      request.log.warn({ code: err.code, reason: err.message }, 'single sign-on refused');
      return refuse(err.code);
    }
    const outcome = await services.auth.accounts.signInWithOidc(identity);
    if ('refusal' in outcome) {
      request.log.warn({ email: identity.email, code: outcome.refusal }, 'single sign-on refused');
      return refuse(outcome.refusal);
    }
    const { cookie } = await startSession(services, request, outcome.account, 'oidc');
    return reply.header('Set-Cookie', [cleared, cookie]).redirect('/', 302);
  },
});

export const SESSION_ROUTES = [signInOptions, signIn, getSession, signOut, oidcLogin, oidcCallback];
