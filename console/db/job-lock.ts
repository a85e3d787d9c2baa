/**
 * Background jobs (retention, the notification outbox) run on one console node at a time: on
 * PostgreSQL the run holds a session advisory lock named after the job on a connection of its own,
 * and a node that cannot take it at once skips that run (the holder is doing the work). The lock
 * goes with its connection: a node killed mid-run (kill -9, a lost machine) drops the connection
 * and PostgreSQL releases the lock, so another node takes the next run. SQLite serves one process
 * at a time, whose runs are already queued one after another.
 */
import { sql, type Kysely } from 'kysely';
import type { Engine } from './engine';

export type Exclusive<T> = { ran: true; value: T } | { ran: false };

export async function runExclusive<T>(db: Kysely<unknown>, engine: Engine, job: string, run: () => Promise<T>): Promise<Exclusive<T>> {
  if (engine !== 'postgres') return { ran: true, value: await run() };
  const key = sql`hashtextextended(${`upwatch-job:${job}`}, 0)`;
  return db.connection().execute(async (connection) => {
    const taken = await sql<{ taken: boolean }>`select pg_try_advisory_lock(${key}) as taken`.execute(connection);
    if (!taken.rows[0]?.taken) return { ran: false as const };
    try {
      return { ran: true as const, value: await run() };
    } finally {
      await sql`select pg_advisory_unlock(${key})`.execute(connection);
    }
  });
}
