/** Legal holds and the retention setting. Who may call each route: ../http/access.ts. */
import { z } from 'zod';
import { decodeCursor, encodeCursor } from '../http/cursor';
import { defineRoute } from '../http/route';
import { DEFAULT_RETENTION_DAYS, lastRetentionRun, RETENTION_INTERVAL_MS, retentionDays, RetentionDays, setRetentionDays } from '../retention/job';
import { LegalHold, listHolds, Matter, placeHold, releaseHold } from '../retention/legal-holds';
import type { ConsoleServices } from '../services';
import { PersonEmail } from '../watchlists/store';

const HoldBody = z.strictObject({ email: PersonEmail, matter: Matter });
const HoldPosition = z.object({ c: z.number().int(), q: z.number().int() });

const listHoldsRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/legal-holds',
  tag: 'legal holds',
  summary: 'Active legal holds, newest first, with cursor paging; `email` narrows to one person.',
  query: z.object({ email: PersonEmail.optional(), limit: z.coerce.number().int().min(1).max(500).default(100), cursor: z.string().optional() }),
  response: z.object({ holds: z.array(LegalHold), nextCursor: z.string().nullable() }),
  async handler({ query, services }) {
    const rows = await listHolds(services.db, { limit: query.limit, email: query.email, after: decodeCursor(HoldPosition, query.cursor) });
    const last = rows.at(-1);
    return { holds: rows.map(({ position: _p, ...hold }) => hold), nextCursor: rows.length === query.limit && last ? encodeCursor(last.position) : null };
  },
});

const place = defineRoute({
  method: 'POST',
  path: '/api/v1/legal-holds',
  tag: 'legal holds',
  summary:
    'Place a person under legal hold for a matter: retention keeps all their events until every hold of theirs is released. 201 when new, 200 when already held for that matter. Audited.',
  body: HoldBody,
  response: z.object({ hold: LegalHold }),
  async handler({ body, principal, services, reply }) {
    const { hold, created } = await placeHold(services.db, body, principal, services.now());
    reply.code(created ? 201 : 200);
    return { hold };
  },
});

const release = defineRoute({
  method: 'DELETE',
  path: '/api/v1/legal-holds',
  tag: 'legal holds',
  summary: 'Release one hold (body `{ email, matter }`). Their events age out at the next retention run unless another hold remains. Audited.',
  body: HoldBody,
  response: z.object({ released: LegalHold }),
  async handler({ body, principal, services }) {
    return { released: await releaseHold(services.db, body, principal, services.now()) };
  },
});

const RetentionAnswer = z.object({
  days: z.number(),
  defaultDays: z.number(),
  /** What ages an event: the time the console received it. */
  basis: z.literal('received time'),
  runsEveryMinutes: z.number(),
  lastRun: z
    .object({
      at: z.string(),
      days: z.number(),
      cutoff: z.string(),
      deleted: z.number().meta({ description: 'Events deleted' }),
      browsersDeleted: z.number().meta({ description: 'Browsers not heard from since the cutoff, forgotten (their latest health and dropped events)' }),
    })
    .nullable(),
});

async function retentionAnswer(services: ConsoleServices) {
  return {
    days: await retentionDays(services.db),
    defaultDays: DEFAULT_RETENTION_DAYS,
    basis: 'received time' as const,
    runsEveryMinutes: RETENTION_INTERVAL_MS / 60_000,
    lastRun: lastRetentionRun(services),
  };
}

const getRetention = defineRoute({
  method: 'GET',
  path: '/api/v1/retention',
  tag: 'retention',
  summary:
    'How many days events are kept after the console received them (people under legal hold excepted), and the last run of this console. ' +
    'A browser not heard from for as long is forgotten too (its latest health and dropped events), unless its person is under legal hold.',
  response: RetentionAnswer,
  async handler({ services }) {
    return retentionAnswer(services);
  },
});

const putRetention = defineRoute({
  method: 'PUT',
  path: '/api/v1/retention',
  tag: 'retention',
  summary: 'Set the retention in days (1–3650). The hourly job applies it. Audited.',
  body: z.strictObject({ days: RetentionDays }),
  response: RetentionAnswer,
  async handler({ body, principal, services }) {
    await setRetentionDays(services.db, body.days, principal, services.now());
    return retentionAnswer(services);
  },
});

export const LEGAL_HOLD_ROUTES = [listHoldsRoute, place, release, getRetention, putRetention];
