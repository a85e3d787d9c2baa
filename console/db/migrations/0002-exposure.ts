/**
 * Risk exposure aggregates, kept up to date at ingest (console/events/exposure.ts) so the exposure
 * answer reads pre-summed rows (one per user and day, destination and day, …) instead of grouping
 * millions of events. Buckets are
 * by sort_at (the observed time clamped to receipt + skew), floored to the UTC hour or day. Rows
 * for events stored before this migration are back-filled from the events table.
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import { engineOf, type Engine } from '../engine';
import type { ConsoleDatabase } from '../schema';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** Weeks start on Monday: 1970-01-01 was a Thursday. */
const WEEK_MS = 7 * DAY_MS;
const WEEK_OFFSET_MS = 4 * DAY_MS;

/**
 * Grouped by result-column position (both engines accept it): PostgreSQL cannot match a grouped
 * expression to the selected one when each carries its own bound parameters.
 */
const byColumns = (n: number) => Array.from({ length: n }, (_, i) => sql.lit(i + 1));

/** A time column floored to a multiple of `size` after `offset` (a floor, also before 1970). */
function floorTo(column: string, size: number, offset = 0): RawBuilder<number> {
  const [t, o, n] = [sql.ref(column), sql.lit(offset), sql.lit(size)];
  return sql<number>`${t} - (((${t} - ${o}) % ${n}) + ${n}) % ${n}`;
}

export async function up(raw: Kysely<unknown>, _engine: Engine): Promise<void> {
  const db = raw as Kysely<ConsoleDatabase>;
  // Keys lead with the time bucket: one ingest batch's rows land on a few pages (keyed by user
  // first, each batch touched a page per user, and ingest slowed by half). On SQLite the table is
  // its key (WITHOUT ROWID): the summed columns are read without a second lookup.
  const table = (name: string, bucket: string, key: string[], columns: string[]) => {
    let t = db.schema.createTable(name).addColumn(bucket, 'bigint', (c) => c.notNull());
    for (const k of key) t = t.addColumn(k, k === 'severity_rank' ? 'integer' : 'text', (c) => c.notNull());
    for (const c of columns) t = t.addColumn(c, c === 'max_severity_rank' ? 'integer' : 'bigint', (col) => col.notNull());
    t = t.addPrimaryKeyConstraint(`${name}_pk`, [bucket, ...key] as never);
    // The connection's own engine decides (not the argument): SQLite-only syntax never reaches PostgreSQL.
    return (engineOf(raw) === 'sqlite' ? t.modifyEnd(sql`without rowid`) : t).execute();
  };
  const sums = ['events', 'score_sum', 'max_severity_rank'];
  await table('exposure_hourly', 'hour', ['severity_rank'], ['events']);
  // Per user ('' when the event named none); a destination is its catalog service, else its host.
  await table('exposure_user_daily', 'day', ['user_email'], sums);
  await table('exposure_user_weekly', 'week', ['user_email'], sums);
  await table('exposure_destination_daily', 'day', ['kind', 'destination', 'category'], sums);
  await table('exposure_destination_weekly', 'week', ['kind', 'destination', 'category'], sums);
  await table('exposure_indicator_daily', 'day', ['indicator'], ['events', 'score_sum']);

  // The listing index gains the file name: a name search with no other indexed filter scans this
  // narrow index (about a tenth of the time of scanning the rows, which carry the event's JSON)
  // instead of the table. Same cost at ingest: it replaces the (sort_at, seq) index, its prefix.
  await db.schema.dropIndex('events_sort').execute();
  await db.schema.createIndex('events_sort').on('events').columns(['sort_at', 'seq', 'file_name']).execute();

  // Back-fill from the events already stored (none on a new install).
  await db
    .insertInto('exposure_hourly')
    .columns(['hour', 'severity_rank', 'events'])
    .expression((eb) =>
      eb
        .selectFrom('events')
        .select((e) => [floorTo('events.sort_at', HOUR_MS).as('hour'), 'events.severity_rank', e.fn.countAll<number>().as('events')])
        .groupBy(byColumns(2)),
    )
    .execute();
  await db
    .insertInto('exposure_user_daily')
    .columns(['day', 'user_email', 'events', 'score_sum', 'max_severity_rank'])
    .expression((eb) =>
      eb
        .selectFrom('events')
        .select((e) => [
          floorTo('events.sort_at', DAY_MS).as('day'),
          e.fn.coalesce('events.user_email', e.val('')).as('user_email'),
          e.fn.countAll<number>().as('events'),
          e.fn.sum<number>('events.score').as('score_sum'),
          e.fn.max('events.severity_rank').as('max_severity_rank'),
        ])
        .groupBy(byColumns(2)),
    )
    .execute();
  await db
    .insertInto('exposure_destination_daily')
    .columns(['day', 'kind', 'destination', 'category', 'events', 'score_sum', 'max_severity_rank'])
    .expression((eb) =>
      eb
        .selectFrom('events')
        .select((e) => [
          floorTo('events.sort_at', DAY_MS).as('day'),
          e.case().when('events.service_id', 'is', null).then('host').else('service').end().as('kind'),
          e.fn.coalesce('events.service_id', 'events.host').as('destination'),
          'events.destination_category as category',
          e.fn.countAll<number>().as('events'),
          e.fn.sum<number>('events.score').as('score_sum'),
          e.fn.max('events.severity_rank').as('max_severity_rank'),
        ])
        .groupBy(byColumns(4)),
    )
    .execute();
  await db
    .insertInto('exposure_indicator_daily')
    .columns(['day', 'indicator', 'events', 'score_sum'])
    .expression((eb) =>
      eb
        .selectFrom('event_indicators')
        .innerJoin('events', 'events.seq', 'event_indicators.event_seq')
        .select((e) => [
          floorTo('events.sort_at', DAY_MS).as('day'),
          'event_indicators.indicator',
          e.fn.countAll<number>().as('events'),
          e.fn.sum<number>('events.score').as('score_sum'),
        ])
        .groupBy(byColumns(2)),
    )
    .execute();
  // Weeks from the days just summed.
  await db
    .insertInto('exposure_user_weekly')
    .columns(['week', 'user_email', 'events', 'score_sum', 'max_severity_rank'])
    .expression((eb) =>
      eb
        .selectFrom('exposure_user_daily')
        .select((e) => [
          floorTo('day', WEEK_MS, WEEK_OFFSET_MS).as('week'),
          'user_email',
          e.fn.sum<number>('events').as('events'),
          e.fn.sum<number>('score_sum').as('score_sum'),
          e.fn.max('max_severity_rank').as('max_severity_rank'),
        ])
        .groupBy(byColumns(2)),
    )
    .execute();
  await db
    .insertInto('exposure_destination_weekly')
    .columns(['week', 'kind', 'destination', 'category', 'events', 'score_sum', 'max_severity_rank'])
    .expression((eb) =>
      eb
        .selectFrom('exposure_destination_daily')
        .select((e) => [
          floorTo('day', WEEK_MS, WEEK_OFFSET_MS).as('week'),
          'kind',
          'destination',
          'category',
          e.fn.sum<number>('events').as('events'),
          e.fn.sum<number>('score_sum').as('score_sum'),
          e.fn.max('max_severity_rank').as('max_severity_rank'),
        ])
        .groupBy(byColumns(4)),
    )
    .execute();
}
