/** The console's event store: one SQLite file under the data folder; idempotent on event id. */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FileEvent } from '../src/core/schema/event';

export interface InsertResult {
  accepted: number;
  duplicates: number;
}

export class EventDb {
  readonly #db: Database.Database;
  readonly #insert: Database.Statement;
  readonly #insertMany: (events: readonly FileEvent[], receivedAt: string) => InsertResult;

  constructor(dataDir: string) {
    mkdirSync(dataDir, { recursive: true });
    this.#db = new Database(join(dataDir, 'upwatch-console.sqlite'));
    this.#db.pragma('journal_mode = WAL');
    this.#db.exec(`
      CREATE TABLE IF NOT EXISTS events (
        id TEXT PRIMARY KEY,
        observed_at TEXT NOT NULL,
        received_at TEXT NOT NULL,
        severity TEXT NOT NULL,
        score INTEGER NOT NULL,
        user_email TEXT,
        body TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS events_observed_at ON events (observed_at);
    `);
    this.#insert = this.#db.prepare(
      `INSERT OR IGNORE INTO events (id, observed_at, received_at, severity, score, user_email, body)
       VALUES (@id, @observedAt, @receivedAt, @severity, @score, @userEmail, @body)`,
    );
    this.#insertMany = this.#db.transaction((events: readonly FileEvent[], receivedAt: string) => {
      let accepted = 0;
      for (const e of events) {
        accepted += this.#insert.run({
          id: e.id,
          observedAt: e.observedAt,
          receivedAt,
          severity: e.risk.severity,
          score: e.risk.score,
          userEmail: e.user.email ?? null,
          body: JSON.stringify(e),
        }).changes;
      }
      return { accepted, duplicates: events.length - accepted };
    });
  }

  insert(events: readonly FileEvent[], receivedAt = new Date().toISOString()): InsertResult {
    return this.#insertMany(events, receivedAt);
  }

  /** Newest first. */
  list(limit: number): FileEvent[] {
    const rows = this.#db
      .prepare('SELECT body FROM events ORDER BY observed_at DESC, rowid DESC LIMIT ?')
      .all(limit) as { body: string }[];
    return rows.map((r) => JSON.parse(r.body) as FileEvent);
  }

  count(): number {
    return (this.#db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n;
  }

  close(): void {
    this.#db.close();
  }
}
