/**
 * Risk exposure: events by severity per hour or day, and the top users, destinations and
 * indicators of a time range. Answered from aggregates kept up to date at ingest (an IngestHook, in
 * the ingest transaction), so the answer reads at most a few hundred thousand pre-summed rows
 * whatever the number of events. Everything is bucketed by sort_at, the time listings sort by.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import { z } from 'zod';
import { SEVERITIES, Severity } from '../../src/core/schema/identifiers';
import type { ConsoleDatabase } from '../db/schema';
import { HttpError } from '../http/route';
import type { ConsoleServices } from '../services';
import { severityRank, type StoredEvent } from './store';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
export const MAX_RANGE_DAYS = 400;
export const MAX_BUCKETS = 2_000;
/** Rows per upsert statement: at most 7 columns each, well inside both engines' parameter limits. */
const ROWS_PER_STATEMENT = 500;

type Db = Kysely<ConsoleDatabase> | Transaction<ConsoleDatabase>;

const floorTo = (ms: number, size: number) => Math.floor(ms / size) * size;
const ceilTo = (ms: number, size: number) => Math.ceil(ms / size) * size;

interface Sums {
  events: number;
  score: number;
  maxRank: number;
}

function add(map: Map<string, Sums & { key: unknown[] }>, key: unknown[], score: number, rank: number): void {
  const k = JSON.stringify(key);
  const sums = map.get(k);
  if (sums) {
    sums.events++;
    sums.score += score;
    sums.maxRank = Math.max(sums.maxRank, rank);
  } else {
    map.set(k, { key, events: 1, score, maxRank: rank });
  }
}

async function chunked<T>(rows: T[], write: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) await write(rows.slice(i, i + ROWS_PER_STATEMENT));
}

/** The IngestHook: adds the batch's new events to the aggregates (summed per key first, then upserted). */
export async function addToExposure(trx: Transaction<ConsoleDatabase>, stored: readonly StoredEvent[]): Promise<void> {
  if (!stored.length) return;
  const hourly = new Map<string, Sums & { key: unknown[] }>();
  const users = new Map<string, Sums & { key: unknown[] }>();
  const destinations = new Map<string, Sums & { key: unknown[] }>();
  const indicators = new Map<string, Sums & { key: unknown[] }>();
  for (const { sortAt, event } of stored) {
    const rank = severityRank(event.risk.severity);
    const score = event.risk.score;
    const day = floorTo(sortAt, DAY_MS);
    add(hourly, [floorTo(sortAt, HOUR_MS), rank], score, rank);
    // The same normalisation as the events' search columns (console/events/store.ts).
    add(users, [day, event.user.email?.toLowerCase() ?? ''], score, rank);
    const service = event.destination.serviceId;
    add(destinations, [day, service ? 'service' : 'host', service ?? event.destination.host.toLowerCase(), event.destination.category], score, rank);
    for (const indicator of new Set(event.risk.indicators.map((i) => i.id))) add(indicators, [day, indicator], score, rank);
  }
  const sum = (table: string, column: string) => sql<number>`${sql.ref(`${table}.${column}`)} + ${sql.ref(`excluded.${column}`)}`;
  const greater = (table: string, column: string) =>
    sql<number>`case when ${sql.ref(`excluded.${column}`)} > ${sql.ref(`${table}.${column}`)} then ${sql.ref(`excluded.${column}`)} else ${sql.ref(`${table}.${column}`)} end`;

  await chunked([...hourly.values()], (chunk) =>
    trx
      .insertInto('exposure_hourly')
      .values(chunk.map((s) => ({ hour: s.key[0] as number, severity_rank: s.key[1] as number, events: s.events })))
      .onConflict((oc) => oc.columns(['hour', 'severity_rank']).doUpdateSet({ events: sum('exposure_hourly', 'events') }))
      .execute(),
  );
  await chunked([...users.values()], (chunk) =>
    trx
      .insertInto('exposure_user_daily')
      .values(chunk.map((s) => ({ day: s.key[0] as number, user_email: s.key[1] as string, events: s.events, score_sum: s.score, max_severity_rank: s.maxRank })))
      .onConflict((oc) =>
        oc.columns(['day', 'user_email']).doUpdateSet({
          events: sum('exposure_user_daily', 'events'),
          score_sum: sum('exposure_user_daily', 'score_sum'),
          max_severity_rank: greater('exposure_user_daily', 'max_severity_rank'),
        }),
      )
      .execute(),
  );
  await chunked([...destinations.values()], (chunk) =>
    trx
      .insertInto('exposure_destination_daily')
      .values(
        chunk.map((s) => ({
          day: s.key[0] as number,
          kind: s.key[1] as string,
          destination: s.key[2] as string,
          category: s.key[3] as string,
          events: s.events,
          score_sum: s.score,
          max_severity_rank: s.maxRank,
        })),
      )
      .onConflict((oc) =>
        oc.columns(['day', 'kind', 'destination', 'category']).doUpdateSet({
          events: sum('exposure_destination_daily', 'events'),
          score_sum: sum('exposure_destination_daily', 'score_sum'),
          max_severity_rank: greater('exposure_destination_daily', 'max_severity_rank'),
        }),
      )
      .execute(),
  );
  await chunked([...indicators.values()], (chunk) =>
    trx
      .insertInto('exposure_indicator_daily')
      .values(chunk.map((s) => ({ day: s.key[0] as number, indicator: s.key[1] as string, events: s.events, score_sum: s.score })))
      .onConflict((oc) =>
        oc.columns(['day', 'indicator']).doUpdateSet({ events: sum('exposure_indicator_daily', 'events'), score_sum: sum('exposure_indicator_daily', 'score_sum') }),
      )
      .execute(),
  );
}

/** Keeps the exposure aggregates up to date from now on: call once when the console starts. */
export function installExposureAggregates(services: Pick<ConsoleServices, 'events'>): void {
  services.events.addIngestHook(addToExposure);
}

/**
 * For the retention job: deletes the aggregate rows whose hour or day ended at or before `cutoffMs`
 * (rows of a day that is partly younger stay), except the per-user rows of users on legal hold.
 * Run it in the transaction that deletes the events.
 */
export async function pruneExposureBefore(trx: Db, cutoffMs: number, keepUsers: readonly string[]): Promise<void> {
  const keep = [...new Set(keepUsers.map((u) => u.toLowerCase()))];
  await trx.deleteFrom('exposure_hourly').where('hour', '<=', cutoffMs - HOUR_MS).execute();
  let users = trx.deleteFrom('exposure_user_daily').where('day', '<=', cutoffMs - DAY_MS);
  if (keep.length) users = users.where('user_email', 'not in', keep);
  await users.execute();
  await trx.deleteFrom('exposure_destination_daily').where('day', '<=', cutoffMs - DAY_MS).execute();
  await trx.deleteFrom('exposure_indicator_daily').where('day', '<=', cutoffMs - DAY_MS).execute();
}

const Instant = z.iso.datetime({ offset: true }).transform((s) => Date.parse(s));

export const ExposureQuery = z.object({
  from: Instant.optional().meta({ description: 'Start (inclusive, ISO 8601). Default: the start of the UTC day 6 days ago.' }),
  to: Instant.optional().meta({ description: 'End (exclusive, ISO 8601). Default: the end of today (UTC).' }),
  bucket: z.enum(['hour', 'day']).default('day').meta({ description: 'Time-series bucket (UTC). At most 2,000 buckets.' }),
  top: z.coerce.number().int().min(1).max(50).default(10).meta({ description: 'Length of each top list (1–50, default 10).' }),
});
export type ExposureQuery = z.infer<typeof ExposureQuery>;

const SeverityCounts = z.object({ none: z.number(), low: z.number(), moderate: z.number(), high: z.number(), critical: z.number(), total: z.number() });
type SeverityCounts = z.infer<typeof SeverityCounts>;

export const ExposureAnswer = z.object({
  from: z.string(),
  to: z.string(),
  series: z.object({
    bucket: z.enum(['hour', 'day']),
    coveredFrom: z.string().meta({ description: 'from, floored to the bucket: the series covers whole buckets' }),
    coveredTo: z.string(),
    buckets: z.array(SeverityCounts.extend({ start: z.string() })),
    totals: SeverityCounts,
  }),
  top: z.object({
    coveredFrom: z.string().meta({ description: 'from, floored to the UTC day: the top lists sum whole days' }),
    coveredTo: z.string(),
    users: z.array(z.object({ email: z.string().nullable(), events: z.number(), scoreSum: z.number(), maxSeverity: Severity })),
    destinations: z.array(
      z.object({ kind: z.enum(['service', 'host']), destination: z.string(), category: z.string(), events: z.number(), scoreSum: z.number(), maxSeverity: Severity }),
    ),
    indicators: z.array(z.object({ indicator: z.string(), events: z.number(), scoreSum: z.number() })),
  }),
});
export type ExposureAnswer = z.infer<typeof ExposureAnswer>;

const iso = (ms: number) => new Date(ms).toISOString();
const emptyCounts = (): SeverityCounts => ({ none: 0, low: 0, moderate: 0, high: 0, critical: 0, total: 0 });

export async function computeExposure(db: Db, query: ExposureQuery, now: number): Promise<ExposureAnswer> {
  const today = floorTo(now, DAY_MS);
  const from = query.from ?? today - 6 * DAY_MS;
  const to = query.to ?? today + DAY_MS;
  if (!(from < to)) throw new HttpError(400, 'from must be before to');
  if (to - from > MAX_RANGE_DAYS * DAY_MS) throw new HttpError(400, `the range may span at most ${MAX_RANGE_DAYS} days`);
  const size = query.bucket === 'hour' ? HOUR_MS : DAY_MS;
  const seriesFrom = floorTo(from, size);
  const seriesTo = ceilTo(to, size);
  const count = (seriesTo - seriesFrom) / size;
  if (count > MAX_BUCKETS) throw new HttpError(400, `at most ${MAX_BUCKETS} buckets: widen the bucket or narrow the range`, { buckets: count });

  const n = sql.lit(size);
  const bucketOf = sql<number>`${sql.ref('hour')} - ((${sql.ref('hour')} % ${n}) + ${n}) % ${n}`;
  const seriesRows = await db
    .selectFrom('exposure_hourly')
    .select([bucketOf.as('bucket'), 'severity_rank', (eb) => eb.fn.sum<number>('events').as('events')])
    .where('hour', '>=', seriesFrom)
    .where('hour', '<', seriesTo)
    .groupBy([bucketOf, 'severity_rank'])
    .execute();
  const buckets = Array.from({ length: count }, (_, i) => ({ start: iso(seriesFrom + i * size), ...emptyCounts() }));
  const totals = emptyCounts();
  for (const r of seriesRows) {
    const b = buckets[(Number(r.bucket) - seriesFrom) / size];
    const severity = SEVERITIES[r.severity_rank];
    if (!b || !severity) continue;
    const n = Number(r.events);
    b[severity] += n;
    b.total += n;
    totals[severity] += n;
    totals.total += n;
  }

  const dayFrom = floorTo(from, DAY_MS);
  const dayTo = ceilTo(to, DAY_MS);
  const [users, destinations, indicators] = await Promise.all([
    db
      .selectFrom('exposure_user_daily')
      .select((eb) => ['user_email', eb.fn.sum<number>('events').as('events'), eb.fn.sum<number>('score_sum').as('score'), eb.fn.max('max_severity_rank').as('rank')])
      .where('day', '>=', dayFrom)
      .where('day', '<', dayTo)
      .groupBy('user_email')
      .orderBy('score', 'desc')
      .orderBy('events', 'desc')
      .orderBy('user_email')
      .limit(query.top)
      .execute(),
    db
      .selectFrom('exposure_destination_daily')
      .select((eb) => [
        'kind',
        'destination',
        'category',
        eb.fn.sum<number>('events').as('events'),
        eb.fn.sum<number>('score_sum').as('score'),
        eb.fn.max('max_severity_rank').as('rank'),
      ])
      .where('day', '>=', dayFrom)
      .where('day', '<', dayTo)
      .groupBy(['kind', 'destination', 'category'])
      .orderBy('score', 'desc')
      .orderBy('events', 'desc')
      .orderBy('destination')
      .limit(query.top)
      .execute(),
    db
      .selectFrom('exposure_indicator_daily')
      .select((eb) => ['indicator', eb.fn.sum<number>('events').as('events'), eb.fn.sum<number>('score_sum').as('score')])
      .where('day', '>=', dayFrom)
      .where('day', '<', dayTo)
      .groupBy('indicator')
      .orderBy('events', 'desc')
      .orderBy('indicator')
      .limit(query.top)
      .execute(),
  ]);
  const severity = (rank: number) => SEVERITIES[Number(rank)] ?? 'none';
  return {
    from: iso(from),
    to: iso(to),
    series: { bucket: query.bucket, coveredFrom: iso(seriesFrom), coveredTo: iso(seriesTo), buckets, totals },
    top: {
      coveredFrom: iso(dayFrom),
      coveredTo: iso(dayTo),
      users: users.map((u) => ({ email: u.user_email === '' ? null : u.user_email, events: Number(u.events), scoreSum: Number(u.score), maxSeverity: severity(u.rank) })),
      destinations: destinations.map((d) => ({
        kind: d.kind === 'service' ? ('service' as const) : ('host' as const),
        destination: d.destination,
        category: d.category,
        events: Number(d.events),
        scoreSum: Number(d.score),
        maxSeverity: severity(d.rank),
      })),
      indicators: indicators.map((i) => ({ indicator: i.indicator, events: Number(i.events), scoreSum: Number(i.score) })),
    },
  };
}
