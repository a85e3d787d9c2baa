/**
 * The settings the console serves to extensions (GET /api/v1/policy), kept as JSON in the data
 * directory, with an ETag derived from the content so unchanged settings cost a 304.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePolicy, SYNCABLE_KEYS, type PolicyKey } from '../src/core/schema/policy';

export class PolicyStore {
  readonly #path: string;
  #settings: Record<string, unknown> = {};
  #etag = '';

  constructor(dataDir: string) {
    this.#path = join(dataDir, 'synced-settings.json');
    if (existsSync(this.#path)) {
      const problems = this.#load(JSON.parse(readFileSync(this.#path, 'utf8')));
      if (problems.length) throw new Error(`${this.#path}: ${problems.join('; ')}`);
    } else {
      this.#load({});
    }
  }

  get settings(): Record<string, unknown> {
    return this.#settings;
  }

  get etag(): string {
    return this.#etag;
  }

  /** Validates and replaces the settings; returns the problems (and changes nothing) when invalid. */
  replace(settings: unknown): string[] {
    const previous = { settings: this.#settings, etag: this.#etag };
    const problems = this.#load(settings);
    if (problems.length) {
      this.#settings = previous.settings;
      this.#etag = previous.etag;
      return problems;
    }
    const tmp = `${this.#path}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(this.#settings, null, 2)}\n`);
    renameSync(tmp, this.#path);
    return [];
  }

  #load(raw: unknown): string[] {
    const parsed = parsePolicy(raw);
    const problems = [
      ...parsed.errors.map((e) => `${e.key}: ${e.message}`),
      ...parsed.ignoredKeys.map((k) => `${k}: not a policy key`),
      ...Object.keys(parsed.policy)
        .filter((k) => !SYNCABLE_KEYS.has(k as PolicyKey))
        .map((k) => `${k}: only the managed policy may set this key`),
    ];
    if (problems.length) return problems;
    this.#settings = parsed.policy as Record<string, unknown>;
    this.#etag = `"${createHash('sha256').update(JSON.stringify(this.#settings)).digest('base64url').slice(0, 27)}"`;
    return [];
  }
}
