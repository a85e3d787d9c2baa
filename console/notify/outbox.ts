/**
 * The notification outbox. An alert change puts one row per (change, channel that wants it) here in
 * the change's own transaction (console/alerts/changes.ts), so a committed change always has its
 * notifications and none is lost while a receiver is down; the worker (./worker.ts) sends them.
 *
 * Each row carries an idempotency key, `upwatch:<alert id>:<change seq>:<channel id>`, sent with
 * the notification (header `X-Upwatch-Idempotency-Key`, and in the payload): the console marks a
 * row sent after the receiver acknowledged it, so a crash between the two sends it again, and a
 * receiver that must not see it twice dedupes on the key.
 *
 * This module imports no channel code: it runs inside every ingest transaction that changes alerts.
 */
import type { Transaction } from 'kysely';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { SEVERITIES } from '../../src/core/schema/identifiers';
import { recordAudit } from '../audit';
import type { Principal } from '../auth/roles';
import type { AlertChangeKind } from '../alerts/changes';
import { alertQuery } from '../alerts/query';
import type { ConsoleDatabase } from '../db/schema';
import { HttpError } from '../http/route';
import type { Kysely } from 'kysely';

type Trx = Transaction<ConsoleDatabase>;
const IN_LIST = 500;

/** The alert as it was right after the change: what the notification tells, whatever happens later. */
export interface AlertSnapshot {
  id: string;
  ruleId: string;
  ruleName: string;
  user: string | null;
  state: string;
  severity: string;
  eventCount: number;
  firstEventAt: string;
  lastEventAt: string;
  createdAt: string;
  updatedAt: string;
  assignee: string | null;
  /** The alert's events up to this one belong to the change (later ones joined afterwards). */
  maxEventSeq: number;
}

export const idempotencyKey = (alertId: string, changeSeq: number, channelId: string) => `upwatch:${alertId}:${changeSeq}:${channelId}`;
const iso = (ms: number | bigint) => new Date(Number(ms)).toISOString();

export async function enqueueNotifications(
  trx: Trx,
  changes: readonly { alertSeq: number; changeSeq: number; kinds: AlertChangeKind[] }[],
  now: number,
): Promise<void> {
  const channels = (await trx.selectFrom('notification_channels').select(['id', 'rules', 'on_changes']).where('enabled', '=', 1).execute()).map((c) => ({
    id: c.id,
    rules: JSON.parse(c.rules) as '*' | string[],
    on: JSON.parse(c.on_changes) as string[],
  }));
  if (!channels.length) return;
  const rows = [];
  for (let i = 0; i < changes.length; i += IN_LIST) {
    const part = changes.slice(i, i + IN_LIST);
    const seqs = part.map((c) => c.alertSeq);
    const alerts = await alertQuery(trx).where('a.seq', 'in', seqs).execute();
    const maxEvents = await trx
      .selectFrom('alert_events')
      .select(['alert_seq'])
      .select((eb) => eb.fn.max('event_seq').as('max_seq'))
      .where('alert_seq', 'in', seqs)
      .groupBy('alert_seq')
      .execute();
    const bySeq = new Map(alerts.map((a) => [Number(a.seq), a]));
    const maxBySeq = new Map(maxEvents.map((m) => [Number(m.alert_seq), Number(m.max_seq)]));
    for (const change of part) {
      const a = bySeq.get(change.alertSeq);
      if (!a) continue;
      const snapshot: AlertSnapshot = {
        id: a.id,
        ruleId: a.rule_id,
        ruleName: a.rule_name,
        user: a.user_email,
        state: a.state,
        severity: SEVERITIES[Number(a.severity_rank)] ?? 'none',
        eventCount: Number(a.event_count),
        firstEventAt: iso(a.first_event_at),
        lastEventAt: iso(a.last_event_at),
        createdAt: iso(a.created_at),
        updatedAt: iso(a.updated_at),
        assignee: a.assignee,
        maxEventSeq: maxBySeq.get(change.alertSeq) ?? 0,
      };
      for (const channel of channels) {
        if (channel.rules !== '*' && !channel.rules.includes(a.rule_id)) continue;
        if (!change.kinds.some((k) => channel.on.includes(k))) continue;
        rows.push({
          id: randomUUID(),
          channel_id: channel.id,
          alert_seq: change.alertSeq,
          change_seq: change.changeSeq,
          change_kinds: JSON.stringify(change.kinds),
          snapshot: JSON.stringify(snapshot),
          idempotency_key: idempotencyKey(a.id, change.changeSeq, channel.id),
          state: 'pending',
          attempts: 0,
          next_attempt_at: now,
          last_error: null,
          created_at: now,
          updated_at: now,
          sent_at: null,
        });
      }
    }
  }
  for (let i = 0; i < rows.length; i += 50)
    await trx
      .insertInto('notification_outbox')
      .values(rows.slice(i, i + 50))
      .execute();
}

export const NOTIFICATION_STATES = ['pending', 'sent', 'dead'] as const;
export const Notification = z.object({
  id: z.string(),
  channel: z.string(),
  alertId: z.string(),
  changeSeq: z.number(),
  change: z.array(z.string()),
  idempotencyKey: z.string(),
  state: z.enum(NOTIFICATION_STATES),
  attempts: z.number(),
  nextAttemptAt: z.iso.datetime().nullable(),
  lastError: z.string().nullable(),
  createdAt: z.iso.datetime(),
  sentAt: z.iso.datetime().nullable(),
});
export type Notification = z.infer<typeof Notification>;

type OutboxRow = ConsoleDatabase['notification_outbox'] & { seq: number };
function toNotification(r: OutboxRow): Notification {
  const alert = JSON.parse(r.snapshot) as AlertSnapshot;
  return {
    id: r.id,
    channel: r.channel_id,
    alertId: alert.id,
    changeSeq: Number(r.change_seq),
    change: JSON.parse(r.change_kinds) as string[],
    idempotencyKey: r.idempotency_key,
    state: r.state as Notification['state'],
    attempts: Number(r.attempts),
    nextAttemptAt: r.state === 'pending' ? iso(r.next_attempt_at) : null,
    lastError: r.last_error,
    createdAt: iso(r.created_at),
    sentAt: r.sent_at === null ? null : iso(r.sent_at),
  };
}

/** Newest first; `beforeSeq` continues. */
export async function listNotifications(
  db: Kysely<ConsoleDatabase>,
  f: { state?: Notification['state']; channel?: string; alertId?: string; limit: number; beforeSeq?: number },
): Promise<{ items: Notification[]; lastSeq?: number }> {
  let q = db.selectFrom('notification_outbox').selectAll().orderBy('seq', 'desc').limit(f.limit);
  if (f.state) q = q.where('state', '=', f.state);
  if (f.channel) q = q.where('channel_id', '=', f.channel);
  if (f.alertId) q = q.where('alert_seq', '=', (eb) => eb.selectFrom('alerts').select('seq').where('id', '=', f.alertId!));
  if (f.beforeSeq !== undefined) q = q.where('seq', '<', f.beforeSeq);
  const rows = (await q.execute()) as OutboxRow[];
  const last = rows.length === f.limit ? rows.at(-1) : undefined;
  return { items: rows.map(toNotification), ...(last && { lastSeq: Number(last.seq) }) };
}

/** A dead (or still pending) notification is due again at once, with a fresh attempt count; audited. */
export async function retryNotification(db: Kysely<ConsoleDatabase>, id: string, principal: Principal, now: number): Promise<Notification> {
  return db.transaction().execute(async (trx) => {
    const row = (await trx.selectFrom('notification_outbox').selectAll().where('id', '=', id).executeTakeFirst()) as OutboxRow | undefined;
    if (!row) throw new HttpError(404, `no notification ${id}`);
    if (row.state === 'sent') throw new HttpError(409, 'this notification was delivered; it is not sent again');
    await trx.updateTable('notification_outbox').set({ state: 'pending', attempts: 0, next_attempt_at: now, updated_at: now }).where('id', '=', id).execute();
    await recordAudit(
      trx,
      {
        actor: principal,
        action: 'notification.retried',
        target: `notification:${id}`,
        before: { state: row.state, attempts: Number(row.attempts), lastError: row.last_error },
        after: { state: 'pending' },
      },
      now,
    );
    const after = (await trx.selectFrom('notification_outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow()) as OutboxRow;
    return toNotification(after);
  });
}
