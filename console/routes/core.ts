/** Ingest, settings sync, risk settings, audit, credentials: the routes every deployment needs. */
import { z } from 'zod';
import { classifyDestination } from '../../src/core/destinations/classify';
import { mergeRiskSettings, RiskSettingsOverrides } from '../../src/core/risk/overrides';
import { rescore } from '../../src/core/risk/rescore';
import { DEFAULT_RISK_SETTINGS, RECOMMENDED_SCORES, type RiskSettings } from '../../src/core/risk/settings';
import { NativeBatch } from '../../src/core/schema/event';
import { Severity } from '../../src/core/schema/identifiers';
import { AuditEntry, listAudit, recordAudit } from '../audit';
import { recordBrowserReport } from '../events/browser-health';
import { CredentialError, CredentialInfo, CredentialName } from '../auth/credentials';
import { actorOf, Role } from '../auth/roles';
import { decodeCursor, encodeCursor } from '../http/cursor';
import { defineRoute, HttpError, rethrowAsHttp } from '../http/route';
import { etagOf, ifMatchAllows } from '../policy-store';

export const INGEST_BODY_LIMIT = 20 * 1024 * 1024;
const MAX_STORED_SCORE = 2 ** 31 - 1;
/** Scores above this make an event high or critical on their own (Incydr's caution). */
const CAUTION_ABOVE = 7;

const ErrorAnswer = z.object({ error: z.string() });

const ingest = defineRoute({
  method: 'POST',
  path: '/api/v1/events',
  tag: 'ingest',
  summary:
    "Ingest a native batch (browsers, with an ingest token). Idempotent on event id. The batch's `health` (storage trouble, dead letters) and `droppedEvents` are kept per browser (GET /api/v1/users/{email}/browsers).",
  body: NativeBatch,
  bodyLimit: INGEST_BODY_LIMIT,
  // A page names its files (new File([], 'a\0b')): refusing the batch would lose its other events.
  anyText: true,
  rateLimited: true,
  response: z.object({ accepted: z.number(), duplicates: z.number(), clientIp: z.string() }),
  async handler({ body, principal, services, request }) {
    // The events table keeps a score in 32 bits (PostgreSQL refused a larger one: a 500 the browser
    // retried for ever). The extension's scores are sums of weights of at most 10 each.
    const tooRisky = body.events.findIndex((e) => e.risk.score > MAX_STORED_SCORE);
    if (tooRisky >= 0) {
      throw new HttpError(400, 'invalid body', {
        issues: [{ path: `events.${tooRisky}.risk.score`, message: `above ${MAX_STORED_SCORE}, the highest score the console stores` }],
      });
    }
    const context = { credentialId: principal.credentialId, clientIp: request.ip, receivedAt: services.now() };
    const result = await services.events.ingest(body.events, context);
    // The browser's health and drops (issue 15), after its events, and best effort: the events are
    // stored, so a failure here must not make the browser send them again and again.
    await recordBrowserReport(services.db, {
      health: body.health,
      droppedEvents: body.droppedEvents,
      events: body.events,
      accepted: result.accepted,
      ...context,
    }).catch((err: unknown) => request.log.error({ err }, 'could not record the browser health'));
    // The client's address as this server sees it: the extension uses it for the remote indicator.
    return { ...result, clientIp: request.ip };
  },
});

const UserHeader = z.email().max(320);

const getPolicy = defineRoute({
  method: 'GET',
  path: '/api/v1/policy',
  tag: 'policy',
  summary:
    'The synced settings. A browser names its user in X-Upwatch-User and also gets the watchlists it acts on; the ETag covers both (If-None-Match answers 304).',
  response: z.object({
    settings: z.record(z.string(), z.unknown()),
    clientIp: z.string(),
    user: z.object({ email: z.string(), watchlists: z.array(z.string()) }).optional(),
  }),
  async handler({ services, request, reply }) {
    const policy = await services.policy.current();
    const header = request.headers['x-upwatch-user'];
    const email = typeof header === 'string' && UserHeader.safeParse(header).success ? header.toLowerCase() : undefined;
    const user = email ? { email, ...(await services.userSyncContext(email)) } : undefined;
    const etag = user ? etagOf(policy.etag, user.email, user.watchlists.join(',')) : policy.etag;
    reply.header('ETag', etag).header('Cache-Control', 'no-cache').header('Vary', 'X-Upwatch-User').header('X-Client-Ip', request.ip);
    if (request.headers['if-none-match'] === etag) return reply.code(304).send();
    return { settings: policy.settings, clientIp: request.ip, ...(user && { user }) };
  },
});

/** 412 to PUT /api/v1/policy: the settings changed since the writer read them; nothing was written. */
export const PolicyChanged = z.object({
  error: z
    .string()
    .meta({ description: 'Says the synced settings changed since they were read: GET them again, apply the change to them, and send it with their ETag' }),
});

const putPolicy = defineRoute({
  method: 'PUT',
  path: '/api/v1/policy',
  tag: 'policy',
  summary:
    'Replace the synced settings (syncable policy keys only). Audited. With `If-Match: <ETag>` (as GET /api/v1/policy answered it without ' +
    'X-Upwatch-User, or as a PUT answered it) the settings are replaced only if they are still the ones read: two admins editing at once ' +
    'cannot overwrite each other unseen, the later one gets 412 and nothing is written. Without If-Match the settings are replaced whatever they are.',
  body: z.record(z.string(), z.unknown()),
  headers: z.object({
    'if-match': z
      .string()
      .max(2000)
      .optional()
      .meta({ description: 'The ETag of the settings this change was made to (or `*`); a stale one gets 412 Precondition Failed' }),
  }),
  response: z.object({ etag: z.string(), cautions: z.array(z.string()) }),
  errors: { 412: { description: 'If-Match names settings that are no longer current: nothing was written', body: PolicyChanged } },
  async handler({ body, headers, principal, services, reply }) {
    const ifMatch = headers['if-match'];
    // The tag is compared inside the write's transaction (PolicyStore.amend holds the settings'
    // lock first), so of two writers with the same tag exactly one succeeds.
    const { problems, policy } = await services.policy.amend(
      (_settings, etag) => {
        if (ifMatch !== undefined && !ifMatchAllows(ifMatch, etag))
          throw new HttpError(
            412,
            'the synced settings changed since they were read (by someone else?): GET /api/v1/policy again and apply the change to them',
          );
        return body;
      },
      principal,
      'policy.updated',
    );
    if (problems.length || !policy) throw new HttpError(400, 'invalid settings', { problems: problems.slice(0, 50) });
    reply.header('ETag', policy.etag);
    return { etag: policy.etag, cautions: cautions(effectiveRiskSettings(policy.settings)) };
  },
});

function effectiveRiskSettings(settings: Record<string, unknown>): RiskSettings {
  const overrides = RiskSettingsOverrides.safeParse(settings.riskSettings ?? {});
  return mergeRiskSettings(DEFAULT_RISK_SETTINGS, overrides.success ? overrides.data : undefined);
}

function cautions(settings: RiskSettings): string[] {
  const out: string[] = [];
  for (const [group, scores] of Object.entries(settings.scores)) {
    for (const [id, score] of Object.entries(scores as Record<string, number>)) {
      if (score > CAUTION_ABOVE) out.push(`${group}.${id} is ${score}: above ${CAUTION_ABOVE}, every event with it is high or critical on its own`);
    }
  }
  for (const [service, score] of Object.entries(settings.serviceOverrides)) {
    if (score > CAUTION_ABOVE) out.push(`service ${service} is ${score}: above ${CAUTION_ABOVE}, every upload to it is high or critical on its own`);
  }
  return out;
}

const RiskSettingsAnswer = z.object({
  riskSettings: RiskSettingsOverrides,
  effective: z.unknown(),
  recommended: z.unknown(),
  cautions: z.array(z.string()),
  appliesTo: z.literal('future events'),
});

const getRiskSettings = defineRoute({
  method: 'GET',
  path: '/api/v1/risk-settings',
  tag: 'risk settings',
  summary: 'The synced risk settings, the effective scores, the recommended defaults and cautions for scores above 7.',
  response: RiskSettingsAnswer,
  async handler({ services, reply }) {
    const { settings } = await services.policy.current();
    const effective = effectiveRiskSettings(settings);
    reply.header('ETag', riskSettingsEtag(settings)).header('Cache-Control', 'no-cache');
    return { riskSettings: settings.riskSettings ?? {}, effective, recommended: RECOMMENDED_SCORES, cautions: cautions(effective), appliesTo: 'future events' };
  },
});

/**
 * The risk settings' own tag: a change to another policy key (a response rule, a trusted domain)
 * leaves it as it was, so an analyst saving scores is refused only when the scores changed.
 */
function riskSettingsEtag(settings: Record<string, unknown>): string {
  return etagOf('riskSettings', JSON.stringify(settings.riskSettings ?? {}));
}

const putRiskSettings = defineRoute({
  method: 'PUT',
  path: '/api/v1/risk-settings',
  tag: 'risk settings',
  summary:
    'Replace the risk settings (analysts and admins). Applies to future events only; stored events keep their scores. Audited. ' +
    'With `If-Match: <ETag>` (as GET /api/v1/risk-settings or a previous PUT answered it) the settings are replaced only if they are ' +
    'still the ones read: of two people saving scores at once, the later gets 412 and nothing is written. Changes to other policy keys do not count.',
  body: RiskSettingsOverrides,
  headers: z.object({
    'if-match': z
      .string()
      .max(2000)
      .optional()
      .meta({ description: 'The ETag of the risk settings this change was made to (or `*`); a stale one gets 412 Precondition Failed' }),
  }),
  response: RiskSettingsAnswer,
  errors: { 412: { description: 'If-Match names risk settings that are no longer current: nothing was written', body: PolicyChanged } },
  async handler({ body, headers, principal, services, reply }) {
    const ifMatch = headers['if-match'];
    // Amended as the settings are at the write, so a policy change made meanwhile is kept; the tag
    // is compared inside the write's transaction, so of two writers with the same tag one succeeds.
    const { problems, policy } = await services.policy.amend(
      (settings) => {
        if (ifMatch !== undefined && !ifMatchAllows(ifMatch, riskSettingsEtag(settings)))
          throw new HttpError(
            412,
            'the risk settings changed since they were read (by someone else?): GET /api/v1/risk-settings again and make the change to them',
          );
        return { ...settings, riskSettings: body };
      },
      principal,
      'risk_settings.updated',
    );
    if (problems.length || !policy) throw new HttpError(400, 'invalid risk settings', { problems });
    reply.header('ETag', riskSettingsEtag(policy.settings));
    const effective = mergeRiskSettings(DEFAULT_RISK_SETTINGS, body);
    return { riskSettings: body, effective, recommended: RECOMMENDED_SCORES, cautions: cautions(effective), appliesTo: 'future events' };
  },
});

const ScoreAndSeverity = z.object({ score: z.number(), severity: Severity });

const preview = defineRoute({
  method: 'POST',
  path: '/api/v1/risk-settings/preview',
  tag: 'risk settings',
  summary: 'What the latest stored events would score under new risk settings. Stored events are not changed.',
  body: z.strictObject({ riskSettings: RiskSettingsOverrides, limit: z.number().int().min(1).max(10_000).default(1000) }),
  response: z.object({
    settingsVersion: z.string(),
    /** How many of the events would score differently. */
    changed: z.number().int(),
    cautions: z.array(z.string()),
    events: z.array(z.object({ id: z.string(), before: ScoreAndSeverity.extend({ settingsVersion: z.string() }), after: ScoreAndSeverity })),
  }),
  async handler({ body, services }) {
    const settings = mergeRiskSettings(DEFAULT_RISK_SETTINGS, body.riskSettings);
    const rows = await services.db.selectFrom('events').select('body').orderBy('sort_at', 'desc').orderBy('seq', 'desc').limit(body.limit).execute();
    const results = rescore(
      rows.map((r) => JSON.parse(r.body)),
      settings,
    );
    return {
      settingsVersion: settings.version,
      changed: results.filter((r) => r.changed).length,
      cautions: cautions(settings),
      events: results.map((r) => ({ id: r.id, before: r.before, after: { score: r.after.score, severity: r.after.severity } })),
    };
  },
});

const classify = defineRoute({
  method: 'GET',
  path: '/api/v1/destinations/classify',
  tag: 'destinations',
  summary: 'What the extension would call a destination (same code as the extension), for checking a URL, a title or custom destinations.',
  query: z.object({ url: z.string().max(65_536), title: z.string().max(100_000).optional(), frameUrl: z.string().max(65_536).optional() }),
  async handler({ query }) {
    return classifyDestination(query);
  },
});

const Limit = (max: number, fallback: number) => z.coerce.number().int().min(1).max(max).default(fallback);

const audit = defineRoute({
  method: 'GET',
  path: '/api/v1/audit',
  tag: 'audit',
  summary: 'The append-only audit log, newest first, with cursor paging.',
  query: z.object({
    limit: Limit(500, 100),
    cursor: z.string().optional(),
    action: z.string().max(64).optional(),
    actor: z.string().max(128).optional(),
    target: z.string().max(512).optional(),
  }),
  response: z.object({ entries: z.array(AuditEntry), nextCursor: z.string().nullable() }),
  async handler({ query, services }) {
    const position = decodeCursor(z.object({ seq: z.number().int() }), query.cursor);
    const entries = await listAudit(services.db, { ...query, beforeSeq: position?.seq });
    const last = entries.at(-1);
    return { entries, nextCursor: entries.length === query.limit && last ? encodeCursor({ seq: last.seq }) : null };
  },
});

const listCredentials = defineRoute({
  method: 'GET',
  path: '/api/v1/credentials',
  tag: 'credentials',
  summary: 'Every credential (never its secret): name, role, created, last used, revoked.',
  response: z.object({ credentials: z.array(CredentialInfo) }),
  async handler({ services }) {
    return { credentials: await services.credentials.list() };
  },
});

const createCredential = defineRoute({
  method: 'POST',
  path: '/api/v1/credentials',
  tag: 'credentials',
  summary: 'Create an ingest token or an API key. The secret is in this answer only. Audited.',
  body: z.strictObject({ name: CredentialName, role: Role }),
  response: z.object({ credential: CredentialInfo, secret: z.string() }),
  async handler({ body, principal, services, reply }) {
    try {
      const { info, secret } = await services.credentials.create({ ...body, createdBy: actorOf(principal) });
      await recordAudit(services.db, { actor: principal, action: 'credential.created', target: `credential:${info.name}`, after: info }, services.now());
      reply.code(201);
      return { credential: info, secret };
    } catch (err) {
      return rethrowAsHttp(err, CredentialError);
    }
  },
});

const revokeCredential = defineRoute({
  method: 'DELETE',
  path: '/api/v1/credentials/:name',
  tag: 'credentials',
  summary: 'Revoke a credential at once. Audited.',
  params: z.object({ name: CredentialName }),
  response: z.object({ credential: CredentialInfo }),
  async handler({ params, principal, services }) {
    // A person's session is no credential: its name (their email) may be a key's name too.
    if (principal.kind !== 'session' && params.name === principal.name) throw new HttpError(409, 'a credential cannot revoke itself: use another admin key');
    const result = await services.credentials.revoke(params.name);
    if (!result) throw new HttpError(404, `no credential named ${params.name}`);
    // Revoked already: answered as it stands, and audited only the once it was revoked.
    if (!result.changed) return { credential: result.after };
    await recordAudit(
      services.db,
      { actor: principal, action: 'credential.revoked', target: `credential:${params.name}`, before: result.before, after: result.after },
      services.now(),
    );
    return { credential: result.after };
  },
});

const whoami = defineRoute({
  method: 'GET',
  path: '/api/v1/whoami',
  tag: 'credentials',
  summary: 'The credential this request authenticated with, and its role.',
  response: z.object({ name: z.string(), role: Role }),
  async handler({ principal }) {
    return { name: principal.name, role: principal.role };
  },
});

const health = defineRoute({
  method: 'GET',
  path: '/health',
  tag: 'health',
  summary: 'Liveness: answers while the process serves and its database answers. No credential, no data.',
  response: z.object({ ok: z.boolean() }),
  async handler({ services }) {
    await services.db.selectFrom('console_settings').select('key').limit(1).execute();
    return { ok: true };
  },
});

export const CORE_ROUTES = [
  ingest,
  getPolicy,
  putPolicy,
  getRiskSettings,
  putRiskSettings,
  preview,
  classify,
  audit,
  listCredentials,
  createCredential,
  revokeCredential,
  whoami,
  health,
];
export { ErrorAnswer };
