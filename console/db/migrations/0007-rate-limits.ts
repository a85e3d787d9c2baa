/**
 * Request counts per rate-limit key in its current window, shared by every console node on one
 * PostgreSQL database (console/db/rate-limit-store.ts). SQLite serves one process, which counts
 * in its memory; the table is created there too so both engines keep one schema.
 */
import type { Kysely } from 'kysely';
import type { Engine } from '../engine';

export async function up(db: Kysely<unknown>, _engine: Engine): Promise<void> {
  await db.schema
    .createTable('rate_limits')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('window_start', 'bigint', (c) => c.notNull())
    .addColumn('hits', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('rate_limits_window').on('rate_limits').column('window_start').execute();
}
