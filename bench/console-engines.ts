/**
 * The engines bench/console measures side by side: SQLite in a data folder, and PostgreSQL on a
 * throw-away local cluster (started here, stopped at the end) with fsync and synchronous_commit on,
 * as a production server runs, so the two are compared at the same durability (SQLite:
 * synchronous=FULL). UPWATCH_BENCH_ENGINES=sqlite|postgres|sqlite,postgres picks (default: both
 * when a PostgreSQL server is installed). UPWATCH_BENCH_POSTGRES_URL=postgres://…/postgres uses a
 * server already running instead (neither started nor stopped here), so that a store kept with
 * UPWATCH_BENCH_KEEP (bench/console.ts) outlives the run.
 */
import Database from 'better-sqlite3';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openConsoleDb, openPostgresPool, SQLITE_FILE } from '../console/db/database';
import type { ConsoleOptions } from '../console/server';
import type { FileEvent } from '../src/core/schema/event';
import { databaseFor, startPostgresCluster, type PostgresCluster } from '../test/unit/support/postgres';
import { EVENT_COLUMNS } from './event-rows';

export interface BenchStore {
  /** What buildConsole needs to open this store (every node of it). */
  options: Pick<ConsoleOptions, 'dataDir' | 'databaseUrl'>;
  /** Inserts batches with the plainest statements the engine offers, one transaction per batch: the floor. */
  plainInsert(batches: FileEvent[][], row: (e: FileEvent, receivedAt: number) => unknown[]): Promise<number>;
  /** Runs the GROUP BY baseline statements (named @from / @to). */
  groupBy(statements: readonly string[], from: number, to: number): Promise<void>;
  /** Bytes on disk: the SQLite file and its WAL, or the PostgreSQL database (tables, indexes, TOAST). */
  bytes(): Promise<number>;
  remove(): Promise<void>;
}

export interface BenchEngine {
  name: 'SQLite' | 'PostgreSQL';
  /** Several console processes can share it (PostgreSQL only). */
  shared: boolean;
  /** A store in a new temporary folder, or in `dir` (made if missing; its database is found again by the folder). */
  store(label: string, dir?: string): Promise<BenchStore>;
  close(): Promise<void>;
}

function sqliteEngine(): BenchEngine {
  return {
    name: 'SQLite',
    shared: false,
    async store(label, kept) {
      const dir = kept ?? mkdtempSync(join(tmpdir(), `upwatch-bench-${label}-`));
      mkdirSync(dir, { recursive: true });
      return {
        options: { dataDir: dir },
        async plainInsert(batches, row) {
          await (await openConsoleDb({ dataDir: dir })).close();
          const sqlite = new Database(join(dir, SQLITE_FILE));
          sqlite.pragma('journal_mode = WAL');
          sqlite.pragma('synchronous = FULL');
          const insert = sqlite.prepare(`INSERT INTO events (${EVENT_COLUMNS}) VALUES (${Array(18).fill('?').join(', ')}) ON CONFLICT (id) DO NOTHING`);
          const indicator = sqlite.prepare('INSERT INTO event_indicators (event_seq, indicator, sort_at) VALUES (?, ?, ?)');
          const store = sqlite.transaction((events: FileEvent[], receivedAt: number) => {
            for (const e of events) {
              const values = row(e, receivedAt);
              const { lastInsertRowid } = insert.run(values);
              for (const id of new Set(e.risk.indicators.map((i) => i.id))) indicator.run(lastInsertRowid, id, values[3]);
            }
          });
          const start = performance.now();
          for (const batch of batches) store(batch, Date.now());
          const seconds = (performance.now() - start) / 1000;
          sqlite.close();
          return batches.reduce((n, b) => n + b.length, 0) / seconds;
        },
        async groupBy(statements, from, to) {
          const sqlite = new Database(join(dir, SQLITE_FILE), { readonly: true });
          for (const s of statements) sqlite.prepare(s).all({ from, to });
          sqlite.close();
        },
        bytes: async () => [SQLITE_FILE, `${SQLITE_FILE}-wal`].reduce((n, f) => n + (existsSync(join(dir, f)) ? statSync(join(dir, f)).size : 0), 0),
        remove: async () => rmSync(dir, { recursive: true, force: true }),
      };
    },
    close: async () => undefined,
  };
}

function postgresEngine(cluster: Pick<PostgresCluster, 'url' | 'stop'>): BenchEngine {
  return {
    name: 'PostgreSQL',
    shared: true,
    async store(label, kept) {
      const dir = kept ?? mkdtempSync(join(tmpdir(), `upwatch-bench-${label}-`));
      mkdirSync(dir, { recursive: true });
      const url = await databaseFor(cluster.url, dir);
      return {
        options: { dataDir: dir, databaseUrl: url },
        async plainInsert(batches, row) {
          await (await openConsoleDb({ dataDir: dir, databaseUrl: url })).close();
          const client = new pg.Client({ connectionString: url });
          await client.connect();
          const start = performance.now();
          for (const batch of batches) {
            const receivedAt = Date.now();
            const values = batch.map((e) => row(e, receivedAt));
            await client.query('BEGIN');
            // As the console stores them (migration 0009): an id new in event_ids, then its event.
            const fresh = await client.query<{ id: string }>(
              'INSERT INTO event_ids (id, received_at) SELECT id, $2 FROM unnest($1::text[]) AS t(id) ON CONFLICT (id) DO NOTHING RETURNING id',
              [batch.map((e) => e.id), receivedAt],
            );
            const ids = new Set(fresh.rows.map((r) => r.id));
            const news = values.filter((_, i) => ids.has(batch[i]!.id));
            const newEvents = batch.filter((e) => ids.has(e.id));
            const params = news.flat();
            const tuples = news.map((_, i) => `(${Array.from({ length: 18 }, (_, j) => `$${i * 18 + j + 1}`).join(', ')})`).join(', ');
            const inserted = news.length
              ? await client.query<{ seq: string; sort_at: string }>(`INSERT INTO events (${EVENT_COLUMNS}) VALUES ${tuples} RETURNING seq, sort_at`, params)
              : { rows: [] };
            const indicators = inserted.rows.flatMap((r, i) =>
              [...new Set(newEvents[i]!.risk.indicators.map((x) => x.id))].map((id) => [r.seq, id, r.sort_at]),
            );
            if (indicators.length)
              await client.query(
                `INSERT INTO event_indicators (event_seq, indicator, sort_at, received_at) SELECT *, $4::bigint FROM unnest($1::bigint[], $2::text[], $3::bigint[])`,
                [indicators.map((x) => x[0]), indicators.map((x) => x[1]), indicators.map((x) => x[2]), receivedAt],
              );
            await client.query('COMMIT');
          }
          const seconds = (performance.now() - start) / 1000;
          await client.end();
          return batches.reduce((n, b) => n + b.length, 0) / seconds;
        },
        async groupBy(statements, from, to) {
          const pool = openPostgresPool(url, 1);
          for (const s of statements) await pool.query(s.replaceAll('@from', '$1').replaceAll('@to', '$2'), [from, to]);
          await pool.end();
        },
        async bytes() {
          const pool = openPostgresPool(url, 1);
          const { rows } = await pool.query<{ n: number }>('select pg_database_size(current_database()) as n');
          await pool.end();
          return rows[0]!.n;
        },
        async remove() {
          rmSync(dir, { recursive: true, force: true });
          const client = new pg.Client({ connectionString: cluster.url });
          await client.connect();
          await client.query(`drop database if exists ${new URL(url).pathname.slice(1)} with (force)`);
          await client.end();
        },
      };
    },
    close: () => cluster.stop(),
  };
}

const postgresInstalled = () => existsSync('/usr/lib/postgresql') && readdirSync('/usr/lib/postgresql').length > 0;

export async function benchEngines(): Promise<BenchEngine[]> {
  const wanted = (process.env.UPWATCH_BENCH_ENGINES ?? (postgresInstalled() ? 'sqlite,postgres' : 'sqlite')).split(',').map((s) => s.trim());
  const engines: BenchEngine[] = [];
  if (wanted.includes('sqlite')) engines.push(sqliteEngine());
  const server = process.env.UPWATCH_BENCH_POSTGRES_URL;
  if (wanted.includes('postgres'))
    engines.push(postgresEngine(server ? { url: server, stop: async () => undefined } : await startPostgresCluster({ durable: true })));
  return engines;
}
