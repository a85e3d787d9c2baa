/**
 * Indexes for the last two search filters without one (GET /api/v1/events, docs/scaling.md):
 *
 * 1. `outcome` (what a response rule did) was matched with LIKE in every event's stored JSON, so a
 *    rare outcome read every event. It becomes a column, `response_outcome` (null when no rule
 *    acted: most events), filled from the stored JSON here and by ingest from now on, with a partial
 *    (response_outcome, sort_at, seq) index that holds only the events a rule acted on. A column
 *    also ends any doubt that a file name or justification could pass for an outcome.
 * 2. `trusted` gets its (trusted, sort_at, seq) index like every other filter: on PostgreSQL the
 *    planner read every partition in full for it (it cannot guess how many rows a wrapped
 *    `trusted + 0` keeps, so it took a scan and a sort over the time index and a short limit).
 *
 * 3. PostgreSQL only: an (observed_at, seq) index, as received times have (events_received). Its
 *    planner cannot know that the events of an observed range sit together near the top of the
 *    time index, so it read every partition and sorted; with this index a narrow range is read
 *    from it alone, and a wide one (many matches) from the time index until the page is full. On
 *    SQLite the time index serves both (its planner follows the order asked for), so it goes
 *    without the cost of another index on every write.
 *
 * 4. PostgreSQL only: a trigger fills the column of an event stored without it, by a node of the
 *    release before this one still running during a rolling upgrade. (SQLite has one process.)
 *
 * On PostgreSQL the column is added to the partitioned `events` and so to each month; an index
 * made on `events` is made on each month and on every month made later.
 *
 * The fill runs in ranges of seq, one UPDATE each, touching only events whose JSON names an
 * outcome (a cheap filter: the JSON functions decide): a large table is updated in bounded
 * statements, and on PostgreSQL the events without a response keep their row versions. The
 * migrations run in one transaction, so a console upgrading a large database is down for the fill,
 * one read of every event's JSON (docs/scaling.md, upgrades).
 */
import { sql, type Kysely } from 'kysely';
import type { Engine } from '../engine';

/** Seqs per UPDATE statement. */
export const FILL_CHUNK = 20_000;

export async function up(db: Kysely<unknown>, engine: Engine): Promise<void> {
  await db.schema.alterTable('events').addColumn('response_outcome', 'text').execute();

  const { rows } = await sql<{ lo: number | null; hi: number | null }>`select min(seq) as lo, max(seq) as hi from events`.execute(db);
  const [lo, hi] = [Number(rows[0]?.lo ?? 0), Number(rows[0]?.hi ?? -1)];
  // The outcome as the JSON parser reads it, never text that a file name could contain.
  const outcome = engine === 'postgres' ? sql<string>`(body::json -> 'response' ->> 'outcome')` : sql<string>`json_extract(body, '$.response.outcome')`;
  for (let from = lo; from <= hi; from += FILL_CHUNK) {
    await sql`update events set response_outcome = ${outcome}
        where seq >= ${from} and seq < ${from + FILL_CHUNK} and body like '%"outcome":%'`.execute(db);
  }

  await db.schema
    .createIndex('events_response_outcome_sort')
    .on('events')
    .columns(['response_outcome', 'sort_at', 'seq'])
    .where(sql.ref('response_outcome'), 'is not', null)
    .execute();
  await db.schema.createIndex('events_trusted_sort').on('events').columns(['trusted', 'sort_at', 'seq']).execute();
  if (engine === 'postgres') await db.schema.createIndex('events_observed').on('events').columns(['observed_at', 'seq']).execute();
  if (engine === 'postgres') {
    // Nodes of the release before keep storing events until each is replaced (docs/scaling.md,
    // upgrades), without this column: the database fills it from the JSON for them.
    await sql`create function events_response_outcome() returns trigger language plpgsql as $$
        begin
          if new.response_outcome is null and new.body like '%"outcome":%' then
            new.response_outcome := new.body::json -> 'response' ->> 'outcome';
          end if;
          return new;
        end $$`.execute(db);
    await sql`create trigger events_response_outcome before insert on events
        for each row execute function events_response_outcome()`.execute(db);
  }
}
