/**
 * Risk exposure: events by severity per hour or day, and the top users, destinations and
 * indicators of a time range, answered from the aggregates kept at ingest (./exposure-aggregates.ts)
 * instead of grouping the events. Everything is bucketed by sort_at, the time listings sort by. The
 * top lists cover whole UTC days: whole weeks inside the range from the weekly rows, the days at
 * its ends from the daily rows.
 */
import type { Kysely, SelectQueryBuilder, Transaction } from 'kysely';
import { sql } from 'kysely';
import { z } from 'zod';
import { SEVERITIES, Severity } from '../../src/core/schema/identifiers';
import { engineOf } from '../db/engine';
import type { ConsoleDatabase } from '../db/schema';
import { HttpError } from '../http/route';
import { DAY_MS, floorTo, HOUR_MS, WEEK_MS, weekOf } from './exposure-aggregates';

export { addToExposure, DAY_MS, HOUR_MS, installExposureAggregates, pruneExposureBefore } from './exposure-aggregates';

export const MAX_RANGE_DAYS = 400;
export const MAX_BUCKETS = 2_000;

type Db = Kysely<ConsoleDatabase> | Transaction<ConsoleDatabase>;

const ceilTo = (ms: number, size: number) => Math.ceil(ms / size) * size;

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
      z.object({
        kind: z.enum(['service', 'host']),
        destination: z.string(),
        category: z.string(),
        events: z.number(),
        scoreSum: z.number(),
        maxSeverity: Severity,
      }),
    ),
    indicators: z.array(z.object({ indicator: z.string(), events: z.number(), scoreSum: z.number() })),
  }),
});
export type ExposureAnswer = z.infer<typeof ExposureAnswer>;

const iso = (ms: number) => new Date(ms).toISOString();
const emptyCounts = (): SeverityCounts => ({ none: 0, low: 0, moderate: 0, high: 0, critical: 0, total: 0 });

/** Whole days [from, to) as whole weeks inside them (weekly rows) and the days at either end (daily rows). */
export function spans(from: number, to: number): { weeks?: [number, number]; days: [number, number][] } {
  const firstWeek = weekOf(from) === from ? from : weekOf(from) + WEEK_MS;
  const endWeek = weekOf(to);
  if (firstWeek >= endWeek) return { days: [[from, to]] };
  const days: [number, number][] = [
    [from, firstWeek],
    [endWeek, to],
  ];
  return { weeks: [firstWeek, endWeek], days: days.filter(([a, b]) => a < b) };
}

type Aggregate =
  | 'exposure_hourly'
  | 'exposure_user_daily'
  | 'exposure_user_weekly'
  | 'exposure_destination_daily'
  | 'exposure_destination_weekly'
  | 'exposure_indicator_daily';

/**
 * An aggregate table's rows, on PostgreSQL with the deltas ingest appended that are not folded into
 * it yet (./exposure-aggregates.ts): one statement reads both in one snapshot, so a delta counts
 * once, before its fold or after. Named as the table, so the query reads it as the table.
 */
function aggregate<T extends Aggregate>(db: Db, table: T) {
  if (engineOf(db) !== 'postgres') return db.selectFrom(table);
  const both = db.selectFrom((eb) =>
    eb
      .selectFrom(table as Aggregate)
      .selectAll()
      .unionAll(eb.selectFrom(`${table}_delta` as `${Aggregate}_delta`).selectAll())
      .as(table),
  );
  return both as unknown as ReturnType<typeof db.selectFrom<T>>;
}

/** One row source from several selects of the same columns. */
function union<DB, TB extends keyof DB, O>(parts: SelectQueryBuilder<DB, TB, O>[]): SelectQueryBuilder<DB, TB, O> {
  return parts.slice(1).reduce((all, part) => all.unionAll(part), parts[0]!);
}

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
  const seriesRows = await aggregate(db, 'exposure_hourly')
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
  const { weeks, days } = spans(dayFrom, dayTo);
  const sums = ['events', 'score_sum', 'max_severity_rank'] as const;
  const userRows = union([
    ...(weeks
      ? [
          aggregate(db, 'exposure_user_weekly')
            .select(['user_email', ...sums])
            .where('week', '>=', weeks[0])
            .where('week', '<', weeks[1]),
        ]
      : []),
    ...days.map(([a, b]) =>
      aggregate(db, 'exposure_user_daily')
        .select(['user_email', ...sums])
        .where('day', '>=', a)
        .where('day', '<', b),
    ),
  ]);
  const destinationRows = union([
    ...(weeks
      ? [
          aggregate(db, 'exposure_destination_weekly')
            .select(['kind', 'destination', 'category', ...sums])
            .where('week', '>=', weeks[0])
            .where('week', '<', weeks[1]),
        ]
      : []),
    ...days.map(([a, b]) =>
      aggregate(db, 'exposure_destination_daily')
        .select(['kind', 'destination', 'category', ...sums])
        .where('day', '>=', a)
        .where('day', '<', b),
    ),
  ]);
  const [users, destinations, indicators] = await Promise.all([
    db
      .selectFrom(userRows.as('r'))
      .select((eb) => [
        'r.user_email',
        eb.fn.sum<number>('r.events').as('events'),
        eb.fn.sum<number>('r.score_sum').as('score'),
        eb.fn.max('r.max_severity_rank').as('rank'),
      ])
      .groupBy('r.user_email')
      .orderBy('score', 'desc')
      .orderBy('events', 'desc')
      .orderBy('r.user_email')
      .limit(query.top)
      .execute(),
    db
      .selectFrom(destinationRows.as('r'))
      .select((eb) => [
        'r.kind',
        'r.destination',
        'r.category',
        eb.fn.sum<number>('r.events').as('events'),
        eb.fn.sum<number>('r.score_sum').as('score'),
        eb.fn.max('r.max_severity_rank').as('rank'),
      ])
      .groupBy(['r.kind', 'r.destination', 'r.category'])
      .orderBy('score', 'desc')
      .orderBy('events', 'desc')
      .orderBy('r.destination')
      .limit(query.top)
      .execute(),
    aggregate(db, 'exposure_indicator_daily')
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
      users: users.map((u) => ({
        email: u.user_email === '' ? null : u.user_email,
        events: Number(u.events),
        scoreSum: Number(u.score),
        maxSeverity: severity(u.rank),
      })),
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
