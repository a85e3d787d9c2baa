/**
 * The settings the console syncs to browsers (GET /api/v1/policy), stored in the database (one
 * truth for every console node), validated key by key with the extension's own policy schema.
 * The ETag is derived from the content, so unchanged settings cost a 304, and a writer that names
 * the tag it read (If-Match) is refused when the settings changed since. Every change is audited.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { parsePolicy, unsyncableKeyErrors } from '../src/core/schema/policy';
import { recordAudit } from './audit';
import type { Principal } from './auth/roles';
import { lockNames } from './db/engine';
import type { ConsoleDatabase } from './db/schema';

const KEY = 'synced_policy';

export interface SyncedPolicy {
  settings: Record<string, unknown>;
  etag: string;
}

export function etagOf(...parts: string[]): string {
  return `"${createHash('sha256').update(parts.join('\u0000')).digest('base64url').slice(0, 27)}"`;
}

/**
 * Whether an If-Match header lets a write go ahead over the representation tagged `current`
 * (RFC 9110 §13.1.1): `*` always (the settings always exist, `{}` at first), else one of the listed
 * tags by strong comparison, so a weak tag (`W/"…"`) never matches.
 */
export function ifMatchAllows(header: string, current: string): boolean {
  if (header.trim() === '*') return true;
  const tags = header.match(/(?:W\/)?"[^"]*"/g) ?? [];
  return tags.some((tag) => tag === current);
}

/** Problems with a synced policy document; empty when every key is valid and syncable. */
export function syncedPolicyProblems(raw: unknown): { settings: Record<string, unknown>; problems: string[] } {
  const parsed = parsePolicy(raw);
  const problems = [
    ...parsed.errors.map((e) => `${e.key}: ${e.message}`),
    ...parsed.ignoredKeys.map((k) => `${k}: not a policy key`),
    ...unsyncableKeyErrors(parsed.policy).map((e) => `${e.key}: ${e.message}`),
  ];
  return { settings: parsed.policy as Record<string, unknown>, problems };
}

export class PolicyStore {
  constructor(
    private readonly db: Kysely<ConsoleDatabase>,
    private readonly now: () => number = Date.now,
  ) {}

  async current(): Promise<SyncedPolicy> {
    const row = await this.db.selectFrom('console_settings').select('value').where('key', '=', KEY).executeTakeFirst();
    const value = row?.value ?? '{}';
    return { settings: JSON.parse(value) as Record<string, unknown>, etag: etagOf(value) };
  }

  /** Validates and replaces the settings; returns the problems (and changes nothing) when invalid. */
  async replace(raw: unknown, actor: Principal | 'system', action = 'policy.updated'): Promise<{ problems: string[]; policy?: SyncedPolicy }> {
    return this.amend(() => raw, actor, action);
  }

  /**
   * Changes the settings as they are at this moment: `change` gets them inside the write's
   * transaction, which on PostgreSQL holds a lock on the settings first, so two changes made at
   * once (two admins, two console nodes) apply one after the other and neither is lost. `change`
   * may throw to refuse; then nothing is written. Validated, versioned and audited as replace.
   * `change` also gets the settings' ETag as they are, to refuse a writer who read older ones.
   */
  async amend(
    change: (settings: Record<string, unknown>, etag: string) => unknown,
    actor: Principal | 'system',
    action: string,
  ): Promise<{ problems: string[]; policy?: SyncedPolicy }> {
    return this.db.transaction().execute(async (trx) => {
      await lockNames(trx, [`console_settings:${KEY}`]);
      const before = await trx.selectFrom('console_settings').select('value').where('key', '=', KEY).executeTakeFirst();
      const stored = before?.value ?? '{}';
      const { settings, problems } = syncedPolicyProblems(change(JSON.parse(stored) as Record<string, unknown>, etagOf(stored)));
      if (problems.length) return { problems };
      const value = JSON.stringify(settings);
      const now = this.now();
      await trx
        .insertInto('console_settings')
        .values({ key: KEY, value, updated_at: now })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: now }))
        .execute();
      await recordAudit(trx, { actor, action, target: 'policy', before: before ? JSON.parse(before.value) : {}, after: settings }, now);
      return { problems: [], policy: { settings, etag: etagOf(value) } };
    });
  }

  /**
   * Consoles before the database kept the synced settings in `synced-settings.json`: take them
   * over once, so an upgrade keeps what browsers were syncing.
   */
  async importLegacyFile(dataDir: string): Promise<void> {
    const path = join(dataDir, 'synced-settings.json');
    if (!existsSync(path)) return;
    const exists = await this.db.selectFrom('console_settings').select('key').where('key', '=', KEY).executeTakeFirst();
    if (exists) return;
    const { problems } = await this.replace(JSON.parse(readFileSync(path, 'utf8')), 'system', 'policy.imported');
    if (problems.length) throw new Error(`${path}: ${problems.join('; ')}`);
  }
}
