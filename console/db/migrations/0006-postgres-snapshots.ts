/**
 * PostgreSQL only: each event records the transaction that stored it (`ingest_xact`), so a search
 * cursor can carry the snapshot of its first page and later pages list exactly the events that
 * snapshot saw (console/events/search.ts). SQLite commits in `seq` order and needs nothing: the
 * highest seq at the first page bounds it.
 */
import { sql, type Kysely } from 'kysely';
import type { Engine } from '../engine';

export async function up(db: Kysely<unknown>, engine: Engine): Promise<void> {
  if (engine !== 'postgres') return;
  await sql`ALTER TABLE events ADD COLUMN ingest_xact xid8 NOT NULL DEFAULT pg_current_xact_id()`.execute(db);
}
