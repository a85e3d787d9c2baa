/**
 * Alerts as analysts and SOAR playbooks see them: listing with filters, one alert with its notes
 * and events, and triage (state, assignee, notes), each change audited in its transaction.
 */
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { SEVERITIES, type Severity } from '../../src/core/schema/identifiers';
import { recordAudit } from '../audit';
import { recordAlertChanges, type AlertChangeKind } from './changes';
import { alertQuery } from './query';
import { actorOf, type Principal } from '../auth/roles';
import type { ConsoleDatabase } from '../db/schema';
import type { ApiEvent } from '../events/store';
import { HttpError } from '../http/route';
import type { ConsoleServices } from '../services';

export const ALERT_STATES = ['OPEN', 'PENDING', 'CLOSED_TP', 'CLOSED_FP'] as const;
export const AlertState = z.enum(ALERT_STATES);
export type AlertState = z.infer<typeof AlertState>;
/** Notes an alert may collect; triage that needs more belongs in a case system. */
const MAX_NOTES = 500;

export const AlertNote = z.object({ at: z.iso.datetime(), author: z.string(), text: z.string() });
export type AlertNote = z.infer<typeof AlertNote>;

export const Alert = z.object({
  id: z.string(),
  ruleId: z.string(),
  ruleName: z.string(),
  /** The events' user (lower-cased); null groups events that carried no user email. */
  user: z.string().nullable(),
  state: AlertState,
  severity: z.enum(SEVERITIES),
  eventCount: z.number(),
  firstEventAt: z.iso.datetime(),
  lastEventAt: z.iso.datetime(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  assignee: z.string().nullable(),
  noteCount: z.number(),
});
export type Alert = z.infer<typeof Alert>;

export interface AlertFilters {
  states?: AlertState[];
  minSeverity?: Severity;
  ruleId?: string;
  user?: string;
  updatedSince?: number;
  limit: number;
  after?: { c: number; q: number };
  /** Feed mode, oldest first: alerts whose latest change (or creation) comes after this change sequence number. */
  changedAfter?: number;
  createdAfter?: number;
}

type Db = Kysely<ConsoleDatabase>;

type AlertRow = Awaited<ReturnType<ReturnType<typeof alertQuery>['executeTakeFirstOrThrow']>>;

const iso = (ms: number | bigint) => new Date(Number(ms)).toISOString();
const toAlert = (r: AlertRow): Alert & { seq: number; changeSeq: number; createdSeq: number } => ({
  seq: Number(r.seq),
  changeSeq: Number(r.change_seq),
  createdSeq: Number(r.created_seq),
  id: r.id,
  ruleId: r.rule_id,
  ruleName: r.rule_name,
  user: r.user_email,
  state: r.state as AlertState,
  severity: SEVERITIES[Number(r.severity_rank)] ?? 'none',
  eventCount: Number(r.event_count),
  firstEventAt: iso(r.first_event_at),
  lastEventAt: iso(r.last_event_at),
  createdAt: iso(r.created_at),
  updatedAt: iso(r.updated_at),
  assignee: r.assignee,
  noteCount: Number(r.note_count),
});

/** Alerts newest first by creation; the last one's `{ c, q }` continues the listing. */
export async function listAlerts(db: Db, f: AlertFilters): Promise<ReturnType<typeof toAlert>[]> {
  let q = alertQuery(db);
  if (f.states?.length) q = q.where('a.state', 'in', f.states);
  if (f.minSeverity) q = q.where('a.severity_rank', '>=', SEVERITIES.indexOf(f.minSeverity));
  if (f.ruleId) q = q.where('a.rule_id', '=', f.ruleId);
  if (f.user) q = q.where('a.user_email', '=', f.user);
  if (f.updatedSince !== undefined) q = q.where('a.updated_at', '>=', f.updatedSince);
  // Feed mode: by the alert change sequence, whose numbers commit in order (console/alerts/changes.ts).
  if (f.changedAfter !== undefined) return (await q.where('a.change_seq', '>', f.changedAfter).orderBy('a.change_seq').limit(f.limit).execute()).map(toAlert);
  if (f.createdAfter !== undefined) return (await q.where('a.created_seq', '>', f.createdAfter).orderBy('a.created_seq').limit(f.limit).execute()).map(toAlert);
  const after = f.after;
  if (after) q = q.where((eb) => eb.or([eb('a.created_at', '<', after.c), eb.and([eb('a.created_at', '=', after.c), eb('a.seq', '<', after.q)])]));
  const rows = await q.orderBy('a.created_at', 'desc').orderBy('a.seq', 'desc').limit(f.limit).execute();
  return rows.map(toAlert);
}

async function findAlert(db: Db, id: string): Promise<Alert & { seq: number }> {
  const row = await alertQuery(db).where('a.id', '=', id).executeTakeFirst();
  if (!row) throw new HttpError(404, `no alert ${id}`);
  const { changeSeq: _c, createdSeq: _s, ...alert } = toAlert(row);
  return alert;
}

async function notesOf(db: Db, alertSeq: number): Promise<AlertNote[]> {
  const rows = await db.selectFrom('alert_notes').select(['at', 'author', 'text']).where('alert_seq', '=', alertSeq).orderBy('seq').execute();
  return rows.map((n) => ({ at: iso(n.at), author: n.author, text: n.text }));
}

/** One alert with its notes and a page of its events (newest first; `after` continues). */
export async function getAlert(
  services: ConsoleServices,
  id: string,
  page: { limit: number; after?: { s: number; q: number } },
): Promise<{ alert: Alert; notes: AlertNote[]; events: ApiEvent[]; last?: { s: number; q: number } }> {
  const { seq, ...alert } = await findAlert(services.db, id);
  let q = services.db
    .selectFrom('alert_events as ae')
    .innerJoin('events as e', 'e.seq', 'ae.event_seq')
    .select(['ae.sort_at', 'ae.event_seq', 'e.body', 'e.received_at', 'e.credential_id', 'e.client_ip'])
    .where('ae.alert_seq', '=', seq)
    .orderBy('ae.sort_at', 'desc')
    .orderBy('ae.event_seq', 'desc')
    .limit(page.limit);
  const after = page.after;
  if (after) q = q.where((eb) => eb.or([eb('ae.sort_at', '<', after.s), eb.and([eb('ae.sort_at', '=', after.s), eb('ae.event_seq', '<', after.q)])]));
  const rows = await q.execute();
  const lastRow = rows.length === page.limit ? rows.at(-1) : undefined;
  return {
    alert,
    notes: await notesOf(services.db, seq),
    events: await services.events.toApiEvents(rows),
    ...(lastRow && { last: { s: Number(lastRow.sort_at), q: Number(lastRow.event_seq) } }),
  };
}

export interface AlertPatch {
  state?: AlertState;
  assignee?: string | null;
  note?: string;
}

/** Triage: each state change, assignment and note is its own audit entry. */
export async function patchAlert(db: Db, id: string, patch: AlertPatch, principal: Principal, now: number): Promise<{ alert: Alert; notes: AlertNote[] }> {
  return db.transaction().execute(async (trx) => {
    const { seq, ...before } = await findAlert(trx, id);
    const target = `alert:${id}`;
    const set: { state?: AlertState; assignee?: string | null; note_count?: number } = {};
    if (patch.state !== undefined && patch.state !== before.state) {
      set.state = patch.state;
      await recordAudit(trx, { actor: principal, action: 'alert.state_changed', target, before: { state: before.state }, after: { state: patch.state } }, now);
    }
    if (patch.assignee !== undefined && patch.assignee !== before.assignee) {
      set.assignee = patch.assignee;
      await recordAudit(
        trx,
        { actor: principal, action: 'alert.assigned', target, before: { assignee: before.assignee }, after: { assignee: patch.assignee } },
        now,
      );
    }
    if (patch.note !== undefined) {
      if (before.noteCount >= MAX_NOTES) throw new HttpError(409, `this alert has ${MAX_NOTES} notes, the most it keeps`);
      const note = { alert_seq: seq, at: now, author: actorOf(principal), text: patch.note };
      await trx.insertInto('alert_notes').values(note).execute();
      set.note_count = before.noteCount + 1;
      await recordAudit(trx, { actor: principal, action: 'alert.noted', target, after: { note: { at: iso(now), author: note.author, text: note.text } } }, now);
    }
    if (Object.keys(set).length)
      await trx
        .updateTable('alerts')
        .set({ ...set, updated_at: now })
        .where('seq', '=', seq)
        .execute();
    const kinds: AlertChangeKind[] = [
      ...(set.state ? ['state_changed' as const] : []),
      ...('assignee' in set ? ['assigned' as const] : []),
      ...(set.note_count ? ['noted' as const] : []),
    ];
    if (kinds.length) await recordAlertChanges(trx, [{ alertSeq: seq, kinds }], now);
    const { seq: _seq, ...alert } = await findAlert(trx, id);
    return { alert, notes: await notesOf(trx, seq) };
  });
}
