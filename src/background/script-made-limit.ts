/**
 * Script-made events (no trusted DOM event behind them: synthetic drops and pastes, files sent by
 * script, anything through the page hooks) are rate-limited per tab, so a page cannot drown a
 * person's real uploads in made-up ones (issue 13). A token bucket per tab counts user actions:
 * every message of an admitted action is admitted. Held in memory: a worker restart refills the
 * buckets, which is the generous direction.
 */
export interface ScriptMadeLimitOptions {
  /** Actions a tab may make at once. */
  burst: number;
  /** Actions a tab regains per minute. */
  perMinute: number;
}

export const SCRIPT_MADE_LIMIT: ScriptMadeLimitOptions = { burst: 20, perMinute: 20 };

const REMEMBERED_ACTIONS = 1_000;
const REMEMBERED_TABS = 500;

export function createScriptMadeLimit(options: ScriptMadeLimitOptions = SCRIPT_MADE_LIMIT) {
  const buckets = new Map<number, { tokens: number; at: number }>();
  const admitted = new Set<string>();
  return {
    /** Whether this action may become events; false means dropped (and counted by the caller). */
    admit(tabId: number | undefined, actionId: string, now: number): boolean {
      if (admitted.has(actionId)) return true;
      const key = tabId ?? -1;
      const bucket = buckets.get(key) ?? { tokens: options.burst, at: now };
      bucket.tokens = Math.min(options.burst, bucket.tokens + ((now - bucket.at) / 60_000) * options.perMinute);
      bucket.at = now;
      buckets.delete(key);
      buckets.set(key, bucket);
      if (buckets.size > REMEMBERED_TABS) buckets.delete(buckets.keys().next().value!);
      if (bucket.tokens < 1) return false;
      bucket.tokens -= 1;
      admitted.add(actionId);
      if (admitted.size > REMEMBERED_ACTIONS) admitted.delete(admitted.values().next().value!);
      return true;
    },
  };
}
export type ScriptMadeLimit = ReturnType<typeof createScriptMadeLimit>;
