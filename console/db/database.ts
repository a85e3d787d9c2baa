/**
 * Opens the console's database and brings its schema up to date. SQLite (better-sqlite3) in the
 * data folder is the embedded default: WAL with synchronous=FULL on every open, so an acknowledged
 * event survives a crash of the process or of the machine.
 */
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { Migrator, type Migration } from 'kysely/migration';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Engine } from './engine';
import * as m0001 from './migrations/0001-core';
import * as m0002 from './migrations/0002-exposure';
import * as m0003 from './migrations/0003-people-and-alerts';
import * as m0004 from './migrations/0004-accounts-and-sessions';
import * as m0005 from './migrations/0005-notifications';
import type { ConsoleDatabase } from './schema';

type EngineMigration = { up(db: Kysely<unknown>, engine: Engine): Promise<void> };

/** Numbered, applied in order, never edited once released: add a new file instead. */
const MIGRATIONS: Record<string, EngineMigration> = {
  '0001-core': m0001,
  '0002-exposure': m0002,
  '0003-people-and-alerts': m0003,
  '0004-accounts-and-sessions': m0004,
  '0005-notifications': m0005,
};

export interface ConsoleDb {
  db: Kysely<ConsoleDatabase>;
  engine: Engine;
  close(): Promise<void>;
}

export const SQLITE_FILE = 'upwatch-console.sqlite';

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

export async function openConsoleDb(options: { dataDir: string }): Promise<ConsoleDb> {
  const sqlite = openSqlite(options.dataDir);
  const db = new Kysely<ConsoleDatabase>({ dialect: new SqliteDialect({ database: sqlite }) });
  await migrate(db, 'sqlite');
  // Fresh statistics let the planner pick the index that serves a filter (cheap on SQLite).
  sqlite.pragma('optimize');
  return { db, engine: 'sqlite', close: () => db.destroy() };
}

export async function migrate(db: Kysely<ConsoleDatabase>, engine: Engine): Promise<void> {
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
    const { error, results } = await migrator.migrateToLatest();
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
