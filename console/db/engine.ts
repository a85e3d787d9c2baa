/** What differs between the two engines, in one place (the rest of the console speaks Kysely). */
import { PostgresAdapter, sql, type CreateTableBuilder, type QueryExecutorProvider } from 'kysely';

export type Engine = 'sqlite' | 'postgres';

/** An integer key that counts up with each insert: INTEGER PRIMARY KEY on SQLite, identity on PostgreSQL. */
export function autoIncrementKey<T extends string>(table: CreateTableBuilder<T>, column: string, engine: Engine): CreateTableBuilder<T> {
  return engine === 'sqlite'
    ? table.addColumn(column, 'integer', (c) => c.primaryKey().autoIncrement())
    : table.addColumn(column, 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity());
}

/** The engine behind a Kysely instance or transaction (for code that is handed only a transaction). */
export function engineOf(db: QueryExecutorProvider): Engine {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

/**
 * Transaction-scoped locks on names (PostgreSQL advisory locks, released at commit or rollback),
 * taken in sorted order so two transactions wanting overlapping sets never deadlock. SQLite has
 * one writer at a time, so there is nothing to take.
 */
export async function lockNames(trx: QueryExecutorProvider, names: readonly string[]): Promise<void> {
  if (engineOf(trx) !== 'postgres' || !names.length) return;
  const sorted = [...new Set(names)].sort();
  for (let i = 0; i < sorted.length; i += 500) {
    const part = sorted.slice(i, i + 500);
    // One statement for the lot; ORDER BY keeps the sorted order in which they are taken.
    await sql`select pg_advisory_xact_lock(hashtextextended(n, 0)) from unnest(${part}::text[]) with ordinality as t(n, i) order by i`.execute(trx);
  }
}
