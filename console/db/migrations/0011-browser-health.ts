/**
 * The latest health each browser reported (the native batch's `health` field: storage trouble,
 * dead letters, queue depth) and the events it dropped, added up (issue 15, items 3 and 4). A new
 * table: the events table is left alone.
 */
import type { Kysely } from 'kysely';
import type { Engine } from '../engine';

export async function up(db: Kysely<unknown>, _engine: Engine): Promise<void> {
  await db.schema
    .createTable('browser_health')
    // The browser's own random id; for a browser that sends no health, one made from its credential, user and device.
    .addColumn('browser_key', 'text', (c) => c.primaryKey())
    .addColumn('user_email', 'text')
    .addColumn('credential_id', 'text')
    .addColumn('client_ip', 'text')
    .addColumn('browser', 'text')
    .addColumn('browser_version', 'text')
    .addColumn('os', 'text')
    .addColumn('extension_version', 'text')
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    // Null until the browser sends health (older versions never do).
    .addColumn('reported_at', 'bigint')
    .addColumn('storage_trouble', 'text')
    .addColumn('storage_trouble_since', 'bigint')
    .addColumn('storage_queue_failed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('not_kept_locally', 'integer')
    .addColumn('pruned_for_space', 'integer')
    .addColumn('dead_letters', 'integer')
    .addColumn('dead_letter_oldest_at', 'bigint')
    .addColumn('dead_letter_error', 'text')
    .addColumn('queued', 'integer')
    .addColumn('dropped_events', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('last_dropped_at', 'bigint')
    .execute();
  await db.schema.createIndex('browser_health_user').on('browser_health').columns(['user_email', 'received_at']).execute();
}
