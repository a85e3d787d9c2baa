/**
 * Puts the routes into Fastify. Per route, in this order: the router matches (unmatched: 404 at
 * once, body unread); `onRequest` authenticates the bearer credential, or without an Authorization
 * header the session cookie, checks a cookie-authenticated change for its CSRF token (403), and
 * checks the role against the access table (401 / 403, body unread); only then is the body read
 * (inflated when gzip, within bounds), refused when it holds text a database cannot keep
 * (./text.ts), and validated with the route's zod schemas (400); then the handler runs.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { changesState, CSRF_HEADER, csrfTokenMatches } from '../auth/csrf';
import type { Principal } from '../auth/roles';
import { readCookie, SESSION_COOKIE, type ActiveSession } from '../auth/sessions';
import type { ConsoleServices } from '../services';
import { ACCESS, accessKey, type Access } from './access';
import { HttpError, type RouteSpec } from './route';
import { unstorableText } from './text';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
    /** Set when the session cookie authenticated the request. */
    session?: ActiveSession;
  }
}

const DEFAULT_BODY_LIMIT = 1024 * 1024;

function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return undefined;
  // The scheme is case-insensitive (RFC 9110 §11.1): `bearer <key>` is the same credential.
  const match = /^Bearer ([\x21-\x7e]{1,200})$/i.exec(header);
  return match?.[1];
}

function authenticator(access: Access, services: ConsoleServices) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (access === 'public') return;
    // An Authorization header decides alone (a wrong one is never rescued by a cookie).
    const secret = bearer(request);
    const session = request.headers.authorization === undefined ? await services.auth.sessionOf(request) : undefined;
    const principal = session ? session.principal : secret === undefined ? undefined : await services.credentials.authenticate(secret);
    if (!principal) {
      if (readCookie(request.headers.cookie, SESSION_COOKIE) !== undefined) reply.header('Set-Cookie', services.auth.clearedSessionCookie(request));
      return reply
        .code(401)
        .header('WWW-Authenticate', 'Bearer realm="upwatch"')
        .header('Connection', 'close')
        .send({ error: 'missing, unknown or revoked credential, or no live session' });
    }
    if (session && changesState(request.method) && !csrfTokenMatches(session.csrfToken, request.headers[CSRF_HEADER])) {
      return reply
        .code(403)
        .header('Connection', 'close')
        .send({ error: `a change made with the session cookie needs the session's token in ${CSRF_HEADER}` });
    }
    request.session = session;
    if (!access.includes(principal.role)) {
      return reply
        .code(403)
        .header('Connection', 'close')
        .send({ error: `the ${principal.role} role may not ${request.method} this resource` });
    }
    request.principal = principal;
  };
}

function parsePart<T>(schema: z.ZodType<T> | undefined, value: unknown, what: string, anyText = false): T {
  if (!schema) return undefined as T;
  const unstorable = anyText ? undefined : unstorableText(value);
  if (unstorable) throw new HttpError(400, `invalid ${what}`, { issues: [unstorable] });
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new HttpError(400, `invalid ${what}`, {
      issues: parsed.error.issues.slice(0, 20).map((i) => ({ path: i.path.join('.'), message: i.message })),
    });
  }
  return parsed.data;
}

/**
 * A write that lost a race for a unique key: the row another request inserted between this one's
 * read and its insert (on PostgreSQL each statement reads what was committed before it, so two
 * requests creating the same watchlist both saw none). Its transaction rolled back.
 */
function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** Runs of a handler whose write lost such a race (the second sees the winner's row). */
const MAX_RUNS = 3;

export function registerRoutes(app: FastifyInstance, routes: readonly RouteSpec[], services: ConsoleServices): void {
  const registered = new Set<string>();
  for (const route of routes) {
    const key = accessKey(route.method, route.path);
    const access = ACCESS[key];
    if (!access) throw new Error(`route ${key} has no line in the access table`);
    if (registered.has(key)) throw new Error(`route ${key} is registered twice`);
    registered.add(key);
    app.route({
      method: route.method,
      url: route.path,
      bodyLimit: route.bodyLimit ?? DEFAULT_BODY_LIMIT,
      onRequest: authenticator(access, services),
      ...(route.rateLimited && services.ingestRateLimit && { config: { rateLimit: services.ingestRateLimit } }),
      handler: async (request, reply) => {
        const context = {
          query: parsePart(route.query, request.query, 'query'),
          params: parsePart(route.params, request.params, 'path'),
          body: parsePart(route.body, request.body, 'body', route.anyText),
          // Node refuses U+0000 in a header; a header's other text is the route's schema's to judge.
          headers: parsePart(route.headers, request.headers, 'headers', true),
          principal: request.principal!,
          services,
          request,
          reply,
        };
        // A write that lost a race for a unique key is run again, and then finds the row the other
        // request made: the answer it gets one after the other (409 exists, 200 already), not a 500.
        for (let run = 1; ; run++) {
          try {
            return await route.handler(context);
          } catch (err) {
            if (run >= MAX_RUNS || !isUniqueViolation(err) || reply.sent) throw err;
          }
        }
      },
    });
  }
  const missing = Object.keys(ACCESS).filter((k) => !registered.has(k));
  if (missing.length) throw new Error(`the access table lists routes nobody serves: ${missing.join(', ')}`);
}
