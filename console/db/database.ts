/**
 * Opens the console's database and brings its schema up to date.
 *
 * - SQLite (better-sqlite3) in the data folder is the embedded default: WAL with synchronous=FULL
 *   on every open, so an acknowledged event survives a crash of the process or of the machine.
 * - PostgreSQL (`--database postgres://…` or UPWATCH_DATABASE_URL) for several console nodes on one
 *   database: a pg Pool behind Kysely's PostgresDialect. TLS comes from the URL (`sslmode`,
 *   `sslrootcert`, …, as libpq spells them); the password from the URL given in the environment,
 *   PGPASSWORD or ~/.pgpass, never from a command line.
 */
import Database from 'better-sqlite3';
import { Kysely, PostgresDialect, sql, SqliteDialect } from 'kysely';
import { Migrator, type Migration } from 'kysely/migration';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import type { Engine } from './engine';
import * as m0001 from './migrations/0001-core';
import * as m0002 from './migrations/0002-exposure';
import * as m0003 from './migrations/0003-people-and-alerts';
import * as m0004 from './migrations/0004-accounts-and-sessions';
import * as m0005 from './migrations/0005-notifications';
import * as m0006 from './migrations/0006-postgres-snapshots';
import * as m0007 from './migrations/0007-rate-limits';
import * as m0008 from './migrations/0008-postgres-file-name-trigrams';
import * as m0009 from './migrations/0009-postgres-partitions-and-exposure-deltas';
import { makeMonthsAhead } from './partitions';
import * as m0010 from './migrations/0010-unnamed-upload-hosts';
import * as m0011 from './migrations/0011-browser-health';
import * as m0012 from './migrations/0012-browser-health-last-seen';
import * as m0013 from './migrations/0013-event-outcome-and-trusted-indexes';
import * as m0014 from './migrations/0014-event-score-index';
import type { ConsoleDatabase } from './schema';

type EngineMigration = { up(db: Kysely<unknown>, engine: Engine): Promise<void> };

/** Numbered, applied in order, never edited once released: add a new file instead. */
const MIGRATIONS: Record<string, EngineMigration> = {
  '0001-core': m0001,
  '0002-exposure': m0002,
  '0003-people-and-alerts': m0003,
  '0004-accounts-and-sessions': m0004,
  '0005-notifications': m0005,
  '0006-postgres-snapshots': m0006,
  '0007-rate-limits': m0007,
  '0008-postgres-file-name-trigrams': m0008,
  '0009-postgres-partitions-and-exposure-deltas': m0009,
  '0010-unnamed-upload-hosts': m0010,
  '0011-browser-health': m0011,
  '0012-browser-health-last-seen': m0012,
  '0013-event-outcome-and-trusted-indexes': m0013,
  '0014-event-score-index': m0014,
};

export interface ConsoleDb {
  db: Kysely<ConsoleDatabase>;
  engine: Engine;
  close(): Promise<void>;
}

export const SQLITE_FILE = 'upwatch-console.sqlite';
/** Connections per console node; PostgreSQL's max_connections must cover every node's pool. */
export const DEFAULT_POOL_SIZE = 10;

export function openSqlite(dataDir: string): Database.Database {
  mkdirSync(dataDir, { recursive: true });
  const sqlite = new Database(join(dataDir, SQLITE_FILE));
  // These pragmas are per connection: set them on every open, not only when the file is created.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  return sqlite;
}

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

/**
 * pg answers bigint (int8) and numeric (what sum() of a bigint gives) as strings, since they may
 * exceed 2^53. The console's bigints are millisecond times, sequence numbers and counts, all far
 * below it, and the rest of the console expects numbers as SQLite gives them.
 */
const PG_INT8 = 20;
const PG_NUMERIC = 1700;
const pgTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === PG_INT8 || oid === PG_NUMERIC ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

export function openPostgresPool(url: string, max = DEFAULT_POOL_SIZE): pg.Pool {
  // At least 2: a background job holds one connection for its lock (console/db/job-lock.ts) while
  // its queries use another.
  const pool = new pg.Pool({ connectionString: url, max: Math.max(2, max), types: pgTypes, application_name: 'upwatch-console' });
  // An idle connection the server drops (restart, failover) must not crash the process: the pool
  // discards it and the next query opens a new one.
  pool.on('error', () => undefined);
  return pool;
}

export async function openConsoleDb(options: { dataDir: string; databaseUrl?: string; poolSize?: number }): Promise<ConsoleDb> {
  if (options.databaseUrl) {
    if (!isPostgresUrl(options.databaseUrl)) throw new Error('the database URL must start with postgres:// or postgresql://');
    const pool = openPostgresPool(options.databaseUrl, options.poolSize);
    const db = new Kysely<ConsoleDatabase>({ dialect: new PostgresDialect({ pool }) });
    try {
      // Kysely takes a PostgreSQL advisory lock around the migrations: nodes starting at once wait in turn.
      await migrate(db, 'postgres');
      // The event partitions of this month and the next ones (the retention job keeps them ahead).
      await makeMonthsAhead(db as Kysely<unknown>, Date.now());
      // As SQLite's `optimize` below: fresh statistics let the planner pick the index that serves
      // a filter (ANALYZE samples a bounded number of rows, so it stays cheap on large tables).
      await sql`analyze events`.execute(db);
    } catch (err) {
      await db.destroy();
      throw err;
    }
    return { db, engine: 'postgres', close: () => db.destroy() };
  }
  const sqlite = openSqlite(options.dataDir);
  const db = new Kysely<ConsoleDatabase>({ dialect: new SqliteDialect({ database: sqlite }) });
  await migrate(db, 'sqlite');
  // Fresh statistics let the planner pick the index that serves a filter (cheap on SQLite).
  sqlite.pragma('optimize');
  return { db, engine: 'sqlite', close: () => db.destroy() };
}

/** Applies the migrations, all of them or (tests of a migration) up to and including `upTo`. */
export async function migrate(db: Kysely<ConsoleDatabase>, engine: Engine, upTo?: string): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: {
      getMigrations: async () => Object.fromEntries(Object.entries(MIGRATIONS).map(([name, m]): [string, Migration] => [name, { up: (d) => m.up(d, engine) }])),
    },
  });
  // Two processes opening a new data folder at once (the server and `token create`) race: on
  // SQLite Kysely's migration lock is per connection, so the loser sees the winner's tables half
  // way. The migrations are transactional, so the loser retries and then finds them applied.
  for (let attempt = 1; ; attempt++) {
    const { error, results } = await (upTo ? migrator.migrateTo(upTo) : migrator.migrateToLatest());
    if (!error) return;
    if (attempt < MIGRATION_ATTEMPTS) {
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt + Math.random() * 100));
      continue;
    }
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`database migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

const MIGRATION_ATTEMPTS = 5;
