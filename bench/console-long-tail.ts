/**
 * GET /api/v1/destinations/unclassified (issue 16, item 4) over stored events on each engine: the
 * hosts nobody named in the last 30 and 90 days, with migration 0010's partial index and, as the
 * baseline in the same run on the same data, without it (the index dropped, statistics refreshed).
 * Prints the median of 7 calls and the plan of the count query. UPWATCH_BENCH_LONG_TAIL_EVENTS sets
 * the number of events (default 200,000; ~13 % of them go to hosts the catalog does not know).
 * Run: `npm run bench -- console-long-tail`.
 */
import { CompiledQuery, sql, type Kysely } from 'kysely';
import { hostCounts } from '../console/destinations/unclassified';
import type { ConsoleDatabase } from '../console/db/schema';
import { buildConsole, type BuiltConsole } from '../console/server';
import { makeWorkload, type Workload } from './console-data';
import { benchEngines, type BenchStore } from './console-engines';
import { fmt } from './lib';

const TOTAL = Number(process.env.UPWATCH_BENCH_LONG_TAIL_EVENTS ?? 200_000);
const BATCH = 1_000;
const RUNS = 7;
const DAY = 86_400_000;

async function load(workload: Workload, store: BenchStore): Promise<void> {
  const { services, app } = await buildConsole({ ...store.options, ingestRateLimit: false });
  for (let i = 0; i < TOTAL; i += BATCH) {
    const { events, receivedAt } = workload.batch(i, Math.min(BATCH, TOTAL - i));
    await services.events.ingest(events, { credentialId: 'bench', clientIp: '10.1.2.3', receivedAt });
  }
  await app.close();
}

async function median(fn: () => Promise<unknown>): Promise<number> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[Math.floor(RUNS / 2)]!;
}

async function plan(db: Kysely<ConsoleDatabase>, engine: string, since: number, indexHint: boolean): Promise<string> {
  const query = hostCounts(db, since, { indexHint }).compile(db);
  const explain = engine === 'sqlite' ? 'EXPLAIN QUERY PLAN' : 'EXPLAIN';
  const rows = (await db.executeQuery<Record<string, string>>(CompiledQuery.raw(`${explain} ${query.sql}`, [...query.parameters]))).rows;
  // The plan's first lines: which index (per partition on PostgreSQL) the rows come from.
  return rows
    .map((r) => (r.detail ?? r['QUERY PLAN'])!.trim())
    .filter((line) => /SCAN|SEARCH|Scan/.test(line))
    .slice(0, 3)
    .join(' | ');
}

async function measure(built: BuiltConsole, end: number, withIndex: boolean): Promise<string[]> {
  const { db, engine } = built.services;
  const lines = [];
  for (const days of [30, 90]) {
    const since = end - days * DAY;
    const count = () => hostCounts(db, since, { indexHint: withIndex }).execute(db);
    const hosts = (await count()).rows.length;
    const countMs = await median(count);
    let api = '';
    if (withIndex) {
      const call = () =>
        built.app.inject({
          method: 'GET',
          url: `/api/v1/destinations/unclassified?since=${encodeURIComponent(new Date(since).toISOString())}`,
          headers: { authorization: `Bearer ${secret}` },
        });
      const answer = await call();
      if (answer.statusCode !== 200) throw new Error(`unclassified answered ${answer.statusCode}: ${answer.body}`);
      api = `; the whole API call ${fmt(await median(call), 1)} ms`;
    }
    lines.push(
      `  ${withIndex ? 'with   ' : 'without'} the 0010 index, ${days} days: the count ${fmt(countMs, 1)} ms (median of ${RUNS}, ${hosts} hosts)${api}`,
    );
    lines.push(`    plan: ${await plan(db, engine, since, withIndex)}`);
  }
  return lines;
}

let secret = '';

export async function run(): Promise<void> {
  const workload = makeWorkload(TOTAL);
  await workload.ready;
  const engines = await benchEngines();
  for (const engine of engines) {
    const store = await engine.store('long-tail');
    try {
      const started = performance.now();
      await load(workload, store);
      console.log(`\nunnamed destinations on ${engine.name}: ${fmt(TOTAL)} events loaded in ${fmt((performance.now() - started) / 1000, 1)} s`);
      for (const withIndex of [true, false]) {
        // Opened anew each time: the console refreshes the planner's statistics when it opens.
        const built = await buildConsole({ ...store.options, ingestRateLimit: false });
        try {
          secret = (await built.services.credentials.create({ name: `bench-${withIndex}`, role: 'read_only', createdBy: 'bench' })).secret;
          if (!withIndex) {
            await sql`drop index events_unnamed_uploads`.execute(built.services.db);
            await sql`analyze`.execute(built.services.db);
          }
          for (const line of await measure(built, workload.end, withIndex)) console.log(line);
        } finally {
          await built.app.close();
        }
      }
    } finally {
      await store.remove();
    }
  }
  for (const engine of engines) await engine.close();
}
