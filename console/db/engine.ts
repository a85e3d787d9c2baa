/** What differs between the two engines, in one place (the rest of the console speaks Kysely). */
import type { CreateTableBuilder } from 'kysely';

export type Engine = 'sqlite' | 'postgres';

/** An integer key that counts up with each insert: INTEGER PRIMARY KEY on SQLite, identity on PostgreSQL. */
export function autoIncrementKey<T extends string>(table: CreateTableBuilder<T>, column: string, engine: Engine): CreateTableBuilder<T> {
  return engine === 'sqlite'
    ? table.addColumn(column, 'integer', (c) => c.primaryKey().autoIncrement())
    : table.addColumn(column, 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity());
}
