/**
 * Legal holds: a person under hold for any matter keeps every event until the last of their holds
 * is released. Only active holds are stored; placing and releasing are in the audit log.
 */
import type { Kysely, Transaction } from 'kysely';
import { z } from 'zod';
import { recordAudit } from '../audit';
import { actorOf, type Principal } from '../auth/roles';
import type { ConsoleDatabase } from '../db/schema';
import { HttpError } from '../http/route';

type Db = Kysely<ConsoleDatabase> | Transaction<ConsoleDatabase>;

/** A matter is a name people recognise (a case or ticket title), not an identifier. */
export const Matter = z.string().trim().min(1).max(200);

export const LegalHold = z.object({ email: z.string(), matter: z.string(), createdAt: z.iso.datetime(), createdBy: z.string() });
export type LegalHold = z.infer<typeof LegalHold>;

const toHold = (r: { email: string; matter: string; created_at: number; created_by: string }): LegalHold => ({
  email: r.email,
  matter: r.matter,
  createdAt: new Date(Number(r.created_at)).toISOString(),
  createdBy: r.created_by,
});

export async function holdsOf(db: Db, email: string): Promise<LegalHold[]> {
  const rows = await db.selectFrom('legal_holds').selectAll().where('email', '=', email).orderBy('created_at', 'desc').orderBy('seq', 'desc').execute();
  return rows.map(toHold);
}

/** Active holds, newest first, with the position (`{ c, q }`) that continues after each. */
export async function listHolds(
  db: Db,
  page: { limit: number; email?: string; after?: { c: number; q: number } },
): Promise<(LegalHold & { position: { c: number; q: number } })[]> {
  let q = db.selectFrom('legal_holds').selectAll().orderBy('created_at', 'desc').orderBy('seq', 'desc').limit(page.limit);
  if (page.email) q = q.where('email', '=', page.email);
  const after = page.after;
  if (after) q = q.where((eb) => eb.or([eb('created_at', '<', after.c), eb.and([eb('created_at', '=', after.c), eb('seq', '<', after.q)])]));
  return (await q.execute()).map((r) => ({ ...toHold(r), position: { c: Number(r.created_at), q: Number(r.seq) } }));
}

/** Places a hold; placing one that is already active answers it unchanged (and audits nothing). */
export async function placeHold(
  db: Kysely<ConsoleDatabase>,
  hold: { email: string; matter: string },
  principal: Principal,
  now: number,
): Promise<{ hold: LegalHold; created: boolean }> {
  return db.transaction().execute(async (trx) => {
    const old = await trx.selectFrom('legal_holds').selectAll().where('email', '=', hold.email).where('matter', '=', hold.matter).executeTakeFirst();
    if (old) return { hold: toHold(old), created: false };
    const row = { email: hold.email, matter: hold.matter, created_at: now, created_by: actorOf(principal) };
    await trx.insertInto('legal_holds').values(row).execute();
    await recordAudit(trx, { actor: principal, action: 'legal_hold.placed', target: `user:${hold.email}`, before: null, after: toHold(row) }, now);
    return { hold: toHold(row), created: true };
  });
}

export async function releaseHold(db: Kysely<ConsoleDatabase>, hold: { email: string; matter: string }, principal: Principal, now: number): Promise<LegalHold> {
  return db.transaction().execute(async (trx) => {
    const old = await trx.selectFrom('legal_holds').selectAll().where('email', '=', hold.email).where('matter', '=', hold.matter).executeTakeFirst();
    const gone = () => new HttpError(404, `no active legal hold on ${hold.email} for matter "${hold.matter}"`);
    if (!old) throw gone();
    // Another request may have released it since the read (PostgreSQL reads committed data): then this one released nothing.
    const { numDeletedRows } = await trx.deleteFrom('legal_holds').where('email', '=', hold.email).where('matter', '=', hold.matter).executeTakeFirst();
    if (numDeletedRows === 0n) throw gone();
    await recordAudit(trx, { actor: principal, action: 'legal_hold.released', target: `user:${hold.email}`, before: toHold(old), after: null }, now);
    return toHold(old);
  });
}
