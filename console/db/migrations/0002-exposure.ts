/**
 * Risk exposure aggregates, kept up to date at ingest (console/events/exposure.ts) so the exposure
 * answer reads pre-summed rows (one per user and day, destination and day, …) instead of grouping
 * millions of events. Buckets are
 * by sort_at (the observed time clamped to receipt + skew), floored to the UTC hour or day. Rows
 * for events stored before this migration are back-filled from the events table.
 */
import { sql, type AliasableExpression, type CreateTableBuilder, type ExpressionBuilder, type Kysely } from 'kysely';
import type { Engine } from '../engine';
import type { ConsoleDatabase } from '../schema';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/**
 * Grouped by result-column position (both engines accept it): PostgreSQL cannot match a grouped
 * expression to the selected one when each carries its own bound parameters.
 */
const byColumns = (n: number) => Array.from({ length: n }, (_, i) => sql.lit(i + 1));

/** sort_at floored to a multiple of `size` (a floor, also for times before 1970). */
function floorTo<T extends keyof ConsoleDatabase>(eb: ExpressionBuilder<ConsoleDatabase, T | 'events'>, size: number): AliasableExpression<number> {
  const e = eb as unknown as ExpressionBuilder<ConsoleDatabase, 'events'>;
  return e('events.sort_at', '-', e(e(e('events.sort_at', '%', e.lit(size)), '+', e.lit(size)), '%', e.lit(size)));
}

export async function up(raw: Kysely<unknown>, engine: Engine): Promise<void> {
  const db = raw as Kysely<ConsoleDatabase>;
  // Each table's key leads with what the answer groups by and ends with the time bucket, so the
  // grouping reads the key in order (no sort of a temporary table); on SQLite the table is that
  // key (WITHOUT ROWID), so the summed columns are read without a second lookup.
  const clustered = <T extends CreateTableBuilder<string>>(table: T): T => (engine === 'sqlite' ? (table.modifyEnd(sql`without rowid`) as T) : table);
  await clustered(
    db.schema
      .createTable('exposure_hourly')
      .addColumn('hour', 'bigint', (c) => c.notNull())
      .addColumn('severity_rank', 'integer', (c) => c.notNull())
      .addColumn('events', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('exposure_hourly_pk', ['hour', 'severity_rank']),
  ).execute();
  // Per user ('' when the event named none) and day.
  await clustered(
    db.schema
      .createTable('exposure_user_daily')
      .addColumn('user_email', 'text', (c) => c.notNull())
      .addColumn('day', 'bigint', (c) => c.notNull())
      .addColumn('events', 'bigint', (c) => c.notNull())
      .addColumn('score_sum', 'bigint', (c) => c.notNull())
      .addColumn('max_severity_rank', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('exposure_user_daily_pk', ['user_email', 'day']),
  ).execute();
  // A destination is its catalog service when it has one, else its host.
  await clustered(
    db.schema
      .createTable('exposure_destination_daily')
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('destination', 'text', (c) => c.notNull())
      .addColumn('category', 'text', (c) => c.notNull())
      .addColumn('day', 'bigint', (c) => c.notNull())
      .addColumn('events', 'bigint', (c) => c.notNull())
      .addColumn('score_sum', 'bigint', (c) => c.notNull())
      .addColumn('max_severity_rank', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('exposure_destination_daily_pk', ['kind', 'destination', 'category', 'day']),
  ).execute();
  await clustered(
    db.schema
      .createTable('exposure_indicator_daily')
      .addColumn('indicator', 'text', (c) => c.notNull())
      .addColumn('day', 'bigint', (c) => c.notNull())
      .addColumn('events', 'bigint', (c) => c.notNull())
      .addColumn('score_sum', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('exposure_indicator_daily_pk', ['indicator', 'day']),
  ).execute();

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
        .select((e) => [floorTo(e, HOUR_MS).as('hour'), 'events.severity_rank', e.fn.countAll<number>().as('events')])
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
          floorTo(e, DAY_MS).as('day'),
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
          floorTo(e, DAY_MS).as('day'),
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
          floorTo(e, DAY_MS).as('day'),
          'event_indicators.indicator',
          e.fn.countAll<number>().as('events'),
          e.fn.sum<number>('events.score').as('score_sum'),
        ])
        .groupBy(byColumns(2)),
    )
    .execute();
}
