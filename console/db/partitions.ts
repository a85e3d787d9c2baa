/**
 * PostgreSQL only (migration 0009): `events` and `event_indicators` are partitioned by receipt
 * time (`received_at`, the time retention ages by), one partition per UTC month, so retention
 * drops a month of events as a table instead of deleting its rows one by one. A partition is named
 * after its month (`events_p202611`, `event_indicators_p202611`) and covers [month start, next
 * month start) in milliseconds.
 *
 * Partitions are made ahead of need: at start, and by the retention job (under its job lock) for
 * this month and the next ones. An ingest whose receipt month has none yet (a clock far ahead, a
 * test's clock in the past) makes its own first, so no event is ever refused for want of one.
 */
import { sql, type Kysely, type Transaction } from 'kysely';

/** Months made ahead of the current one. */
export const MONTHS_AHEAD = 2;

/** The start (ms, UTC) of the month `ms` falls in, moved by `add` months. */
export function monthStart(ms: number, add = 0): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + add, 1);
}

export function monthSuffix(start: number): string {
  const d = new Date(start);
  return `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

export interface MonthPartition {
  /** Month start, inclusive. */
  from: number;
  /** Next month's start, exclusive. */
  to: number;
  events: string;
  indicators: string;
}

export function partitionOf(ms: number): MonthPartition {
  const from = monthStart(ms);
  const suffix = monthSuffix(from);
  return { from, to: monthStart(from, 1), events: `events_p${suffix}`, indicators: `event_indicators_p${suffix}` };
}

type AnyDb = Kysely<unknown> | Transaction<unknown>;

/**
 * Creates the partitions of the months from `fromMs` to `toMs` (both included) that do not exist.
 * Nodes starting at once take turns on a transaction lock, so two never create the same one.
 * `parents` names the partitioned tables (migration 0009 creates them under other names first).
 */
export async function ensureMonthPartitions(
  db: AnyDb,
  fromMs: number,
  toMs: number,
  parents: { events: string; indicators: string } = { events: 'events', indicators: 'event_indicators' },
): Promise<void> {
  const months: MonthPartition[] = [];
  for (let start = monthStart(fromMs); start <= toMs; start = monthStart(start, 1)) months.push(partitionOf(start));
  const run = async (trx: AnyDb) => {
    await sql`select pg_advisory_xact_lock(hashtextextended('upwatch-partitions', 0))`.execute(trx);
    for (const p of months) {
      await sql`create table if not exists ${sql.table(p.events)} partition of ${sql.table(parents.events)} for values from (${sql.lit(p.from)}) to (${sql.lit(p.to)})`.execute(
        trx,
      );
      await sql`create table if not exists ${sql.table(p.indicators)} partition of ${sql.table(parents.indicators)} for values from (${sql.lit(p.from)}) to (${sql.lit(p.to)})`.execute(
        trx,
      );
    }
  };
  if (db.isTransaction) await run(db);
  else await (db as Kysely<unknown>).transaction().execute(run);
}

/** How long making or dropping a partition waits for the readers of the events table. */
export const PARTITION_LOCK_TIMEOUT = '2s';

export const isLockTimeout = (err: unknown) => err instanceof Error && /lock timeout/.test(err.message);

/**
 * This month's partitions and the next MONTHS_AHEAD months'. Making one takes the events table's
 * lock, which waits for its readers (a long export) while ingest queues behind: when busy for
 * PARTITION_LOCK_TIMEOUT it gives up, and the next run makes it (an ingest that needs it first
 * makes its own).
 */
export async function makeMonthsAhead(db: Kysely<unknown>, now: number): Promise<void> {
  await db
    .transaction()
    .execute(async (trx) => {
      await sql`set local lock_timeout = ${sql.lit(PARTITION_LOCK_TIMEOUT)}`.execute(trx);
      await ensureMonthPartitions(trx, now, monthStart(now, MONTHS_AHEAD));
    })
    .catch((err: unknown) => {
      if (!isLockTimeout(err)) throw err;
    });
}

/** The monthly partitions of `events` there are, oldest first. */
export async function listMonthPartitions(db: AnyDb): Promise<MonthPartition[]> {
  const { rows } = await sql<{ name: string }>`select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
      where i.inhparent = 'events'::regclass`.execute(db);
  return rows
    .map((r) => /^events_p(\d{4})(\d{2})$/.exec(r.name))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => partitionOf(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1)))
    .sort((a, b) => a.from - b.from);
}

/** Whether an error is PostgreSQL refusing a row that no partition takes. */
export function isNoPartitionError(err: unknown): boolean {
  return err instanceof Error && /no partition of relation/.test(err.message);
}
