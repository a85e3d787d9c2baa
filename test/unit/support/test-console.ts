/**
 * A console in this process (no port) on a throw-away data folder, with one credential of each
 * role, for `app.inject` tests.
 *
 * The engine follows UPWATCH_TEST_DB: unset, SQLite in the folder; `postgres` (the console-pg
 * project of vitest.config.ts), a database of its own on the run's PostgreSQL cluster, named
 * after the folder so a console opened again on the folder finds its data.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, inject } from 'vitest';
import type { Role } from '../../../console/auth/roles';
import { buildConsole, type BuiltConsole, type ConsoleOptions } from '../../../console/server';
import { databaseFor, dropDatabaseFor } from './postgres';

export interface TestConsole extends BuiltConsole {
  dir: string;
  /** A secret per role. */
  keys: Record<Role, string>;
  /** `authorization` header for a role. */
  as(role: Role): { authorization: string };
  close(): Promise<void>;
}

export const testEngine = (): 'sqlite' | 'postgres' => (process.env.UPWATCH_TEST_DB === 'postgres' ? 'postgres' : 'sqlite');

/** The database URL a console on `dataDir` uses in this run (undefined: SQLite in the folder). */
export async function testDatabaseUrl(dataDir: string): Promise<string | undefined> {
  return testEngine() === 'postgres' ? databaseFor(inject('postgresUrl'), dataDir) : undefined;
}

/** Removes what a console on `dataDir` left behind: the folder, and its database on PostgreSQL. */
export async function removeTestData(dataDir: string): Promise<void> {
  rmSync(dataDir, { recursive: true, force: true });
  if (testEngine() === 'postgres') await dropDatabaseFor(inject('postgresUrl'), dataDir);
}

export async function makeTestConsole(options: Partial<ConsoleOptions> = {}): Promise<TestConsole> {
  const dir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'upwatch-console-'));
  const databaseUrl = options.databaseUrl ?? (await testDatabaseUrl(dir));
  const built = await buildConsole({ ...options, dataDir: dir, ...(databaseUrl && { databaseUrl }) });
  const keys = {} as Record<Role, string>;
  for (const role of ['ingest', 'read_only', 'analyst', 'admin'] as const) {
    keys[role] = (await built.services.credentials.create({ name: `test-${role}`, role, createdBy: 'test' })).secret;
  }
  return {
    ...built,
    dir,
    keys,
    as: (role) => ({ authorization: `Bearer ${keys[role]}` }),
    async close() {
      await built.app.close();
      if (!options.dataDir) await removeTestData(dir);
    },
  };
}

/** Adds an alert rule through the API, as an analyst would, and checks the console took it. */
export async function addAlertRule(built: TestConsole, rule: { id: string; name: string; conditions: Record<string, unknown> }): Promise<void> {
  const res = await built.app.inject({ method: 'POST', url: '/api/v1/alert-rules', headers: built.as('analyst'), payload: rule });
  expect(res.statusCode, res.body).toBe(201);
}
