/**
 * bench/console-upgrade (`npm run bench -- console-upgrade`): how long migration 0013 (the response
 * outcome column, filled from every event's JSON in ranges of seq, and its indexes) keeps a console
 * down when upgrading a database of UPWATCH_BENCH_EVENTS (100,000) events, 1 % of them with a
 * response, on SQLite and on PostgreSQL (a local throw-away cluster, monthly partitions).
 * Baseline in the same run: one plain read of every event's outcome from its JSON (a SELECT), the
 * least any fill from the JSON can cost.
 */
import { Kysely, PostgresDialect, sql, SqliteDialect } from 'kysely';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { migrate, openPostgresPool, openSqlite } from '../console/db/database';
import type { Engine } from '../console/db/engine';
import { ensureMonthPartitions } from '../console/db/partitions';
import type { ConsoleDatabase } from '../console/db/schema';
import { toRow } from '../console/events/store';
import { databaseFor, startPostgresCluster } from '../test/unit/support/postgres';
import { makeWorkload } from './console-data';
import { fmt, printResult } from './lib';

const TOTAL = Number(process.env.UPWATCH_BENCH_EVENTS ?? 100_000);
const BEFORE = '0012-browser-health-last-seen';

async function load(db: Kysely<ConsoleDatabase>, engine: Engine): Promise<void> {
  const workload = makeWorkload(TOTAL);
  await workload.ready;
  for (let i = 0; i < TOTAL; i += 5_000) {
    const { events, receivedAt } = workload.batch(i, Math.min(5_000, TOTAL - i));
    if (engine === 'postgres') await ensureMonthPartitions(db as Kysely<unknown>, receivedAt, receivedAt);
    const rows = events.map((event, j) => {
      if ((i + j) % 100 === 0) event.response = { action: 'block', outcome: 'blocked', decidedInMs: 2 };
      // As release 0012 wrote them: no outcome column yet.
      const { response_outcome: _none, ...row } = toRow(event, { credentialId: 'bench', clientIp: '10.1.2.3', receivedAt });
      return row;
    });
    await db.transaction().execute(async (trx) => {
      for (let k = 0; k < rows.length; k += 500)
        await trx
          .insertInto('events')
          .values(rows.slice(k, k + 500))
          .execute();
    });
  }
}

async function measure(engine: Engine, db: Kysely<ConsoleDatabase>): Promise<[string, string][]> {
  await migrate(db, engine, BEFORE);
  await load(db, engine);
  const outcome = engine === 'postgres' ? sql`(body::json -> 'response' ->> 'outcome')` : sql`json_extract(body, '$.response.outcome')`;
  let start = performance.now();
  const read = await sql<{ n: number }>`select count(${outcome}) as n from events`.execute(db);
  const baseline = performance.now() - start;
  start = performance.now();
  await migrate(db, engine);
  const upgrade = performance.now() - start;
  const filled = await db
    .selectFrom('events')
    .select((eb) => eb.fn.count<number>('response_outcome').as('n'))
    .executeTakeFirstOrThrow();
  if (Number(filled.n) !== Number(read.rows[0]!.n)) throw new Error(`0013 filled ${filled.n} outcomes, the JSON holds ${read.rows[0]!.n}`);
  return [
    [`${engine}: migration 0013 over ${fmt(TOTAL)} events (${fmt(Number(filled.n))} outcomes filled)`, `${fmt(upgrade)} ms`],
    [`${engine}: baseline, one read of every outcome from the JSON`, `${fmt(baseline)} ms`],
  ];
}

export async function run(): Promise<void> {
  const rows: [string, string][] = [
    [
      `load average`,
      loadavg()
        .map((l) => l.toFixed(1))
        .join(' '),
    ],
  ];
  const dir = mkdtempSync(join(tmpdir(), 'upwatch-bench-upgrade-'));
  try {
    const sqlite = new Kysely<ConsoleDatabase>({ dialect: new SqliteDialect({ database: openSqlite(dir) }) });
    rows.push(...(await measure('sqlite', sqlite)));
    await sqlite.destroy();
    const cluster = await startPostgresCluster({ durable: true });
    try {
      const pg = new Kysely<ConsoleDatabase>({ dialect: new PostgresDialect({ pool: openPostgresPool(await databaseFor(cluster.url, dir)) }) });
      rows.push(...(await measure('postgres', pg)));
      await pg.destroy();
    } finally {
      await cluster.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  printResult('console upgrade: migration 0013 (response outcome column)', rows, []);
}
