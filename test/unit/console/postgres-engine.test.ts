// @vitest-environment node
/**
 * The console on PostgreSQL: what differs from SQLite and is not seen through the API alone. The
 * rest of the console suite runs on both engines (the console-pg project of vitest.config.ts).
 */
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { databaseUrlFrom, describeDatabase } from '../../../console/cli/database-flag';
import { runConsoleCli, stopAll } from '../support/console-child-process';
import { makeTestConsole, testEngine, type TestConsole } from '../support/test-console';
import { sampleEvent } from '../support/sample-event';

describe.runIf(testEngine() === 'postgres')('the console on PostgreSQL', () => {
  let built: TestConsole;
  beforeEach(async () => {
    built = await makeTestConsole();
  });
  afterEach(() => built.close());

  it('runs on PostgreSQL in this project', async () => {
    expect(built.services.engine).toBe('postgres');
    const version = await sql<{ v: string }>`select version() as v`.execute(built.services.db);
    expect(version.rows[0]!.v).toMatch(/^PostgreSQL \d+/);
  });

  it('refuses to change or delete audit entries, in the database itself', async () => {
    await built.app.inject({ method: 'PUT', url: '/api/v1/retention', headers: built.as('admin'), payload: { days: 90 } });
    expect(await built.services.db.selectFrom('audit_log').select('seq').execute()).not.toHaveLength(0);
    await expect(built.services.db.updateTable('audit_log').set({ actor: 'someone else' }).execute()).rejects.toThrow('the audit log is append-only');
    await expect(built.services.db.deleteFrom('audit_log').execute()).rejects.toThrow('the audit log is append-only');
  });

  it('answers times and counts as numbers (pg gives bigint and numeric as text)', async () => {
    const res = await built.app.inject({ method: 'POST', url: '/api/v1/events', headers: built.as('ingest'), payload: { events: [await sampleEvent()] } });
    expect(res.statusCode).toBe(200);
    const row = await built.services.db.selectFrom('events').select(['seq', 'received_at', 'sort_at']).executeTakeFirstOrThrow();
    expect([typeof row.seq, typeof row.received_at, typeof row.sort_at]).toEqual(['number', 'number', 'number']);
    const sums = await built.services.db
      .selectFrom('exposure_user_daily')
      .select((eb) => [eb.fn.sum<number>('events').as('events'), eb.fn.countAll<number>().as('rows')])
      .executeTakeFirstOrThrow();
    expect(sums).toEqual({ events: 1, rows: 1 });
  });
});

describe('--database and UPWATCH_DATABASE_URL', () => {
  afterEach(() => stopAll());

  it('takes the flag, else the environment, else SQLite', () => {
    expect(databaseUrlFrom({ database: 'postgres://upwatch@db/upwatch' }, { UPWATCH_DATABASE_URL: 'postgres://other@db/x' })).toBe(
      'postgres://upwatch@db/upwatch',
    );
    expect(databaseUrlFrom({}, { UPWATCH_DATABASE_URL: 'postgresql://u:pw@db/x?sslmode=verify-full' })).toBe('postgresql://u:pw@db/x?sslmode=verify-full');
    expect(databaseUrlFrom({}, {})).toBeUndefined();
    expect(describeDatabase('postgres://u:pw@db:5432/x?sslmode=require', '/d')).toBe('database: postgres://u@db:5432/x?sslmode=require');
    expect(describeDatabase(undefined, '/d')).toBe('data: /d');
  });

  it.each([
    ['a password in the URL', 'postgres://upwatch:hunter2secret@127.0.0.1/upwatch', 'no password goes on a command line'],
    ['a password parameter', 'postgres://upwatch@127.0.0.1/upwatch?password=hunter2secret', 'no password goes on a command line'],
    ['another scheme', 'mysql://upwatch@127.0.0.1/upwatch', 'must be a postgres:// URL'],
  ])('refuses %s on the command line (exit 2), without echoing a secret', async (_what, url, message) => {
    const result = await runConsoleCli(['--port', '0', '--database', url]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stdout + result.stderr).not.toContain('hunter2secret');
  });
});
