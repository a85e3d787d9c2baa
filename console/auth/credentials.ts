/**
 * Credentials: ingest tokens for browsers and API keys for people and automation. A secret is 32
 * random bytes, shown once when created; only its SHA-256 is stored (a fast hash is right for
 * random secrets of this length: there is nothing to guess). Names are unique and revocation is
 * immediate: every request looks its credential up.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { ConsoleDatabase, CredentialRow } from '../db/schema';
import { Role, type Principal } from './roles';

export const CredentialName = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[\w.@:-]+$/, 'letters, digits and . _ - @ : only');

export const CredentialInfo = z.object({
  id: z.string(),
  name: z.string(),
  role: Role,
  prefix: z.string(),
  createdAt: z.iso.datetime(),
  createdBy: z.string(),
  lastUsedAt: z.iso.datetime().nullable(),
  revokedAt: z.iso.datetime().nullable(),
});
export type CredentialInfo = z.infer<typeof CredentialInfo>;

/** last_used_at is written at most this often per credential, so reads cost no writes. */
const LAST_USED_RESOLUTION_MS = 60_000;
const SECRET_PATTERN = /^upw_[a-z]{3}_[A-Za-z0-9_-]{43}$/;

export class CredentialError extends Error {
  constructor(
    message: string,
    readonly statusCode: number,
  ) {
    super(message);
  }
}

function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

function toInfo(row: CredentialRow): CredentialInfo {
  const iso = (ms: number | null) => (ms === null ? null : new Date(Number(ms)).toISOString());
  return {
    id: row.id,
    name: row.name,
    role: Role.parse(row.role),
    prefix: row.prefix,
    createdAt: new Date(Number(row.created_at)).toISOString(),
    createdBy: row.created_by,
    lastUsedAt: iso(row.last_used_at),
    revokedAt: iso(row.revoked_at),
  };
}

export class CredentialStore {
  readonly #lastUsedWritten = new Map<string, number>();

  constructor(
    private readonly db: Kysely<ConsoleDatabase>,
    private readonly now: () => number = Date.now,
  ) {}

  /** Creates a credential; the secret is returned here and never again. */
  async create(input: { name: string; role: Role; createdBy: string }): Promise<{ info: CredentialInfo; secret: string }> {
    const name = CredentialName.parse(input.name);
    const kind = input.role === 'ingest' ? 'ing' : 'key';
    const secret = `upw_${kind}_${randomBytes(32).toString('base64url')}`;
    const row: CredentialRow = {
      id: randomUUID(),
      name,
      role: input.role,
      secret_hash: hashSecret(secret),
      prefix: secret.slice(0, 12),
      created_at: this.now(),
      created_by: input.createdBy,
      last_used_at: null,
      revoked_at: null,
    };
    const existing = await this.db.selectFrom('credentials').select('id').where('name', '=', name).executeTakeFirst();
    if (existing) throw new CredentialError(`a credential named ${name} exists already`, 409);
    await this.db.insertInto('credentials').values(row).execute();
    return { info: toInfo(row), secret };
  }

  async list(): Promise<CredentialInfo[]> {
    const rows = await this.db.selectFrom('credentials').selectAll().orderBy('created_at').orderBy('name').execute();
    return rows.map(toInfo);
  }

  async get(name: string): Promise<CredentialInfo | undefined> {
    const row = await this.db.selectFrom('credentials').selectAll().where('name', '=', name).executeTakeFirst();
    return row && toInfo(row);
  }

  /** Revokes by name; answers the credential before and after, or undefined when there is none. */
  /** Revokes a credential; `changed` is false when it was revoked already (by an earlier call, or by another at the same time). */
  async revoke(name: string): Promise<{ before: CredentialInfo; after: CredentialInfo; changed: boolean } | undefined> {
    const row = await this.db.selectFrom('credentials').selectAll().where('name', '=', name).executeTakeFirst();
    if (!row) return undefined;
    const revokedAt = this.now();
    const { numUpdatedRows } = await this.db
      .updateTable('credentials')
      .set({ revoked_at: revokedAt })
      .where('id', '=', row.id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (numUpdatedRows === 0n) {
      const now = await this.db.selectFrom('credentials').selectAll().where('id', '=', row.id).executeTakeFirstOrThrow();
      return { before: toInfo(now), after: toInfo(now), changed: false };
    }
    return { before: toInfo(row), after: toInfo({ ...row, revoked_at: revokedAt }), changed: true };
  }

  async isEmpty(): Promise<boolean> {
    return !(await this.db.selectFrom('credentials').select('id').limit(1).executeTakeFirst());
  }

  /** The principal a bearer secret stands for, or undefined (unknown, malformed or revoked). */
  async authenticate(secret: string): Promise<Principal | undefined> {
    if (!SECRET_PATTERN.test(secret)) return undefined;
    const row = await this.db
      .selectFrom('credentials')
      .select(['id', 'name', 'role', 'revoked_at'])
      .where('secret_hash', '=', hashSecret(secret))
      .executeTakeFirst();
    if (!row || row.revoked_at !== null) return undefined;
    const role = Role.safeParse(row.role);
    if (!role.success) return undefined;
    const now = this.now();
    if (now - (this.#lastUsedWritten.get(row.id) ?? 0) >= LAST_USED_RESOLUTION_MS) {
      this.#lastUsedWritten.set(row.id, now);
      await this.db.updateTable('credentials').set({ last_used_at: now }).where('id', '=', row.id).execute();
    }
    return { credentialId: row.id, name: row.name, role: role.data };
  }
}
