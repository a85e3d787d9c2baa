/**
 * PostgreSQL only: a trigram index on the file name, so a file-name text that matches few events
 * is found through the index instead of a scan of the listing index (695 ms at 1,000,000 events
 * without it, bench/console). pg_trgm ships with PostgreSQL and is a trusted extension (the
 * database's owner may create it); where it cannot be created the console runs without the index
 * and such searches stay scans.
 */
import { sql, type Kysely } from 'kysely';
import type { Engine } from '../engine';

export async function up(db: Kysely<unknown>, engine: Engine): Promise<void> {
  if (engine !== 'postgres') return;
  // A failure inside the block is caught there (a subtransaction), so the migration goes on.
  await sql`DO $$ BEGIN
      CREATE EXTENSION IF NOT EXISTS pg_trgm;
    EXCEPTION WHEN OTHERS THEN
      RAISE NOTICE 'pg_trgm is not available (%): file-name searches scan', SQLERRM;
    END $$`.execute(db);
  await sql`DO $$ BEGIN
      IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
        CREATE INDEX events_file_name_trigrams ON events USING gin (file_name gin_trgm_ops);
      END IF;
    END $$`.execute(db);
}
