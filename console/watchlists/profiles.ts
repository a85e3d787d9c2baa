/**
 * A person's risk profile: what the security team records about them (start and departure dates,
 * manager, notes) beside what the console knows (watchlists, legal holds, events by severity).
 * Anyone with an email has a profile; one never edited answers with empty fields.
 */
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { SEVERITIES } from '../../src/core/schema/identifiers';
import { recordAudit } from '../audit';
import { actorOf, type Principal } from '../auth/roles';
import type { ConsoleDatabase, UserProfilesTable } from '../db/schema';
import { holdsOf, LegalHold } from '../retention/legal-holds';
import { DateOnly, membershipsOf, PersonEmail, WatchlistMember } from './store';

export const ProfilePatch = z.strictObject({
  startDate: DateOnly.nullable().optional(),
  departureDate: DateOnly.nullable().optional(),
  managerEmail: PersonEmail.nullable().optional(),
  notes: z.string().max(4000).nullable().optional(),
});
export type ProfilePatch = z.infer<typeof ProfilePatch>;

const ProfileFields = z.object({
  startDate: z.string().nullable(),
  departureDate: z.string().nullable(),
  managerEmail: z.string().nullable(),
  notes: z.string().nullable(),
  updatedAt: z.iso.datetime().nullable(),
  updatedBy: z.string().nullable(),
});
type ProfileFields = z.infer<typeof ProfileFields>;

export const UserProfile = ProfileFields.extend({
  email: z.string(),
  watchlists: z.array(WatchlistMember.extend({ watchlist: z.string() })),
  legalHolds: z.array(LegalHold),
  /** Stored events of this user, by severity (retention has removed older ones). */
  eventsBySeverity: z.record(z.enum(SEVERITIES), z.number()),
  eventCount: z.number(),
});
export type UserProfile = z.infer<typeof UserProfile>;

type Db = Kysely<ConsoleDatabase>;

async function fields(db: Db, email: string): Promise<ProfileFields> {
  const row = await db.selectFrom('user_profiles').selectAll().where('email', '=', email).executeTakeFirst();
  return {
    startDate: row?.start_date ?? null,
    departureDate: row?.departure_date ?? null,
    managerEmail: row?.manager_email ?? null,
    notes: row?.notes ?? null,
    updatedAt: row ? new Date(Number(row.updated_at)).toISOString() : null,
    updatedBy: row?.updated_by ?? null,
  };
}

export async function getProfile(db: Db, email: string): Promise<UserProfile> {
  const counts = await db
    .selectFrom('events')
    .select(['severity_rank'])
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_email', '=', email)
    .groupBy('severity_rank')
    .execute();
  const eventsBySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<(typeof SEVERITIES)[number], number>;
  for (const c of counts) {
    const severity = SEVERITIES[Number(c.severity_rank)];
    if (severity) eventsBySeverity[severity] += Number(c.n);
  }
  return {
    email,
    ...(await fields(db, email)),
    watchlists: await membershipsOf(db, email),
    legalHolds: await holdsOf(db, email),
    eventsBySeverity,
    eventCount: Object.values(eventsBySeverity).reduce((a, b) => a + b, 0),
  };
}

/** Applies a patch (absent: unchanged, null: cleared); audited when something changed. */
export async function patchProfile(db: Db, email: string, patch: ProfilePatch, principal: Principal, now: number): Promise<UserProfile> {
  await db.transaction().execute(async (trx) => {
    const old = await trx.selectFrom('user_profiles').selectAll().where('email', '=', email).executeTakeFirst();
    const current = {
      start_date: old?.start_date ?? null,
      departure_date: old?.departure_date ?? null,
      manager_email: old?.manager_email ?? null,
      notes: old?.notes ?? null,
    };
    const next = {
      start_date: patch.startDate === undefined ? current.start_date : patch.startDate,
      departure_date: patch.departureDate === undefined ? current.departure_date : patch.departureDate,
      manager_email: patch.managerEmail === undefined ? current.manager_email : patch.managerEmail,
      notes: patch.notes === undefined ? current.notes : patch.notes,
    };
    if (JSON.stringify(current) === JSON.stringify(next)) return;
    const row: UserProfilesTable = { email, ...next, updated_at: now, updated_by: actorOf(principal) };
    await trx
      .insertInto('user_profiles')
      .values(row)
      .onConflict((oc) => oc.column('email').doUpdateSet({ ...next, updated_at: now, updated_by: row.updated_by }))
      .execute();
    const shape = (r: typeof current) => ({ startDate: r.start_date, departureDate: r.departure_date, managerEmail: r.manager_email, notes: r.notes });
    await recordAudit(trx, { actor: principal, action: 'user_profile.updated', target: `user:${email}`, before: shape(current), after: shape(next) }, now);
  });
  return getProfile(db, email);
}
