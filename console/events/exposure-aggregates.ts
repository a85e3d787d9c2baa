/**
 * The risk exposure aggregates (migration 0002), kept up to date at ingest by an IngestHook in the
 * ingest transaction, and pruned with the events by the retention job. Buckets are by sort_at (the
 * observed time clamped to receipt + skew), floored to the UTC hour, day or week (weeks start on
 * Monday). Every table's key leads with its time bucket, so one batch's rows land on a few pages;
 * weekly rows let a long range sum a few rows per user instead of one per user and day.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import { engineOf } from '../db/engine';
import type { ConsoleDatabase } from '../db/schema';
import type { ConsoleServices } from '../services';
import { storableText } from '../http/text';
import { severityRank, userColumn, type StoredEvent } from './store';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
export const WEEK_MS = 7 * DAY_MS;
/** 1970-01-01 was a Thursday: weeks start 4 days after the epoch (a Monday). */
export const WEEK_OFFSET_MS = 4 * DAY_MS;
/** Rows per upsert statement: at most 7 columns each, well inside both engines' parameter limits. */
const ROWS_PER_STATEMENT = 500;

export const floorTo = (ms: number, size: number, offset = 0) => Math.floor((ms - offset) / size) * size + offset;
export const weekOf = (ms: number) => floorTo(ms, WEEK_MS, WEEK_OFFSET_MS);

/** The aggregate tables, addressed by name (they share their shape: a key, then sums). */
type LooseDb = Kysely<Record<string, Record<string, string | number>>>;

interface Spec {
  table: keyof ConsoleDatabase & `exposure_${string}`;
  key: readonly string[];
  /** Whether the table keeps the highest severity rank of its events. */
  max: boolean;
}

const HOURLY: Spec = { table: 'exposure_hourly', key: ['hour', 'severity_rank'], max: false };
const USER_DAILY: Spec = { table: 'exposure_user_daily', key: ['day', 'user_email'], max: true };
const USER_WEEKLY: Spec = { table: 'exposure_user_weekly', key: ['week', 'user_email'], max: true };
const DESTINATION_DAILY: Spec = { table: 'exposure_destination_daily', key: ['day', 'kind', 'destination', 'category'], max: true };
const DESTINATION_WEEKLY: Spec = { table: 'exposure_destination_weekly', key: ['week', 'kind', 'destination', 'category'], max: true };
const INDICATOR_DAILY: Spec = { table: 'exposure_indicator_daily', key: ['day', 'indicator'], max: false };

class Sums {
  readonly rows = new Map<string, { key: (string | number)[]; events: number; score: number; rank: number }>();
  constructor(readonly spec: Spec) {}
  add(key: (string | number)[], score: number, rank: number): void {
    const k = key.join('\u0000');
    const row = this.rows.get(k);
    if (!row) this.rows.set(k, { key, events: 1, score, rank });
    else {
      row.events++;
      row.score += score;
      row.rank = Math.max(row.rank, rank);
    }
  }
}

async function upsert(trx: Transaction<ConsoleDatabase>, sums: Sums): Promise<void> {
  const { table, key, max } = sums.spec;
  const plus = (column: string) => sql<number>`${sql.ref(`${table}.${column}`)} + ${sql.ref(`excluded.${column}`)}`;
  // CASE rather than max()/greatest(): the one spelling both engines share.
  const greater = (column: string) =>
    sql<number>`case when ${sql.ref(`excluded.${column}`)} > ${sql.ref(`${table}.${column}`)} then ${sql.ref(`excluded.${column}`)} else ${sql.ref(`${table}.${column}`)} end`;
  const update: Record<string, ReturnType<typeof plus>> = { events: plus('events') };
  if (table !== 'exposure_hourly') update.score_sum = plus('score_sum');
  if (max) update.max_severity_rank = greater('max_severity_rank');
  // In key order: rows of one page go in together (and on PostgreSQL, where they are deltas that
  // no other transaction waits for, the fold below sums them).
  const sorted = [...sums.rows.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, r]) => r);
  const rows = sorted.map((r) => ({
    ...Object.fromEntries(key.map((column, i) => [column, r.key[i]!])),
    events: r.events,
    ...(table !== 'exposure_hourly' && { score_sum: r.score }),
    ...(max && { max_severity_rank: r.rank }),
  }));
  const loose = trx as unknown as LooseDb;
  // PostgreSQL: appended to the table's deltas, which no other transaction locks (see foldExposure).
  const delta = engineOf(trx) === 'postgres';
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    if (delta) {
      await loose
        .insertInto(`${table}_delta`)
        .values(rows.slice(i, i + ROWS_PER_STATEMENT))
        .execute();
      continue;
    }
    await loose
      .insertInto(table)
      .values(rows.slice(i, i + ROWS_PER_STATEMENT))
      .onConflict((oc) => oc.columns([...key]).doUpdateSet(update))
      .execute();
  }
}

/** The IngestHook: adds the batch's new events to the aggregates (summed per key first, then upserted). */
export async function addToExposure(trx: Transaction<ConsoleDatabase>, stored: readonly StoredEvent[]): Promise<void> {
  if (!stored.length) return;
  const hourly = new Sums(HOURLY);
  const sums = [USER_DAILY, USER_WEEKLY, DESTINATION_DAILY, DESTINATION_WEEKLY, INDICATOR_DAILY].map((spec) => new Sums(spec));
  const [userDaily, userWeekly, destinationDaily, destinationWeekly, indicatorDaily] = sums as [Sums, Sums, Sums, Sums, Sums];
  for (const { sortAt, event } of stored) {
    const rank = severityRank(event.risk.severity);
    const score = event.risk.score;
    const day = floorTo(sortAt, DAY_MS);
    const week = weekOf(sortAt);
    hourly.add([floorTo(sortAt, HOUR_MS), rank], score, rank);
    // The same normalisation as the events' search columns (console/events/store.ts).
    const user = userColumn(event.user.email) ?? '';
    userDaily.add([day, user], score, rank);
    userWeekly.add([week, user], score, rank);
    const service = event.destination.serviceId;
    const destination = [service ? 'service' : 'host', storableText(service ?? event.destination.host.toLowerCase()), event.destination.category];
    destinationDaily.add([day, ...destination], score, rank);
    destinationWeekly.add([week, ...destination], score, rank);
    for (const indicator of new Set(event.risk.indicators.map((i) => storableText(i.id)))) indicatorDaily.add([day, indicator], score, rank);
  }
  for (const s of [hourly, ...sums]) await upsert(trx, s);
}

const SPECS = [HOURLY, USER_DAILY, USER_WEEKLY, DESTINATION_DAILY, DESTINATION_WEEKLY, INDICATOR_DAILY];
const FOLD_LOCK = sql`hashtextextended('upwatch-exposure-fold', 0)`;

/**
 * PostgreSQL: moves the deltas ingest appended into the aggregates, each table in one statement
 * (the rows it deletes are the rows it adds, so a delta is counted once whether a reader sees it
 * before or after). One fold at a time across the nodes (a transaction lock).
 */
export async function foldExposure(trx: Transaction<ConsoleDatabase>): Promise<void> {
  await sql`select pg_advisory_xact_lock(${FOLD_LOCK})`.execute(trx);
  for (const { table, key, max } of SPECS) {
    const sums = table === 'exposure_hourly' ? ['events'] : ['events', 'score_sum'];
    const columns = [...key, ...sums, ...(max ? ['max_severity_rank'] : [])];
    const keys = sql.join(key.map((k) => sql.ref(k)));
    const selected = sql.join([keys, ...sums.map((c) => sql`sum(${sql.ref(c)})`), ...(max ? [sql`max(max_severity_rank)`] : [])]);
    const updates = sql.join([
      ...sums.map((c) => sql`${sql.ref(c)} = ${sql.table(table)}.${sql.ref(c)} + excluded.${sql.ref(c)}`),
      ...(max ? [sql`max_severity_rank = greatest(${sql.table(table)}.max_severity_rank, excluded.max_severity_rank)`] : []),
    ]);
    // Readers are not blocked (MVCC); the only other writer of these rows, retention's prune,
    // takes the same lock.
    await sql`with d as (delete from ${sql.table(`${table}_delta`)} returning *)
        insert into ${sql.table(table)} (${sql.join(columns.map((c) => sql.ref(c)))})
        select ${selected} from d group by ${keys} order by ${keys}
        on conflict (${keys}) do update set ${updates}`.execute(trx);
  }
}

/**
 * After an ingest commits, a fold that starts after the commit, so the answer to a sender comes
 * with its events in the aggregates. Folds of one node are grouped: an ingest that commits while
 * a fold runs waits for the next one, which folds every delta committed by then (a few folds per
 * node at a time, not one per request). The events are stored either way: a fold that fails
 * leaves its deltas to the next one, and the exposure answer reads them meanwhile.
 */
class Folder {
  #running: Promise<void> | undefined;
  #next: Promise<void> | undefined;
  constructor(private readonly db: Kysely<ConsoleDatabase>) {}

  request(): Promise<void> {
    if (!this.#running) {
      const run = this.db
        .transaction()
        .execute((trx) => foldExposure(trx))
        .then(
          () => undefined,
          () => undefined,
        );
      this.#running = run.finally(() => (this.#running = undefined));
      return this.#running;
    }
    this.#next ??= this.#running.then(() => {
      this.#next = undefined;
      return this.request();
    });
    return this.#next;
  }
}

const folders = new WeakMap<Kysely<ConsoleDatabase>, Folder>();
async function foldAfterIngest(db: Kysely<ConsoleDatabase>): Promise<void> {
  if (engineOf(db) !== 'postgres') return;
  let folder = folders.get(db);
  if (!folder) folders.set(db, (folder = new Folder(db)));
  await folder.request();
}

/** Keeps the exposure aggregates up to date from now on: call once when the console starts. */
export function installExposureAggregates(services: Pick<ConsoleServices, 'events'>): void {
  services.events.addIngestHook(addToExposure);
  services.events.addCommittedHook(foldAfterIngest);
}

/**
 * For the retention job: deletes the aggregate rows whose hour, day or week ended at or before
 * `cutoffMs` (a bucket that is partly younger stays), except the per-user rows of users on legal
 * hold. The weekly rows of the week the cutoff falls in are summed again from the daily rows that
 * remain, so a range answered from weeks and one answered from days still agree. Run it in the
 * transaction that deletes the events.
 */
export async function pruneExposureBefore(trx: Transaction<ConsoleDatabase>, cutoffMs: number, keepUsers: readonly string[]): Promise<void> {
  // What ingest appended is in the aggregates before they are pruned and the weeks summed again.
  if (engineOf(trx) === 'postgres') await foldExposure(trx);
  const keep = [...new Set(keepUsers.map((u) => u.toLowerCase()))];
  const lastDay = cutoffMs - DAY_MS;
  const lastWeek = cutoffMs - WEEK_MS;
  await trx
    .deleteFrom('exposure_hourly')
    .where('hour', '<=', cutoffMs - HOUR_MS)
    .execute();
  let users = trx.deleteFrom('exposure_user_daily').where('day', '<=', lastDay);
  if (keep.length) users = users.where('user_email', 'not in', keep);
  await users.execute();
  let weeklyUsers = trx.deleteFrom('exposure_user_weekly').where('week', '<=', lastWeek);
  if (keep.length) weeklyUsers = weeklyUsers.where('user_email', 'not in', keep);
  await weeklyUsers.execute();
  await trx.deleteFrom('exposure_destination_daily').where('day', '<=', lastDay).execute();
  await trx.deleteFrom('exposure_destination_weekly').where('week', '<=', lastWeek).execute();
  await trx.deleteFrom('exposure_indicator_daily').where('day', '<=', lastDay).execute();

  const week = weekOf(cutoffMs);
  if (lastDay < week) return; // no day of the cutoff's week was pruned
  await trx.deleteFrom('exposure_user_weekly').where('week', '=', week).execute();
  await trx
    .insertInto('exposure_user_weekly')
    .columns(['week', 'user_email', 'events', 'score_sum', 'max_severity_rank'])
    .expression((eb) =>
      eb
        .selectFrom('exposure_user_daily')
        .select((d) => [
          d.lit(week).as('week'),
          'user_email',
          d.fn.sum<number>('events').as('events'),
          d.fn.sum<number>('score_sum').as('score_sum'),
          d.fn.max('max_severity_rank').as('max_severity_rank'),
        ])
        .where('day', '>=', week)
        .where('day', '<', week + WEEK_MS)
        .groupBy('user_email'),
    )
    .execute();
  await trx.deleteFrom('exposure_destination_weekly').where('week', '=', week).execute();
  await trx
    .insertInto('exposure_destination_weekly')
    .columns(['week', 'kind', 'destination', 'category', 'events', 'score_sum', 'max_severity_rank'])
    .expression((eb) =>
      eb
        .selectFrom('exposure_destination_daily')
        .select((d) => [
          d.lit(week).as('week'),
          'kind',
          'destination',
          'category',
          d.fn.sum<number>('events').as('events'),
          d.fn.sum<number>('score_sum').as('score_sum'),
          d.fn.max('max_severity_rank').as('max_severity_rank'),
        ])
        .where('day', '>=', week)
        .where('day', '<', week + WEEK_MS)
        .groupBy(['kind', 'destination', 'category']),
    )
    .execute();
}
