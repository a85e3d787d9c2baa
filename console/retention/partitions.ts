/**
 * Retention on PostgreSQL, where events are partitioned by receipt month (console/db/partitions.ts):
 * a month whose every event is past the cutoff and that holds no event of a person under legal hold
 * is dropped as a table, with its indicator partition, its alert links and its ids. What is left
 * past the cutoff (the month the cutoff falls in, months with held events) the job deletes row by
 * row as on SQLite (./job.ts), so a held person's events are never dropped with their month.
 */
import { sql, type Kysely } from 'kysely';
import { isLockTimeout, listMonthPartitions, makeMonthsAhead, PARTITION_LOCK_TIMEOUT, type MonthPartition } from '../db/partitions';
import type { ConsoleDatabase } from '../db/schema';

/** Makes the partitions of this month and the next ones (the retention job does, under its lock). */
export async function makePartitionsAhead(db: Kysely<ConsoleDatabase>, now: number): Promise<void> {
  await makeMonthsAhead(db as Kysely<unknown>, now);
  // Autovacuum analyzes the partitions but never the partitioned table, whose statistics plan
  // every query that spans months: kept fresh here (ANALYZE samples, so it stays cheap).
  await sql`analyze events`.execute(db);
}

/**
 * Drops the months that ended at or before `cutoff` and hold no event under legal hold; answers
 * how many events went, and the months that were busy (left whole for the next run, rather than
 * deleted row by row). One transaction a month: placing a hold waits for it (the holds are locked
 * against new ones while a month is checked and dropped), so a hold placed meanwhile wins.
 */
export async function dropExpiredMonths(
  db: Kysely<ConsoleDatabase>,
  cutoff: number,
  stopped: () => boolean,
): Promise<{ dropped: number; busy: MonthPartition[] }> {
  let dropped = 0;
  const busy: MonthPartition[] = [];
  for (const month of await listMonthPartitions(db as Kysely<unknown>)) {
    if (month.to > cutoff || stopped()) break;
    const events = sql.table(month.events);
    const n = await db
      .transaction()
      .execute(async (trx) => {
        await sql`set local lock_timeout = ${sql.lit(PARTITION_LOCK_TIMEOUT)}`.execute(trx);
        await sql`lock table legal_holds in share mode`.execute(trx);
        const held = await sql`select 1 from ${events} where user_email in (select email from legal_holds) limit 1`.execute(trx);
        if (held.rows.length) return 0;
        const { rows } = await sql<{ n: number }>`select count(*) as n from ${events}`.execute(trx);
        await sql`delete from alert_events where event_seq in (select seq from ${events})`.execute(trx);
        await trx.deleteFrom('event_ids').where('received_at', '>=', month.from).where('received_at', '<', month.to).execute();
        await sql`drop table ${events}`.execute(trx);
        await sql`drop table ${sql.table(month.indicators)}`.execute(trx);
        return Number(rows[0]?.n ?? 0);
      })
      .catch((err: unknown) => {
        if (!isLockTimeout(err)) throw err;
        busy.push(month);
        return 0;
      });
    dropped += n;
  }
  return { dropped, busy };
}
