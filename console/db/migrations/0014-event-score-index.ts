/**
 * An index for the riskiest order of the forensic search (GET /api/v1/events?order=riskiest,
 * console/events/search.ts): (score, sort_at, seq), the order's whole key, so a page of the
 * riskiest events reads about as many index entries as it lists, from the top, instead of sorting
 * every event. The same on both engines; on PostgreSQL it is made on the partitioned `events`, so
 * on each month and on every month made later.
 *
 * Building it reads every event once (docs/scaling.md, upgrades); it is the only write-time cost
 * this release adds, one more index entry per stored event.
 */
import type { Kysely } from 'kysely';
import type { Engine } from '../engine';

export async function up(db: Kysely<unknown>, _engine: Engine): Promise<void> {
  await db.schema.createIndex('events_score_sort').on('events').columns(['score', 'sort_at', 'seq']).execute();
}
