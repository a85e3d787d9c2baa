/**
 * The one place an alert change is recorded, inside the transaction that makes it: each changed
 * alert gets the next number of the alert change sequence (what `GET /api/v1/alerts?changedAfter=`
 * pages by) and its notifications are put in the outbox (console/notify/outbox.ts), so a committed
 * change always has them and a rolled-back one never does.
 */
import { sql, type Transaction } from 'kysely';
import type { ConsoleDatabase } from '../db/schema';
import { enqueueNotifications } from '../notify/outbox';

export const ALERT_CHANGE_KINDS = ['created', 'events_added', 'state_changed', 'assigned', 'noted'] as const;
export type AlertChangeKind = (typeof ALERT_CHANGE_KINDS)[number];

export interface AlertChange {
  alertSeq: number;
  kinds: AlertChangeKind[];
}

const ROWS = 100;

export async function recordAlertChanges(trx: Transaction<ConsoleDatabase>, changes: readonly AlertChange[], now: number): Promise<void> {
  if (!changes.length) return;
  // The counter row's update is also the lock that keeps change numbers in commit order (0005).
  const { value } = await trx
    .updateTable('alert_change_counter')
    .set((eb) => ({ value: eb('value', '+', changes.length) }))
    .where('id', '=', 1)
    .returning('value')
    .executeTakeFirstOrThrow();
  const first = Number(value) - changes.length + 1;
  const numbered = changes.map((c, i) => ({ ...c, changeSeq: first + i }));
  for (let i = 0; i < numbered.length; i += ROWS) {
    const part = numbered.slice(i, i + ROWS);
    const rows = sql.join(
      part.map((c, j) => (j === 0 ? sql`(CAST(${c.alertSeq} AS bigint), CAST(${c.changeSeq} AS bigint))` : sql`(${c.alertSeq}, ${c.changeSeq})`)),
    );
    await sql`UPDATE alerts SET change_seq = v.column2, created_seq = COALESCE(alerts.created_seq, v.column2)
      FROM (VALUES ${rows}) AS v WHERE alerts.seq = v.column1`.execute(trx);
  }
  await enqueueNotifications(trx, numbered, now);
}
