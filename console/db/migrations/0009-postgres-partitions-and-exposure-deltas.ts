/**
 * PostgreSQL only; SQLite keeps its tables.
 *
 * 1. `events` and `event_indicators` become partitioned by receipt time, one partition a month
 *    (console/db/partitions.ts): retention drops a month as a table. The rows stored so far move
 *    into the partitions of their months, keeping their seq, and every index of `events` is made
 *    again on the partitioned table (so indexes added before this migration carry over).
 *    A unique index on a partitioned table must hold its partition key, so the event id can no
 *    longer be unique in `events`: `event_ids` (id → receipt time) is the one place an id is
 *    unique, and ingest stores an event only when its id was new there (console/events/store.ts).
 *    `event_indicators` gains `received_at`, its event's, to be dropped with it.
 * 2. Ingest no longer updates the shared exposure rows in its transaction (two nodes storing events
 *    of one person in one hour waited for each other on them): it appends its sums to a `_delta`
 *    table beside each aggregate, which answers read together with the aggregate, and which is
 *    folded into it after the commit (console/events/exposure-aggregates.ts).
 */
import { sql, type Kysely } from 'kysely';
import type { Engine } from '../engine';
import { ensureMonthPartitions, partitionOf } from '../partitions';

const EXPOSURE_TABLES = [
  'exposure_hourly',
  'exposure_user_daily',
  'exposure_user_weekly',
  'exposure_destination_daily',
  'exposure_destination_weekly',
  'exposure_indicator_daily',
];

export async function up(db: Kysely<unknown>, engine: Engine): Promise<void> {
  if (engine !== 'postgres') return;
  // Every index of the table as it is, but its key constraints (the new table has its own).
  const { rows: indexes } = await sql<{ def: string }>`select indexdef as def from pg_indexes
      where schemaname = current_schema() and tablename = 'events'
        and indexname not in (select conname from pg_constraint where conrelid = 'events'::regclass)`.execute(db);

  await sql`create sequence events_seq_counter as bigint`.execute(db);
  await sql`create table events_partitioned (like events including defaults) partition by range (received_at)`.execute(db);
  await sql`alter table events_partitioned alter column seq set default nextval('events_seq_counter')`.execute(db);
  await sql`create table event_indicators_partitioned (
      event_seq bigint not null, indicator text not null, sort_at bigint not null, received_at bigint not null
    ) partition by range (received_at)`.execute(db);

  const parents = { events: 'events_partitioned', indicators: 'event_indicators_partitioned' };
  // Each month that holds events (a long gap between two makes no empty months), and this one.
  const { rows: days } = await sql<{ at: number }>`select distinct (received_at - received_at % 86400000) as at from events`.execute(db);
  const months = new Set([...days.map((d) => Number(d.at)), Date.now()].map((at) => partitionOf(at).from));
  for (const at of months) await ensureMonthPartitions(db, at, at, parents);

  await sql`insert into events_partitioned select * from events`.execute(db);
  await sql`select setval('events_seq_counter', coalesce((select max(seq) from events), 0) + 1, false)`.execute(db);
  await sql`insert into event_indicators_partitioned (event_seq, indicator, sort_at, received_at)
      select i.event_seq, i.indicator, i.sort_at, e.received_at from event_indicators i join events e on e.seq = i.event_seq`.execute(db);
  await sql`create table event_ids (id text primary key, received_at bigint not null)`.execute(db);
  await sql`insert into event_ids (id, received_at) select id, received_at from events`.execute(db);
  await sql`create index event_ids_received on event_ids (received_at)`.execute(db);

  await sql`drop table events`.execute(db);
  await sql`drop table event_indicators`.execute(db);
  await sql`alter table events_partitioned rename to events`.execute(db);
  await sql`alter table event_indicators_partitioned rename to event_indicators`.execute(db);
  await sql`alter sequence events_seq_counter owned by events.seq`.execute(db);
  await sql`alter table events add constraint events_pk primary key (seq, received_at)`.execute(db);
  for (const { def } of indexes) await sql.raw(def).execute(db);
  // GET /api/v1/events/{id} finds its event by id in every partition.
  await sql`create index events_id on events (id)`.execute(db);
  await sql`alter table event_indicators add constraint event_indicators_pk primary key (indicator, sort_at, event_seq, received_at)`.execute(db);
  await sql`create index event_indicators_event on event_indicators (event_seq)`.execute(db);

  for (const table of EXPOSURE_TABLES) await sql`create table ${sql.table(`${table}_delta`)} (like ${sql.table(table)})`.execute(db);
}
