/**
 * Slows password guessing (OWASP ASVS 2.2.1): failed sign-ins are counted per account (the email
 * typed, whether or not an account has it, so the answer tells nothing about who has one) and per
 * client address. From the Nth failure a key is refused for a delay that doubles with each further
 * failure, up to a cap; a sign-in refused this way answers 429 with Retry-After and checks no
 * password. A success clears its account's count (not the address's: one known password must not
 * reset an address guessing others). Counts are in the database, so a restart forgets nothing.
 *
 * Only one password check per account runs at a time, and a few per address, so a burst of parallel
 * guesses cannot slip in before the first failure is counted.
 */
import type { Kysely } from 'kysely';
import type { ConsoleDatabase } from '../db/schema';

export interface ThrottleSettings {
  /** Failures of one account before it is refused for a while. */
  accountFailures: number;
  /** Failures from one client address (several people may share one behind a NAT). */
  addressFailures: number;
  /** The first refusal; each further failure doubles it. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A key whose last failure is older starts again from zero. */
  forgetAfterMs: number;
  /** Password checks under way from one address at once. */
  maxChecksPerAddress: number;
}

export const DEFAULT_THROTTLE: ThrottleSettings = {
  accountFailures: 5,
  addressFailures: 20,
  baseDelayMs: 30_000,
  maxDelayMs: 15 * 60_000,
  forgetAfterMs: 60 * 60_000,
  maxChecksPerAddress: 4,
};

export const accountKey = (email: string) => `account:${email.toLowerCase()}`;
export const addressKey = (ip: string) => `ip:${ip}`;

export class SignInThrottle {
  readonly #checking = new Set<string>();
  readonly #checksByAddress = new Map<string, number>();

  constructor(
    private readonly db: Kysely<ConsoleDatabase>,
    private readonly now: () => number,
    readonly settings: ThrottleSettings = DEFAULT_THROTTLE,
  ) {}

  /** Milliseconds until the keys may try again; 0 when they may now. */
  async blockedFor(keys: string[]): Promise<number> {
    const rows = await this.db.selectFrom('sign_in_failures').select('blocked_until').where('key', 'in', keys).execute();
    const now = this.now();
    return Math.max(0, ...rows.map((r) => Number(r.blocked_until) - now));
  }

  /**
   * Runs one password check for an account from an address, or answers undefined at once when a
   * check of that account, or too many from that address, is already running.
   */
  async exclusive<T>(account: string, address: string, check: () => Promise<T>): Promise<{ result: T } | undefined> {
    const running = this.#checksByAddress.get(address) ?? 0;
    if (this.#checking.has(account) || running >= this.settings.maxChecksPerAddress) return undefined;
    this.#checking.add(account);
    this.#checksByAddress.set(address, running + 1);
    try {
      return { result: await check() };
    } finally {
      this.#checking.delete(account);
      const left = (this.#checksByAddress.get(address) ?? 1) - 1;
      if (left > 0) this.#checksByAddress.set(address, left);
      else this.#checksByAddress.delete(address);
    }
  }

  /** Counts a failure against each key; answers the keys this failure blocked, with their delays. */
  async recordFailure(keys: string[]): Promise<{ key: string; failures: number; blockedMs: number }[]> {
    const now = this.now();
    const { forgetAfterMs, baseDelayMs, maxDelayMs } = this.settings;
    return this.db.transaction().execute(async (trx) => {
      const rows = await trx.selectFrom('sign_in_failures').selectAll().where('key', 'in', keys).execute();
      const blocked: { key: string; failures: number; blockedMs: number }[] = [];
      for (const key of keys) {
        const row = rows.find((r) => r.key === key);
        const previous = row && now - Number(row.last_failure_at) <= forgetAfterMs ? Number(row.failures) : 0;
        const failures = previous + 1;
        const limit = key.startsWith('ip:') ? this.settings.addressFailures : this.settings.accountFailures;
        const blockedMs = failures >= limit ? Math.min(maxDelayMs, baseDelayMs * 2 ** Math.min(30, failures - limit)) : 0;
        if (blockedMs > 0) blocked.push({ key, failures, blockedMs });
        const values = { failures, last_failure_at: now, blocked_until: now + blockedMs };
        await trx
          .insertInto('sign_in_failures')
          .values({ key, ...values })
          .onConflict((oc) => oc.column('key').doUpdateSet(values))
          .execute();
      }
      // Keys nobody has failed with for long enough have nothing left to say.
      await trx
        .deleteFrom('sign_in_failures')
        .where('last_failure_at', '<', now - forgetAfterMs - maxDelayMs)
        .execute();
      return blocked;
    });
  }

  async clear(key: string): Promise<void> {
    await this.db.deleteFrom('sign_in_failures').where('key', '=', key).execute();
  }
}
