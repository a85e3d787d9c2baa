/**
 * `--database postgres://…` (or UPWATCH_DATABASE_URL): the console on PostgreSQL instead of SQLite
 * in `--data`. The URL on the command line must carry no password, since every user sees argv in
 * `ps`: the password comes from UPWATCH_DATABASE_URL, PGPASSWORD or ~/.pgpass (all read by pg).
 */
import { isPostgresUrl } from '../db/database';

export const DATABASE_FLAG = { database: { type: 'string' } } as const;

export class DatabaseFlagError extends Error {}

/** The database URL the flag or the environment gives, or undefined for SQLite. */
export function databaseUrlFrom(values: { database?: string }, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const flag = values.database;
  if (flag !== undefined) {
    if (!isPostgresUrl(flag)) throw new DatabaseFlagError(`--database must be a postgres:// URL, not ${flag.replace(/:[^@/]*@/, ':***@')}`);
    if (new URL(flag).password || /[?&]password=/i.test(flag))
      throw new DatabaseFlagError('no password goes on a command line (ps shows it): use UPWATCH_DATABASE_URL, PGPASSWORD or ~/.pgpass');
    return flag;
  }
  const fromEnv = env.UPWATCH_DATABASE_URL;
  if (!fromEnv) return undefined;
  if (!isPostgresUrl(fromEnv)) throw new DatabaseFlagError('UPWATCH_DATABASE_URL must be a postgres:// URL');
  return fromEnv;
}

/** What the server prints as its storage: never the password. */
export function describeDatabase(url: string | undefined, dataDir: string): string {
  if (!url) return `data: ${dataDir}`;
  const u = new URL(url);
  u.password = '';
  return `database: ${u.toString()}`;
}

/** For the CLI commands: `{ databaseUrl }` to spread into the console's options, or undefined after printing why not. */
export function databaseOptions(values: { database?: string }): { databaseUrl?: string } | undefined {
  try {
    const databaseUrl = databaseUrlFrom(values);
    return databaseUrl ? { databaseUrl } : {};
  } catch (err) {
    if (!(err instanceof DatabaseFlagError)) throw err;
    console.error(err.message);
    return undefined;
  }
}
