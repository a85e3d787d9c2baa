/**
 * Retention forgets browsers not heard from for longer than the events' retention
 * (console/retention/browser-health.ts): an index on the last-seen time (and the key the purge
 * pages by), so each hourly run reads only the expired rows, not the whole fleet's.
 */
import type { Kysely } from 'kysely';
import type { Engine } from '../engine';

export async function up(db: Kysely<unknown>, _engine: Engine): Promise<void> {
  await db.schema.createIndex('browser_health_last_seen').on('browser_health').columns(['received_at', 'browser_key']).execute();
}
