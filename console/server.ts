/**
 * The reference backend: Fastify over the console's database. Builds the services, registers every
 * route through the one access table, and bounds what a request may cost (body sizes before and
 * after inflation, a request timeout, a per-credential ingest rate limit).
 */
import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyHttpOptions, type FastifyInstance } from 'fastify';
import type { Server } from 'node:http';
import { CredentialStore } from './auth/credentials';
import { createConsoleAuth, type SignInOptions } from './auth/sign-in';
import { openConsoleDb } from './db/database';
import { databaseRateLimitStore } from './db/rate-limit-store';
import { installExposureAggregates } from './events/exposure';
import { EventStore } from './events/store';
import { inflateRequestBody } from './http/compressed-body';
import { openApiRoute } from './http/openapi';
import { registerRoutes } from './http/register';
import { registerUiAssets, uiRoutes } from './http/static-ui';
import { HttpError, type RouteSpec } from './http/route';
import { PolicyStore } from './policy-store';
import { CORE_ROUTES } from './routes/core';
import { EVENT_ROUTES } from './routes/events';
import { ALERT_ROUTES } from './routes/alerts';
import { LEGAL_HOLD_ROUTES } from './routes/legal-holds';
import { USER_ROUTES } from './routes/users';
import { WATCHLIST_ROUTES } from './routes/watchlists';
import { SESSION_ROUTES } from './routes/session';
import { ACCOUNT_ROUTES } from './routes/users-admin';
import { NOTIFICATION_ROUTES } from './routes/notifications';
import { LOOKBACK_ROUTES } from './routes/lookback';
import { BLOCK_ROUTES } from './routes/block';
import { DESTINATION_ROUTES } from './routes/destinations';
import { startNotificationWorker } from './notify/worker';
import { alertIngestHook } from './alerts/sessions';
import { startRetentionJob } from './retention/job';
import { browserSyncContext } from './watchlists/store';
import type { ConsoleServices } from './services';

export interface ConsoleOptions {
  /** SQLite's folder (and where a legacy synced-settings.json is imported from). */
  dataDir: string;
  /** postgres://… : the console on PostgreSQL instead of SQLite in dataDir (console/db/database.ts). */
  databaseUrl?: string;
  /** Connections this node keeps to PostgreSQL. */
  databasePoolSize?: number;
  logger?: boolean;
  now?: () => number;
  /**
   * Which proxies may set X-Forwarded-For: false (default: the socket address is the client),
   * or addresses/CIDRs of the reverse proxies (Fastify's trustProxy).
   */
  trustProxy?: false | string[];
  /** Ingest requests per credential per window; false turns the limit off. */
  ingestRateLimit?: { max: number; timeWindowMs: number } | false;
  requestTimeoutMs?: number;
  maxCompressedBytes?: number;
  /** People's sign-in: session lifetimes, throttling, Secure cookies, OIDC single sign-on. */
  signIn?: SignInOptions;
}

export const DEFAULT_INGEST_RATE_LIMIT = { max: 6000, timeWindowMs: 60_000 };
const DEFAULT_MAX_COMPRESSED_BYTES = 5 * 1024 * 1024;

export interface BuiltConsole {
  app: FastifyInstance;
  services: ConsoleServices;
}

export async function buildConsole(options: ConsoleOptions): Promise<BuiltConsole> {
  const now = options.now ?? Date.now;
  const { db, engine, close } = await openConsoleDb({
    dataDir: options.dataDir,
    databaseUrl: options.databaseUrl,
    ...(options.databasePoolSize && { poolSize: options.databasePoolSize }),
  });
  const policy = new PolicyStore(db, now);
  await policy.importLegacyFile(options.dataDir);
  const limit = options.ingestRateLimit === undefined ? DEFAULT_INGEST_RATE_LIMIT : options.ingestRateLimit;
  const services: ConsoleServices = {
    db,
    engine,
    credentials: new CredentialStore(db, now),
    auth: createConsoleAuth(db, now, options.signIn),
    policy,
    events: new EventStore(db),
    now,
    ...(limit && {
      ingestRateLimit: {
        max: limit.max,
        timeWindow: limit.timeWindowMs,
        // After authentication (a route-level onRequest hook registered first), before the body is read.
        hook: 'onRequest' as const,
        keyGenerator: (request: { principal?: { credentialId: string } }) => request.principal?.credentialId ?? 'anonymous',
      },
    }),
    userSyncContext: browserSyncContext(db),
  };

  const requestTimeout = options.requestTimeoutMs ?? 30_000;
  const serverOptions: FastifyHttpOptions<Server> = {
    logger: options.logger ?? false,
    trustProxy: options.trustProxy && options.trustProxy.length ? options.trustProxy : false,
    requestTimeout,
    // Node 20 enforces requestTimeout only when it is given to the http server's constructor (set
    // afterwards, as Fastify does, a client trickling a body was never cut off), and checks it every
    // 30 s by default; console/limits.test.ts shows both.
    http: { requestTimeout, connectionsCheckingInterval: Math.max(10, Math.min(1_000, Math.floor(requestTimeout / 4))) },
    // The router never rewrites a path: no duplicate-slash folding, case-sensitive, no trailing-slash
    // aliases. A path that is not exactly a route's is 404.
    routerOptions: { ignoreDuplicateSlashes: false, ignoreTrailingSlash: false, caseSensitive: true },
  };
  const app = Fastify(serverOptions);
  // On PostgreSQL the counts are in the database, so a limit holds across every node (one node
  // alone on SQLite counts in its memory).
  await app.register(rateLimit, { global: false, ...(engine === 'postgres' && { store: databaseRateLimitStore(db) }) });

  // Unmatched: 404 before any body is read or any credential is looked at.
  app.addHook('onRequest', async (request, reply) => {
    if (request.is404) return reply.code(404).header('Connection', 'close').send({ error: 'not found' });
  });
  app.addHook('preParsing', async (request, _reply, payload) =>
    inflateRequestBody(request, payload, options.maxCompressedBytes ?? DEFAULT_MAX_COMPRESSED_BYTES),
  );
  app.setNotFoundHandler((_request, reply) => reply.code(404).send({ error: 'not found' }));
  app.setErrorHandler((error: Error & { statusCode?: number; details?: Record<string, unknown> }, request, reply) => {
    if (error instanceof HttpError) return reply.code(error.statusCode).send({ error: error.message, ...error.details });
    const status = error.statusCode ?? 500;
    if (status >= 500) {
      request.log.error(error);
      return reply.code(500).send({ error: 'internal error' });
    }
    // Fastify's own refusals: body too large (413), bad JSON (400), unsupported media type (415), …
    return reply.code(status).send({ error: error.message });
  });

  const routes: RouteSpec[] = [
    ...CORE_ROUTES,
    ...EVENT_ROUTES,
    ...WATCHLIST_ROUTES,
    ...USER_ROUTES,
    ...ALERT_ROUTES,
    ...LEGAL_HOLD_ROUTES,
    ...SESSION_ROUTES,
    ...ACCOUNT_ROUTES,
    ...NOTIFICATION_ROUTES,
    ...LOOKBACK_ROUTES,
    ...BLOCK_ROUTES,
    ...DESTINATION_ROUTES,
  ];
  routes.push(openApiRoute(routes));
  // The web interface's pages are routes of the access table but not of the API document.
  registerRoutes(app, [...routes, ...uiRoutes()], services);
  registerUiAssets(app);
  installExposureAggregates(services);
  services.events.addIngestHook(alertIngestHook);
  startRetentionJob(app, services);
  startNotificationWorker(app, services);
  app.addHook('onClose', async () => close());
  return { app, services };
}
