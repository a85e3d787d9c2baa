/**
 * `npx tsx bench/console-partitions.ts`: the events table on PostgreSQL partitioned by receipt
 * month (migration 0009) beside the unpartitioned layout of migration 0008, in the same run, on a
 * throw-away local cluster with fsync and synchronous_commit on.
 *
 * 1. Ingest, the layout's statements alone: concurrent senders, one transaction per batch (0008:
 *    INSERT … ON CONFLICT (id) DO NOTHING into events; 0009: the id into event_ids, then the event
 *    into its month's partition), with the indicator rows.
 * 2. Ingest through the console's EventStore on 0009 with the exposure aggregates (deltas folded
 *    after each commit), every sender storing the same person's events (the hot exposure rows).
 * 3. Retention of one month of events: DELETE in transactions of 500 (the job before 0009, the
 *    only way on 0008) against dropping the month's partitions (console/retention/partitions.ts).
 * 4. Browsers per node, from (2) and a stated number of events per browser per day.
 *
 * Sizes: UPWATCH_BENCH_INGEST_EVENTS (default 40,000), UPWATCH_BENCH_MONTH_EVENTS (200,000),
 * UPWATCH_BENCH_SENDERS (8), UPWATCH_BENCH_EVENTS_PER_BROWSER_DAY (20).
 */
import { Kysely, PostgresDialect, sql } from 'kysely';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { migrate, openPostgresPool } from '../console/db/database';
import { ensureMonthPartitions } from '../console/db/partitions';
import type { ConsoleDatabase } from '../console/db/schema';
import { installExposureAggregates } from '../console/events/exposure';
import { EventStore } from '../console/events/store';
import { dropExpiredMonths } from '../console/retention/partitions';
import type { FileEvent } from '../src/core/schema/event';
import { databaseFor, startPostgresCluster } from '../test/unit/support/postgres';
import { makeWorkload } from './console-data';
import { EVENT_COLUMNS, eventRow } from './event-rows';
import { fmt, printResult } from './lib';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const INGEST_EVENTS = env('UPWATCH_BENCH_INGEST_EVENTS', 40_000);
const MONTH_EVENTS = env('UPWATCH_BENCH_MONTH_EVENTS', 200_000);
const SENDERS = env('UPWATCH_BENCH_SENDERS', 8);
const BATCH = 50;
/**
 * Not measured: the demo and the e2e sites are scripted sessions (the demo stores 8 events in two
 * seconds), not a working day. docs/scaling.md's stated assumption: 20 uploads a working day.
 */
const EVENTS_PER_BROWSER_DAY = env('UPWATCH_BENCH_EVENTS_PER_BROWSER_DAY', 20);
/** The busiest hour carries 3 × the mean rate of an 8-hour working day (docs/scaling.md). */
const PEAK_FACTOR = 3;
const MONTH = Date.parse('2025-01-01T00:00:00Z');
const MONTH_END = Date.parse('2025-02-01T00:00:00Z');

type Layout = 'unpartitioned (0008)' | 'partitioned (0009)';

/** One batch in one transaction, with the statements of the layout. */
async function storeBatch(client: pg.PoolClient, layout: Layout, batch: FileEvent[]): Promise<void> {
  const receivedAt = Date.now();
  let events = batch;
  await client.query('BEGIN');
  if (layout === 'partitioned (0009)') {
    const fresh = await client.query<{ id: string }>(
      'INSERT INTO event_ids (id, received_at) SELECT id, $2 FROM unnest($1::text[]) AS t(id) ON CONFLICT (id) DO NOTHING RETURNING id',
      [batch.map((e) => e.id), receivedAt],
    );
    const ids = new Set(fresh.rows.map((r) => r.id));
    events = batch.filter((e) => ids.has(e.id));
  }
  if (events.length) {
    const values = events.map((e) => eventRow(e, receivedAt));
    const tuples = values.map((_, i) => `(${Array.from({ length: 18 }, (_, j) => `$${i * 18 + j + 1}`).join(', ')})`).join(', ');
    const conflict = layout === 'unpartitioned (0008)' ? 'ON CONFLICT (id) DO NOTHING' : '';
    const inserted = await client.query<{ seq: string; sort_at: string; id: string }>(
      `INSERT INTO events (${EVENT_COLUMNS}) VALUES ${tuples} ${conflict} RETURNING seq, sort_at, id`,
      values.flat(),
    );
    const byId = new Map(events.map((e) => [e.id, e]));
    const ind = inserted.rows.flatMap((r) => [...new Set(byId.get(r.id)!.risk.indicators.map((x) => x.id))].map((id) => [r.seq, id, r.sort_at]));
    if (ind.length) {
      const [columns, extra] = layout === 'partitioned (0009)' ? [', received_at', ', $4::bigint'] : ['', ''];
      await client.query(
        `INSERT INTO event_indicators (event_seq, indicator, sort_at${columns}) SELECT *${extra} FROM unnest($1::bigint[], $2::text[], $3::bigint[])`,
        [ind.map((x) => x[0]), ind.map((x) => x[1]), ind.map((x) => x[2]), ...(extra ? [receivedAt] : [])],
      );
    }
  }
  await client.query('COMMIT');
}

/** `senders` at once, each taking the next batch until none is left; answers events/s. */
async function concurrently(batches: FileEvent[][], senders: number, store: (batch: FileEvent[]) => Promise<void>): Promise<number> {
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: senders }, async () => {
      for (let i = next++; i < batches.length; i = next++) await store(batches[i]!);
    }),
  );
  return batches.reduce((n, b) => n + b.length, 0) / ((performance.now() - start) / 1000);
}

/** A month of events (one indicator each, the same 1.6 KB body) written by the server itself. */
async function seedMonth(db: Kysely<ConsoleDatabase>, layout: Layout, body: string): Promise<void> {
  const span = MONTH_END - MONTH - 1;
  await sql`insert into events (${sql.raw(EVENT_COLUMNS)})
      select 'month-' || g, t, t, t, 'user' || (g % 2000) || '@acme.example', 40, 2, 'cloud_storage', 'dropbox', 'www.dropbox.com',
        'document', 'file-' || g || '.pdf', 'pdf', 'file_picker', 0, null, '10.0.0.1', ${body}
      from generate_series(1, ${MONTH_EVENTS}::bigint) g, lateral (select ${MONTH}::bigint + g * ${span}::bigint / ${MONTH_EVENTS}::bigint as t) x`.execute(db);
  const partitioned = layout === 'partitioned (0009)';
  await sql`insert into event_indicators (event_seq, indicator, sort_at${sql.raw(partitioned ? ', received_at' : '')})
      select seq, 'cloud_storage', sort_at${sql.raw(partitioned ? ', received_at' : '')} from events where received_at < ${MONTH_END}`.execute(db);
  if (partitioned) await sql`insert into event_ids (id, received_at) select id, received_at from events where received_at < ${MONTH_END}`.execute(db);
  await sql`analyze`.execute(db);
}

/** The retention job's statements before 0009: 500 events a transaction, with their indicators and alert links. */
async function deleteRows(db: Kysely<ConsoleDatabase>, cutoff: number): Promise<number> {
  let deleted = 0;
  for (;;) {
    const n = await db.transaction().execute(async (trx) => {
      const rows = await trx.selectFrom('events').select('seq').where('received_at', '<', cutoff).orderBy('received_at').orderBy('seq').limit(500).execute();
      const seqs = rows.map((r) => r.seq);
      if (seqs.length) {
        await trx.deleteFrom('event_indicators').where('event_seq', 'in', seqs).execute();
        await trx.deleteFrom('alert_events').where('event_seq', 'in', seqs).execute();
        await trx.deleteFrom('events').where('seq', 'in', seqs).execute();
      }
      return seqs.length;
    });
    deleted += n;
    if (n < 500) return deleted;
  }
}

/** The batches again under ids of their own (`round` keeps each pass's events new), optionally all of one person. */
const renamed = (batches: FileEvent[][], round: number, email?: string) =>
  batches.map((b, i) =>
    b.map((e, j) => ({ ...e, id: `${e.id.slice(0, 24)}${String(round * 100_000_000 + i * BATCH + j).padStart(12, '0')}`, ...(email && { user: { email } }) })),
  );

export async function run(): Promise<void> {
  const cluster = await startPostgresCluster({ durable: true });
  const dirs: string[] = [];
  const layouts = ['unpartitioned (0008)', 'partitioned (0009)'] as const;
  const dbs = new Map<Layout, { db: Kysely<ConsoleDatabase>; pool: pg.Pool }>();
  try {
    const workload = makeWorkload(INGEST_EVENTS);
    await workload.ready;
    const batches = Array.from({ length: Math.ceil(INGEST_EVENTS / BATCH) }, (_, i) => workload.batch(i * BATCH, BATCH).events);
    const body = JSON.stringify(batches[0]![0]);
    const rows: [string, string][] = [];
    const load = () => `load ${fmt(loadavg()[0]!, 1)}`;
    for (const layout of layouts) {
      const dir = mkdtempSync(join(tmpdir(), 'upwatch-bench-partitions-'));
      dirs.push(dir);
      const pool = openPostgresPool(await databaseFor(cluster.url, dir), SENDERS + 2);
      const db = new Kysely<ConsoleDatabase>({ dialect: new PostgresDialect({ pool }) });
      await migrate(db, 'postgres', layout === 'partitioned (0009)' ? undefined : '0008-postgres-file-name-trigrams');
      if (layout === 'partitioned (0009)') {
        // The month retention drops, and this one (where ingest writes), as the console keeps them.
        await ensureMonthPartitions(db as Kysely<unknown>, MONTH, MONTH);
        await ensureMonthPartitions(db as Kysely<unknown>, Date.now(), Date.now());
      }
      dbs.set(layout, { db, pool });
    }

    // Two rounds, the layouts taking turns, so a change in the machine's load falls on both.
    for (const round of [1, 2]) {
      for (const layout of layouts) {
        const { pool } = dbs.get(layout)!;
        const rate = await concurrently(renamed(batches, round), SENDERS, async (batch) => {
          const client = await pool.connect();
          try {
            await storeBatch(client, layout, batch);
          } finally {
            client.release();
          }
        });
        rows.push([`ingest, ${layout}, layout's statements, round ${round}`, `${fmt(rate)} events/s (${load()})`]);
      }
    }

    // The console's own ingest on 0009 (EventStore, exposure deltas folded after each commit).
    const { db } = dbs.get('partitioned (0009)')!;
    const store = new EventStore(db);
    installExposureAggregates({ events: store });
    const context = () => ({ credentialId: 'bench', clientIp: '10.0.0.1', receivedAt: Date.now() });
    const spread = await concurrently(renamed(batches, 3), SENDERS, (batch) => store.ingest(batch, context()).then(() => undefined));
    rows.push([`ingest, EventStore + exposure, 2,000 people`, `${fmt(spread)} events/s (${load()})`]);
    const hot = await concurrently(renamed(batches, 4, 'hot@acme.example'), SENDERS, (batch) => store.ingest(batch, context()).then(() => undefined));
    rows.push([`ingest, EventStore + exposure, every batch one person's`, `${fmt(hot)} events/s (${load()})`]);

    for (const layout of layouts) {
      const { db } = dbs.get(layout)!;
      await seedMonth(db, layout, body);
      const start = performance.now();
      const deleted = layout === 'partitioned (0009)' ? (await dropExpiredMonths(db, MONTH_END, () => false)).dropped : await deleteRows(db, MONTH_END);
      const seconds = (performance.now() - start) / 1000;
      const how = layout === 'partitioned (0009)' ? 'partition dropped' : 'DELETE, 500 a transaction';
      rows.push([`retention of one month, ${layout}`, `${fmt(deleted)} events in ${fmt(seconds, 2)} s, ${how} (${load()})`]);
    }

    // The upgrade: migration 0009 moving a database's events into partitions.
    const old = dbs.get('unpartitioned (0008)')!.db;
    await seedMonth(old, 'unpartitioned (0008)', body);
    const { rows: count } = await sql<{ n: number }>`select count(*) as n from events`.execute(old);
    const started = performance.now();
    await migrate(old, 'postgres');
    rows.push([`migration 0009 (upgrade)`, `${fmt(count[0]!.n)} events in ${fmt((performance.now() - started) / 1000, 1)} s (${load()})`]);

    const peakPerBrowser = (EVENTS_PER_BROWSER_DAY * PEAK_FACTOR) / (8 * 3600);
    rows.push([
      'browsers per node (ingest only)',
      `${fmt(Math.min(spread, hot) / peakPerBrowser)} at ${EVENTS_PER_BROWSER_DAY} events/browser/day (assumed, not measured), busiest hour ${PEAK_FACTOR} × an 8-hour day's mean`,
    ]);
    printResult(
      `Console on PostgreSQL: events by month (${fmt(INGEST_EVENTS)} events a pass, ${SENDERS} senders × ${BATCH}; ${fmt(MONTH_EVENTS)} in the month)`,
      rows,
      [],
    );
  } finally {
    for (const { db } of dbs.values()) await db.destroy();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    await cluster.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
