/**
 * Sessions of signed-in people, carried by the `upwatch_session` cookie (OWASP ASVS 3.2–3.4): the
 * cookie holds 32 random bytes, new at every sign-in; the database keeps only their SHA-256, the
 * account and the session's CSRF token. A session ends after an idle time (8 h) and at the latest
 * after an absolute time (24 h) from sign-in, at sign-out, and at once when its account is disabled
 * or its password changes. The account's role is read at every request, so a role change applies
 * to running sessions.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { AccountRow, ConsoleDatabase } from '../db/schema';
import { AccountRole } from './accounts';
import type { Principal } from './roles';

export const SESSION_COOKIE = 'upwatch_session';

export interface SessionLimits {
  idleMs: number;
  absoluteMs: number;
}

export const DEFAULT_SESSION_LIMITS: SessionLimits = { idleMs: 8 * 3_600_000, absoluteMs: 24 * 3_600_000 };

/** last_seen_at is written at most this often per session, so most reads cost no write. */
const LAST_SEEN_RESOLUTION_MS = 60_000;
const COOKIE_VALUE = /^[A-Za-z0-9_-]{43}$/;

export interface ActiveSession {
  idHash: string;
  csrfToken: string;
  account: AccountRow;
  principal: Principal;
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

/** The first value of a cookie in a Cookie header (RFC 6265 §5.4: the most specific path comes first). */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** A Set-Cookie value: HttpOnly (no script reads it), SameSite=Lax (no cross-site change carries it), Secure over TLS. */
export function cookieHeader(name: string, value: string, options: { secure: boolean; path?: string; maxAgeSeconds?: number }): string {
  const parts = [`${name}=${value}`, `Path=${options.path ?? '/'}`, 'HttpOnly', 'SameSite=Lax'];
  if (options.maxAgeSeconds !== undefined) parts.push(`Max-Age=${options.maxAgeSeconds}`);
  if (options.secure) parts.push('Secure');
  return parts.join('; ');
}

export function principalOf(account: AccountRow): Principal {
  return { credentialId: `account:${account.id}`, name: account.email, role: AccountRole.parse(account.role), kind: 'session' };
}

export class SessionStore {
  constructor(
    private readonly db: Kysely<ConsoleDatabase>,
    private readonly now: () => number,
    readonly limits: SessionLimits = DEFAULT_SESSION_LIMITS,
  ) {}

  /** A new session for an account; the cookie value is in this answer only. */
  async start(account: AccountRow, clientIp: string | null): Promise<{ cookieValue: string; csrfToken: string; idHash: string }> {
    const cookieValue = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(32).toString('base64url');
    const now = this.now();
    const idHash = sha256(cookieValue);
    await this.db
      .insertInto('sessions')
      .values({ id_hash: idHash, account_id: account.id, csrf_token: csrfToken, created_at: now, last_seen_at: now, client_ip: clientIp })
      .execute();
    await this.purgeExpired();
    return { cookieValue, csrfToken, idHash };
  }

  /** The live session a cookie value stands for, or undefined (unknown, expired, or its account disabled). */
  async authenticate(cookieValue: string | undefined): Promise<ActiveSession | undefined> {
    if (cookieValue === undefined || !COOKIE_VALUE.test(cookieValue)) return undefined;
    const idHash = sha256(cookieValue);
    const row = await this.db
      .selectFrom('sessions')
      .innerJoin('accounts', 'accounts.id', 'sessions.account_id')
      .select(['sessions.csrf_token', 'sessions.created_at as session_created_at', 'sessions.last_seen_at'])
      .selectAll('accounts')
      .where('sessions.id_hash', '=', idHash)
      .executeTakeFirst();
    if (!row) return undefined;
    const now = this.now();
    const { csrf_token: csrfToken, session_created_at: createdAt, last_seen_at: lastSeenAt, ...account } = row;
    const expired = now - Number(lastSeenAt) > this.limits.idleMs || now - Number(createdAt) > this.limits.absoluteMs;
    if (expired || account.disabled_at !== null || !AccountRole.safeParse(account.role).success) {
      await this.end(idHash);
      return undefined;
    }
    if (now - Number(lastSeenAt) >= LAST_SEEN_RESOLUTION_MS) {
      await this.db.updateTable('sessions').set({ last_seen_at: now }).where('id_hash', '=', idHash).execute();
    }
    return { idHash, csrfToken, account, principal: principalOf(account) };
  }

  async end(idHash: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
  }

  /** Deletes every session past its idle or absolute time (sign-in calls it, so the table stays small). */
  async purgeExpired(): Promise<void> {
    const now = this.now();
    await this.db
      .deleteFrom('sessions')
      .where((eb) => eb.or([eb('last_seen_at', '<', now - this.limits.idleMs), eb('created_at', '<', now - this.limits.absoluteMs)]))
      .execute();
  }
}
