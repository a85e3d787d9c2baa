/**
 * The uploads nothing named (issue 16, item 4; console/destinations/unclassified.ts): a partial
 * index over just those events, in time order with the host and the user, so counting a window's
 * hosts reads the index alone (never the events' bodies) and costs nothing for named uploads.
 * The predicate is written as the query writes it: SQLite uses a partial index only then.
 */
import { sql, type Kysely } from 'kysely';
import type { Engine } from '../engine';

export async function up(db: Kysely<unknown>, _engine: Engine): Promise<void> {
  await db.schema
    .createIndex('events_unnamed_uploads')
    .on('events')
    // The predicate's columns too: SQLite reads an index alone only when it holds every column the query names.
    .columns(['sort_at', 'host', 'user_email', 'seq', 'destination_category', 'service_id', 'trusted'])
    .where(sql.raw<boolean>(`destination_category in ('other', 'unknown') and service_id is null and trusted = 0`))
    .execute();
}
