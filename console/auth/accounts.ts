/**
 * Accounts of the people who sign in to the console: local (email and password) or OIDC (single
 * sign-on, created at a person's first sign-in). Each has one of the people roles, which the same
 * access table as API keys applies to. Every change is audited in the transaction that makes it;
 * disabling an account or changing its password ends its sessions in that transaction too.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { recordAudit } from '../audit';
import type { AccountRow, ConsoleDatabase } from '../db/schema';
import { decoyHash, hashPassword, needsRehash, verifyPassword } from './passwords';
import { actorOf, PEOPLE_ROLES, type Principal } from './roles';

export const AccountEmail = z
  .email()
  .max(320)
  .transform((e) => e.toLowerCase());
export const AccountRole = z.enum(PEOPLE_ROLES);
export type AccountRole = z.infer<typeof AccountRole>;
export const AccountKind = z.enum(['local', 'oidc']);
export const AccountName = z.string().trim().min(1).max(200);

export const AccountInfo = z.object({
  email: z.string(),
  name: z.string().nullable(),
  role: AccountRole,
  kind: AccountKind,
  createdAt: z.iso.datetime(),
  createdBy: z.string(),
  updatedAt: z.iso.datetime(),
  lastSignInAt: z.iso.datetime().nullable(),
  disabled: z.boolean(),
  disabledAt: z.iso.datetime().nullable(),
});
export type AccountInfo = z.infer<typeof AccountInfo>;

export interface AccountPatch {
  role?: AccountRole;
  name?: string | null;
  disabled?: boolean;
  password?: string;
}

export class AccountError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

const iso = (ms: number | null) => (ms === null ? null : new Date(Number(ms)).toISOString());

export function accountInfo(row: AccountRow): AccountInfo {
  return {
    email: row.email,
    name: row.name,
    role: AccountRole.parse(row.role),
    kind: AccountKind.parse(row.kind),
    createdAt: iso(row.created_at)!,
    createdBy: row.created_by,
    updatedAt: iso(row.updated_at)!,
    lastSignInAt: iso(row.last_sign_in_at),
    disabled: row.disabled_at !== null,
    disabledAt: iso(row.disabled_at),
  };
}

/** What an OIDC sign-in says about the person: their identity at the provider and the mapped role. */
export interface OidcIdentity {
  issuer: string;
  subject: string;
  email: string;
  name: string | null;
  role: AccountRole;
}

export type OidcRefusal = 'conflict' | 'disabled';

export class AccountStore {
  constructor(
    private readonly db: Kysely<ConsoleDatabase>,
    private readonly now: () => number = Date.now,
  ) {}

  async get(email: string): Promise<AccountRow | undefined> {
    return this.db.selectFrom('accounts').selectAll().where('email', '=', email.toLowerCase()).executeTakeFirst();
  }

  /** Newest first; `after` is the last account of the previous page. */
  async list(query: { limit: number; after?: { createdAt: number; id: string } }): Promise<AccountRow[]> {
    let q = this.db.selectFrom('accounts').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(query.limit);
    const after = query.after;
    if (after) q = q.where((eb) => eb.or([eb('created_at', '<', after.createdAt), eb.and([eb('created_at', '=', after.createdAt), eb('id', '<', after.id)])]));
    return q.execute();
  }

  async createLocal(
    input: { email: string; name?: string | null; role: AccountRole; password: string },
    actor: Principal | 'system',
    via?: string,
  ): Promise<AccountInfo> {
    const email = input.email.toLowerCase();
    // Hash before the transaction: scrypt takes tens of milliseconds and holds no lock.
    const passwordHash = await hashPassword(input.password);
    return this.db.transaction().execute(async (trx) => {
      const existing = await trx.selectFrom('accounts').select('id').where('email', '=', email).executeTakeFirst();
      if (existing) throw new AccountError(409, `an account for ${email} exists already`);
      const now = this.now();
      const row: AccountRow = {
        id: randomUUID(),
        email,
        name: input.name ?? null,
        role: input.role,
        kind: 'local',
        password_hash: passwordHash,
        oidc_issuer: null,
        oidc_subject: null,
        created_at: now,
        created_by: actor === 'system' ? (via ?? 'system') : actorOf(actor),
        updated_at: now,
        last_sign_in_at: null,
        disabled_at: null,
      };
      await trx.insertInto('accounts').values(row).execute();
      const info = accountInfo(row);
      await recordAudit(trx, { actor, action: 'account.created', target: `account:${email}`, after: { ...info, ...(via && { via }) } }, now);
      return info;
    });
  }

  /** Changes role, name, disabled or password; answers the account after. Ends its sessions when disabled or given a new password. */
  async update(email: string, patch: AccountPatch, actor: Principal | 'system', via?: string): Promise<AccountInfo> {
    const passwordHash = patch.password === undefined ? undefined : await hashPassword(patch.password);
    return this.db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('accounts').selectAll().where('email', '=', email.toLowerCase()).executeTakeFirst();
      if (!row) throw new AccountError(404, `no account for ${email}`);
      if (row.kind === 'oidc' && patch.role !== undefined && patch.role !== row.role) {
        throw new AccountError(409, 'the role of a single sign-on account comes from the identity provider at each sign-in: change it there');
      }
      if (row.kind === 'oidc' && passwordHash !== undefined) throw new AccountError(409, 'a single sign-on account has no password here');
      const now = this.now();
      const next: AccountRow = {
        ...row,
        ...(patch.role !== undefined && { role: patch.role }),
        ...(patch.name !== undefined && { name: patch.name }),
        ...(patch.disabled !== undefined && { disabled_at: patch.disabled ? (row.disabled_at ?? now) : null }),
        ...(passwordHash !== undefined && { password_hash: passwordHash }),
      };
      const before = accountInfo(row);
      const after = accountInfo(next);
      const passwordChanged = passwordHash !== undefined;
      if (JSON.stringify(before) === JSON.stringify(after) && !passwordChanged) return before;
      next.updated_at = now;
      await trx
        .updateTable('accounts')
        .set({ role: next.role, name: next.name, disabled_at: next.disabled_at, password_hash: next.password_hash, updated_at: now })
        .where('id', '=', row.id)
        .execute();
      const endsSessions = (next.disabled_at !== null && row.disabled_at === null) || passwordChanged;
      const ended = endsSessions ? Number((await trx.deleteFrom('sessions').where('account_id', '=', row.id).executeTakeFirst()).numDeletedRows) : 0;
      const changes = { ...(passwordChanged && { passwordChanged: true }), ...(ended > 0 && { sessionsEnded: ended }), ...(via && { via }) };
      await recordAudit(
        trx,
        { actor, action: 'account.updated', target: `account:${row.email}`, before, after: { ...accountInfo({ ...next }), ...changes } },
        now,
      );
      return accountInfo(next);
    });
  }

  /**
   * The account an email and password sign in to, or undefined. Takes as long for an unknown
   * address, an OIDC account or a disabled one (all refused alike), so timing tells nothing.
   */
  async verifyLocal(email: string, password: string): Promise<AccountRow | undefined> {
    const row = await this.get(email);
    const stored = row?.kind === 'local' && row.password_hash ? row.password_hash : await decoyHash();
    const matches = await verifyPassword(password, stored);
    if (!row || !matches || row.kind !== 'local' || row.disabled_at !== null) return undefined;
    if (needsRehash(stored)) {
      await this.db
        .updateTable('accounts')
        .set({ password_hash: await hashPassword(password) })
        .where('id', '=', row.id)
        .execute();
    }
    return row;
  }

  async recordSignIn(id: string): Promise<void> {
    await this.db.updateTable('accounts').set({ last_sign_in_at: this.now() }).where('id', '=', id).execute();
  }

  /**
   * The account an OIDC sign-in stands for, created at the first one. Its role follows the
   * provider's claim at every sign-in. Refused when the email belongs to a local account or to
   * another identity at the provider (an address handed to someone new must not inherit an account),
   * or when the account is disabled here.
   */
  async signInWithOidc(identity: OidcIdentity): Promise<{ account: AccountRow } | { refusal: OidcRefusal }> {
    return this.db.transaction().execute(async (trx) => {
      const now = this.now();
      const row = await trx.selectFrom('accounts').selectAll().where('email', '=', identity.email).executeTakeFirst();
      if (!row) {
        const created: AccountRow = {
          id: randomUUID(),
          email: identity.email,
          name: identity.name,
          role: identity.role,
          kind: 'oidc',
          password_hash: null,
          oidc_issuer: identity.issuer,
          oidc_subject: identity.subject,
          created_at: now,
          created_by: 'oidc',
          updated_at: now,
          last_sign_in_at: now,
          disabled_at: null,
        };
        await trx.insertInto('accounts').values(created).execute();
        await recordAudit(
          trx,
          {
            actor: 'system',
            action: 'account.created',
            target: `account:${identity.email}`,
            after: { ...accountInfo(created), via: 'oidc', issuer: identity.issuer },
          },
          now,
        );
        return { account: created };
      }
      if (row.kind !== 'oidc' || row.oidc_issuer !== identity.issuer || row.oidc_subject !== identity.subject) return { refusal: 'conflict' };
      if (row.disabled_at !== null) return { refusal: 'disabled' };
      const next = { ...row, role: identity.role, name: identity.name ?? row.name, last_sign_in_at: now };
      if (next.role !== row.role || next.name !== row.name) {
        next.updated_at = now;
        await recordAudit(
          trx,
          {
            actor: 'system',
            action: 'account.updated',
            target: `account:${row.email}`,
            before: accountInfo(row),
            after: { ...accountInfo(next), via: 'oidc' },
          },
          now,
        );
      }
      await trx
        .updateTable('accounts')
        .set({ role: next.role, name: next.name, updated_at: next.updated_at, last_sign_in_at: now })
        .where('id', '=', row.id)
        .execute();
      return { account: next };
    });
  }
}
