/**
 * The reference backend: ingests native batches, answers queries. Fastify + better-sqlite3.
 */
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { timingSafeEqual } from 'node:crypto';
import { createGunzip } from 'node:zlib';
import { z } from 'zod';
import { classifyDestination } from '../src/core/destinations/classify';
import { mergeRiskSettings, RiskSettingsOverrides } from '../src/core/risk/overrides';
import { rescore } from '../src/core/risk/rescore';
import { DEFAULT_RISK_SETTINGS } from '../src/core/risk/settings';
import { NativeBatch } from '../src/core/schema/event';
import { EventDb } from './event-db';
import { PolicyStore } from './policy-store';

export interface ConsoleOptions {
  dataDir: string;
  /** Bearer token required on every /api call. */
  token: string;
  logger?: boolean;
  bodyLimitBytes?: number;
}

const ListQuery = z.object({ limit: z.coerce.number().int().min(1).max(10_000).default(100) });

function bearerMatches(request: FastifyRequest, token: string): boolean {
  const header = request.headers.authorization ?? '';
  const match = /^Bearer (.+)$/.exec(header);
  if (!match) return false;
  const given = Buffer.from(match[1]!);
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const PreviewBody = z.strictObject({
  riskSettings: RiskSettingsOverrides,
  limit: z.number().int().min(1).max(10_000).default(1000),
});

const ClassifyQuery = z.object({
  url: z.string().max(65_536),
  title: z.string().max(100_000).optional(),
  frameUrl: z.string().max(65_536).optional(),
});

export function buildConsole(options: ConsoleOptions): { app: FastifyInstance; db: EventDb } {
  if (!options.token) throw new Error('the console needs a token');
  const db = new EventDb(options.dataDir);
  const policy = new PolicyStore(options.dataDir);
  const app = Fastify({ logger: options.logger ?? false, bodyLimit: options.bodyLimitBytes ?? 20 * 1024 * 1024 });

  // Batches may be gzip-compressed (Content-Encoding: gzip); Fastify does not inflate by itself.
  app.addHook('preParsing', async (request, _reply, payload) => {
    const encoding = request.headers['content-encoding'];
    if (encoding === 'gzip') {
      delete request.headers['content-length'];
      return payload.pipe(createGunzip());
    }
    if (encoding && encoding !== 'identity') {
      throw Object.assign(new Error(`unsupported content encoding ${encoding}`), { statusCode: 415 });
    }
    return payload;
  });

  app.addHook('onRequest', async (request, reply) => {
    if (request.url.startsWith('/api/') && !bearerMatches(request, options.token)) {
      return reply.code(401).send({ error: 'missing or wrong bearer token' });
    }
  });

  app.get('/health', async () => ({ ok: true }));

  app.post('/api/v1/events', async (request, reply) => {
    const parsed = NativeBatch.safeParse(request.body);
    if (!parsed.success) {
      return reply.code(400).send({ error: 'invalid batch', issues: parsed.error.issues.slice(0, 20) });
    }
    // The client's address as this server sees it: the extension uses it for the remote indicator.
    return { ...db.insert(parsed.data.events), clientIp: request.ip };
  });

  app.get('/api/v1/events', async (request, reply) => {
    const query = ListQuery.safeParse(request.query);
    if (!query.success) return reply.code(400).send({ error: 'invalid query', issues: query.error.issues });
    return { events: db.list(query.data.limit) };
  });

  // What the extension would call a destination: for admins checking a URL, a title or a policy's
  // custom destinations before they push them. Same code as the extension (src/core).
  app.get('/api/v1/destinations/classify', async (request, reply) => {
    const query = ClassifyQuery.safeParse(request.query);
    if (!query.success) return reply.code(400).send({ error: 'invalid query', issues: query.error.issues });
    const { url, title, frameUrl } = query.data;
    return classifyDestination({ url, title, frameUrl });
  });

  // Preview a change of risk settings: what the latest stored events would score under it. Stored
  // events are not changed (each keeps the score it got); the answer lists before and after.
  app.post('/api/v1/risk-settings/preview', async (request, reply) => {
    const body = PreviewBody.safeParse(request.body);
    if (!body.success) return reply.code(400).send({ error: 'invalid risk settings', issues: body.error.issues.slice(0, 20) });
    const settings = mergeRiskSettings(DEFAULT_RISK_SETTINGS, body.data.riskSettings);
    const results = rescore(db.list(body.data.limit), settings);
    return {
      settingsVersion: settings.version,
      changed: results.filter((r) => r.changed).length,
      events: results.map((r) => ({ id: r.id, before: r.before, after: { score: r.after.score, severity: r.after.severity } })),
    };
  });

  // Settings sync: what extensions fetch every interval. The ETag makes an unchanged answer a 304;
  // X-Client-Ip tells each extension the address this server sees (the remote indicator).
  app.get('/api/v1/policy', async (request, reply) => {
    reply.header('ETag', policy.etag).header('Cache-Control', 'no-cache').header('X-Client-Ip', request.ip);
    if (request.headers['if-none-match'] === policy.etag) return reply.code(304).send();
    return { settings: policy.settings, clientIp: request.ip };
  });

  app.put('/api/v1/policy', async (request, reply) => {
    const problems = policy.replace(request.body);
    if (problems.length) return reply.code(400).send({ error: 'invalid settings', problems: problems.slice(0, 50) });
    return { etag: policy.etag };
  });

  app.addHook('onClose', async () => db.close());
  return { app, db };
}
