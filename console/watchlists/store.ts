/**
 * Watchlists (Incydr's built-in set plus ones an admin creates) and their members. Every change is
 * audited in the transaction that makes it; members are keyed by lower-cased email.
 */
import type { Kysely, Transaction } from 'kysely';
import { z } from 'zod';
import { recordAudit } from '../audit';
import { actorOf, type Principal } from '../auth/roles';
import type { ConsoleDatabase, WatchlistMembersTable } from '../db/schema';
import { HttpError } from '../http/route';

type Db = Kysely<ConsoleDatabase> | Transaction<ConsoleDatabase>;

/** Seeded by migration 0003, listed in this order before the ones admins create. */
export const BUILT_IN_WATCHLISTS = [
  'departing',
  'high_impact',
  'flight_risk',
  'new_hire',
  'contractor',
  'elevated_access',
  'performance_concerns',
  'poor_security_practices',
] as const;

export const WatchlistId = z.string().regex(/^[a-z0-9_]{1,64}$/, 'a watchlist id is 1–64 of a–z, 0–9 and _');
/** A person, as the console keys them: the email lower-cased. */
export const PersonEmail = z
  .email()
  .max(320)
  .transform((e) => e.toLowerCase());
export const DateOnly = z.iso.date();
export const MemberNotes = z.string().max(2000);

export const Watchlist = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  builtIn: z.boolean(),
  /** Settings sync tells a member's browser it is on this watchlist (membership is otherwise not sent). */
  syncToBrowsers: z.boolean(),
  memberCount: z.number(),
  createdAt: z.iso.datetime(),
});
export type Watchlist = z.infer<typeof Watchlist>;

export const WatchlistMember = z.object({
  email: z.string(),
  notes: z.string().nullable(),
  departureDate: z.string().nullable(),
  addedAt: z.iso.datetime(),
  addedBy: z.string(),
  updatedAt: z.iso.datetime(),
});
export type WatchlistMember = z.infer<typeof WatchlistMember>;

const iso = (ms: number | bigint) => new Date(Number(ms)).toISOString();
const order = (id: string) => {
  const i = (BUILT_IN_WATCHLISTS as readonly string[]).indexOf(id);
  return i < 0 ? BUILT_IN_WATCHLISTS.length : i;
};

/** Admins may create this many watchlists of their own. */
const MAX_CUSTOM_WATCHLISTS = 200;

export async function listWatchlists(db: Db): Promise<Watchlist[]> {
  const rows = await db
    .selectFrom('watchlists as w')
    .leftJoin('watchlist_members as m', 'm.watchlist_id', 'w.id')
    .select(['w.id', 'w.name', 'w.description', 'w.built_in', 'w.browser_sync', 'w.created_at'])
    .select((eb) => eb.fn.count<number>('m.email').as('members'))
    .groupBy(['w.id', 'w.name', 'w.description', 'w.built_in', 'w.browser_sync', 'w.created_at'])
    .execute();
  return rows
    .map((r) => ({
      id: r.id,
      name: r.name,
      description: r.description,
      builtIn: Number(r.built_in) === 1,
      syncToBrowsers: Number(r.browser_sync) === 1,
      memberCount: Number(r.members),
      createdAt: iso(r.created_at),
    }))
    .sort((a, b) => order(a.id) - order(b.id) || a.id.localeCompare(b.id));
}

async function getWatchlist(db: Db, id: string): Promise<Watchlist> {
  const found = (await listWatchlists(db)).find((w) => w.id === id);
  if (!found) throw new HttpError(404, `no watchlist ${id}`);
  return found;
}

export async function requireWatchlist(db: Db, id: string): Promise<void> {
  const row = await db.selectFrom('watchlists').select('id').where('id', '=', id).executeTakeFirst();
  if (!row) throw new HttpError(404, `no watchlist ${id}`);
}

export async function createWatchlist(
  db: Kysely<ConsoleDatabase>,
  input: { id: string; name: string; description?: string; syncToBrowsers?: boolean },
  principal: Principal,
  now: number,
): Promise<Watchlist> {
  return db.transaction().execute(async (trx) => {
    const exists = await trx.selectFrom('watchlists').select('id').where('id', '=', input.id).executeTakeFirst();
    if (exists) throw new HttpError(409, `watchlist ${input.id} exists`);
    const custom = await trx
      .selectFrom('watchlists')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('built_in', '=', 0)
      .executeTakeFirstOrThrow();
    if (Number(custom.n) >= MAX_CUSTOM_WATCHLISTS) throw new HttpError(409, `at most ${MAX_CUSTOM_WATCHLISTS} watchlists besides the built-in ones`);
    await trx
      .insertInto('watchlists')
      .values({
        id: input.id,
        name: input.name,
        description: input.description ?? '',
        built_in: 0,
        browser_sync: input.syncToBrowsers ? 1 : 0,
        created_at: now,
        created_by: actorOf(principal),
      })
      .execute();
    const created = await getWatchlist(trx, input.id);
    await recordAudit(trx, { actor: principal, action: 'watchlist.created', target: `watchlist:${input.id}`, after: created }, now);
    return created;
  });
}

export async function updateWatchlist(
  db: Kysely<ConsoleDatabase>,
  id: string,
  patch: { name?: string; description?: string; syncToBrowsers?: boolean },
  principal: Principal,
  now: number,
): Promise<Watchlist> {
  return db.transaction().execute(async (trx) => {
    const before = await getWatchlist(trx, id);
    await trx
      .updateTable('watchlists')
      .set({
        ...(patch.name !== undefined && { name: patch.name }),
        ...(patch.description !== undefined && { description: patch.description }),
        ...(patch.syncToBrowsers !== undefined && { browser_sync: patch.syncToBrowsers ? 1 : 0 }),
      })
      .where('id', '=', id)
      .execute();
    const after = await getWatchlist(trx, id);
    await recordAudit(trx, { actor: principal, action: 'watchlist.updated', target: `watchlist:${id}`, before, after }, now);
    return after;
  });
}

function toMember(r: Omit<WatchlistMembersTable, 'watchlist_id'>): WatchlistMember {
  return { email: r.email, notes: r.notes, departureDate: r.departure_date, addedAt: iso(r.added_at), addedBy: r.added_by, updatedAt: iso(r.updated_at) };
}

/** Members newest first (by when they were added); `after` continues from a previous page's last. */
export async function listMembers(db: Db, id: string, page: { limit: number; after?: { at: number; email: string } }): Promise<WatchlistMember[]> {
  await requireWatchlist(db, id);
  let q = db.selectFrom('watchlist_members').selectAll().where('watchlist_id', '=', id).orderBy('added_at', 'desc').orderBy('email', 'desc').limit(page.limit);
  const after = page.after;
  if (after) q = q.where((eb) => eb.or([eb('added_at', '<', after.at), eb.and([eb('added_at', '=', after.at), eb('email', '<', after.email)])]));
  return (await q.execute()).map(toMember);
}

/** Adds a member, or updates the notes and departure date of one already on the list. */
export async function addMember(
  db: Kysely<ConsoleDatabase>,
  id: string,
  input: { email: string; notes?: string | null; departureDate?: string | null },
  principal: Principal,
  now: number,
): Promise<{ member: WatchlistMember; created: boolean }> {
  return db.transaction().execute(async (trx) => {
    await requireWatchlist(trx, id);
    const old = await trx.selectFrom('watchlist_members').selectAll().where('watchlist_id', '=', id).where('email', '=', input.email).executeTakeFirst();
    const fields = { notes: input.notes ?? null, departure_date: input.departureDate ?? null, updated_at: now };
    if (old) {
      await trx.updateTable('watchlist_members').set(fields).where('watchlist_id', '=', id).where('email', '=', input.email).execute();
    } else {
      await trx
        .insertInto('watchlist_members')
        .values({ watchlist_id: id, email: input.email, added_at: now, added_by: actorOf(principal), ...fields })
        .execute();
    }
    const row = await trx.selectFrom('watchlist_members').selectAll().where('watchlist_id', '=', id).where('email', '=', input.email).executeTakeFirstOrThrow();
    const member = toMember(row);
    await recordAudit(
      trx,
      {
        actor: principal,
        action: old ? 'watchlist.member_updated' : 'watchlist.member_added',
        target: `user:${input.email}`,
        before: old ? { watchlist: id, ...toMember(old) } : null,
        after: { watchlist: id, ...member },
      },
      now,
    );
    return { member, created: !old };
  });
}

export async function removeMember(db: Kysely<ConsoleDatabase>, id: string, email: string, principal: Principal, now: number): Promise<WatchlistMember> {
  return db.transaction().execute(async (trx) => {
    await requireWatchlist(trx, id);
    const old = await trx.selectFrom('watchlist_members').selectAll().where('watchlist_id', '=', id).where('email', '=', email).executeTakeFirst();
    const gone = () => new HttpError(404, `${email} is not on watchlist ${id}`);
    if (!old) throw gone();
    // Another request may have removed them since the read (PostgreSQL reads committed data): then this one removed nothing.
    const { numDeletedRows } = await trx.deleteFrom('watchlist_members').where('watchlist_id', '=', id).where('email', '=', email).executeTakeFirst();
    if (numDeletedRows === 0n) throw gone();
    const member = toMember(old);
    await recordAudit(
      trx,
      { actor: principal, action: 'watchlist.member_removed', target: `user:${email}`, before: { watchlist: id, ...member }, after: null },
      now,
    );
    return member;
  });
}

/** The watchlists one person is on, with the notes and departure date of each membership. */
export async function membershipsOf(db: Db, email: string): Promise<(WatchlistMember & { watchlist: string })[]> {
  const rows = await db.selectFrom('watchlist_members').selectAll().where('email', '=', email).execute();
  return rows
    .map((r) => ({ watchlist: r.watchlist_id, ...toMember(r) }))
    .sort((a, b) => order(a.watchlist) - order(b.watchlist) || a.watchlist.localeCompare(b.watchlist));
}

/**
 * What settings sync tells a browser about its user: only memberships of watchlists marked for
 * browsers (by default `departing` alone). Any holder of the shared ingest token can ask about any
 * email, so nothing beyond what the browser acts on leaves the console this way.
 */
export function browserSyncContext(db: Kysely<ConsoleDatabase>): (email: string) => Promise<{ watchlists: string[] }> {
  return async (email) => {
    const rows = await db
      .selectFrom('watchlist_members as m')
      .innerJoin('watchlists as w', 'w.id', 'm.watchlist_id')
      .select('m.watchlist_id')
      .where('m.email', '=', email.toLowerCase())
      .where('w.browser_sync', '=', 1)
      .execute();
    return { watchlists: rows.map((r) => r.watchlist_id).sort((a, b) => order(a) - order(b) || a.localeCompare(b)) };
  };
}
