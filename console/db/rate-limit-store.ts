/**
 * A store for @fastify/rate-limit that counts in the database, so a limit holds across every
 * console node behind a load balancer (each node's memory would allow N times the limit). As the
 * plugin's own store, a key's window starts at its first request and the count starts again once
 * the window has passed: one upsert per request, which the row lock keeps exact when several nodes
 * count at once. Keys idle for two windows are deleted now and then.
 */
import { sql, type Kysely } from 'kysely';
import type { ConsoleDatabase } from './schema';

type Callback = (err: Error | null, result?: { current: number; ttl: number }) => void;

/** Deletes idle keys on about one request in this many. */
const CLEANUP_EVERY = 200;

export function databaseRateLimitStore(db: Kysely<ConsoleDatabase>, now: () => number = Date.now, random: () => number = Math.random) {
  return class DatabaseRateLimitStore {
    incr(key: string, cb: Callback, timeWindow: number): void {
      const at = now();
      const expired = sql<boolean>`rate_limits.window_start + ${timeWindow} <= ${at}`;
      db.insertInto('rate_limits')
        .values({ key, window_start: at, hits: 1 })
        .onConflict((oc) =>
          oc.column('key').doUpdateSet({
            window_start: sql<number>`case when ${expired} then ${at} else rate_limits.window_start end`,
            hits: sql<number>`case when ${expired} then 1 else rate_limits.hits + 1 end`,
          }),
        )
        .returning(['window_start', 'hits'])
        .executeTakeFirstOrThrow()
        .then(async (row) => {
          if (random() * CLEANUP_EVERY < 1)
            await db
              .deleteFrom('rate_limits')
              .where('window_start', '<', at - 2 * timeWindow)
              .execute();
          cb(null, { current: Number(row.hits), ttl: Number(row.window_start) + timeWindow - at });
        })
        .catch((err: unknown) => cb(err instanceof Error ? err : new Error(String(err))));
    }

    child(): DatabaseRateLimitStore {
      return new DatabaseRateLimitStore();
    }
  };
}
