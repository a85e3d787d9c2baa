/**
 * Puts the routes into Fastify. Per route, in this order: the router matches (unmatched: 404 at
 * once, body unread); `onRequest` authenticates the bearer credential and checks its role against
 * the access table (401 / 403, body unread); only then is the body read (inflated when gzip, within
 * bounds) and validated with the route's zod schemas (400); then the handler runs.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Principal } from '../auth/roles';
import type { ConsoleServices } from '../services';
import { ACCESS, accessKey, type Access } from './access';
import { HttpError, type RouteSpec } from './route';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

const DEFAULT_BODY_LIMIT = 1024 * 1024;

function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer ([\x21-\x7e]{1,200})$/.exec(header);
  return match?.[1];
}

function authenticator(access: Access, services: ConsoleServices) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (access === 'public') return;
    const secret = bearer(request);
    const principal = secret === undefined ? undefined : await services.credentials.authenticate(secret);
    if (!principal) {
      return reply
        .code(401)
        .header('WWW-Authenticate', 'Bearer realm="upwatch"')
        .header('Connection', 'close')
        .send({ error: 'missing, unknown or revoked credential' });
    }
    if (!access.includes(principal.role)) {
      return reply.code(403).header('Connection', 'close').send({ error: `the ${principal.role} role may not ${request.method} this resource` });
    }
    request.principal = principal;
  };
}

function parsePart<T>(schema: z.ZodType<T> | undefined, value: unknown, what: string): T {
  if (!schema) return undefined as T;
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new HttpError(400, `invalid ${what}`, {
      issues: parsed.error.issues.slice(0, 20).map((i) => ({ path: i.path.join('.'), message: i.message })),
    });
  }
  return parsed.data;
}

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
        const answer = await route.handler({
          query: parsePart(route.query, request.query, 'query'),
          params: parsePart(route.params, request.params, 'path'),
          body: parsePart(route.body, request.body, 'body'),
          principal: request.principal!,
          services,
          request,
          reply,
        });
        return answer;
      },
    });
  }
  const missing = Object.keys(ACCESS).filter((k) => !registered.has(k));
  if (missing.length) throw new Error(`the access table lists routes nobody serves: ${missing.join(', ')}`);
}
