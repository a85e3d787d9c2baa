/**
 * The append-only audit log: every change of risk settings, synced policy, watchlists, alert
 * states, credentials, legal holds and retention, with actor, time, action, target, before and
 * after. Nothing in the API edits or deletes it (and the database refuses to).
 */
import type { Kysely, Transaction } from 'kysely';
import { z } from 'zod';
import type { ConsoleDatabase } from './db/schema';
import { actorOf, type Principal } from './auth/roles';

export const AuditEntry = z.object({
  seq: z.number().int(),
  at: z.iso.datetime(),
  actor: z.string(),
  action: z.string(),
  target: z.string(),
  before: z.unknown().nullable(),
  after: z.unknown().nullable(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

export interface AuditRecord {
  actor: Principal | 'system';
  /** Dotted, past tense of the change: `policy.updated`, `credential.revoked`, … */
  action: string;
  target: string;
  before?: unknown;
  after?: unknown;
}

type Db = Kysely<ConsoleDatabase> | Transaction<ConsoleDatabase>;

const json = (value: unknown): string | null => (value === undefined ? null : JSON.stringify(value));

export async function recordAudit(db: Db, entry: AuditRecord, now = Date.now()): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({ at: now, actor: actorOf(entry.actor), action: entry.action, target: entry.target, before: json(entry.before), after: json(entry.after) })
    .execute();
}

export async function listAudit(db: Db, query: { beforeSeq?: number; limit: number; action?: string; actor?: string; target?: string }): Promise<AuditEntry[]> {
  let q = db.selectFrom('audit_log').selectAll().orderBy('seq', 'desc').limit(query.limit);
  if (query.beforeSeq !== undefined) q = q.where('seq', '<', query.beforeSeq);
  if (query.action) q = q.where('action', '=', query.action);
  if (query.actor) q = q.where('actor', '=', query.actor);
  if (query.target) q = q.where('target', '=', query.target);
  const rows = await q.execute();
  return rows.map((r) => ({
    seq: Number(r.seq),
    at: new Date(Number(r.at)).toISOString(),
    actor: r.actor,
    action: r.action,
    target: r.target,
    before: r.before === null ? null : (JSON.parse(r.before) as unknown),
    after: r.after === null ? null : (JSON.parse(r.after) as unknown),
  }));
}
