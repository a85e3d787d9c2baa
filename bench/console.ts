/**
 * bench/console (`npm run bench -- console`), each figure beside a baseline measured in the same run:
 * (a) ingest over real sockets: 50 concurrent senders posting gzip'd batches of 200 events with an
 *     ingest token, each batch one user's, as a browser sends (goal ≥ 5,000 events/s); baseline: the same events inserted with a plain
 *     better-sqlite3 prepared INSERT, one transaction per batch (the floor of what SQLite can do);
 * (b) 1,000,000 stored events (UPWATCH_BENCH_EVENTS=<n> scales it down), loaded through
 *     EventStore.ingest (the same rows, indicator rows and exposure aggregates as over HTTP): the first
 *     page (limit 50) of searches by each filter of GET /api/v1/events and a few combinations, p50/p95
 *     over ≥ 30 runs each (goal p95 ≤ 50 ms), baseline
 *     an unfiltered first page; exposure over 30 days and over the whole range (goal ≤ 200 ms),
 *     baseline the same answer computed with GROUP BY over the events table.
 * Each engine in turn (console-engines.ts): SQLite, then PostgreSQL on a local throw-away cluster,
 * where ingest is measured with one console node and with two on the one database.
 * UPWATCH_BENCH_SKIP_INGEST=1 / UPWATCH_BENCH_SKIP_SEARCH=1 leave out (a) / (b).
 * UPWATCH_BENCH_KEEP=<folder> keeps (b)'s stores in that folder (one per engine) and, on a later
 * run, searches them again instead of loading (a million events take minutes); with PostgreSQL it
 * needs a server that outlives the run (UPWATCH_BENCH_POSTGRES_URL, bench/console-engines.ts).
 */
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { buildConsole, type BuiltConsole } from '../console/server';
import type { FileEvent } from '../src/core/schema/event';
import { benchEngines, type BenchEngine, type BenchStore } from './console-engines';
import { EXPOSURE_BASELINE_SQL, makeWorkload, type Workload } from './console-data';
import { eventRow } from './event-rows';
import { fmt, printResult } from './lib';

const TOTAL = Number(process.env.UPWATCH_BENCH_EVENTS ?? 1_000_000);
const SENDERS = 50;
const BATCH = 200;
const HTTP_EVENTS = Math.min(100_000, Math.max(20_000, Math.floor(TOTAL / 10)));
const LOAD_BATCH = 5_000;
const RUNS = 40;
const KEEP = process.env.UPWATCH_BENCH_KEEP;

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

async function timed(runs: number, fn: (i: number) => Promise<unknown> | unknown): Promise<{ p50: number; p95: number }> {
  await fn(0);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn(i + 1);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p95: percentile(times, 95) };
}

const ms = (t: { p50: number; p95: number }) => `p50 ${fmt(t.p50, 1)} ms, p95 ${fmt(t.p95, 1)} ms`;

/** Ingest over real sockets through `nodes` consoles on one store, the senders spread over them. */
async function httpIngest(store: BenchStore, batches: FileEvent[][], nodes: number): Promise<{ perSecond: number; failures: number }> {
  const built: BuiltConsole[] = [];
  for (let n = 0; n < nodes; n++) built.push(await buildConsole({ ...store.options, ingestRateLimit: false }));
  try {
    const token = (await built[0]!.services.credentials.create({ name: 'bench-browsers', role: 'ingest', createdBy: 'bench' })).secret;
    const urls: string[] = [];
    for (const { app } of built) {
      await app.listen({ host: '127.0.0.1', port: 0 });
      const address = app.server.address();
      if (!address || typeof address === 'string') throw new Error('no port');
      urls.push(`http://127.0.0.1:${address.port}/api/v1/events`);
    }
    // Compressed before the clock starts: the figure is the console's, not the senders' gzip.
    const bodies = batches.map((events) => gzipSync(JSON.stringify({ events })));
    let next = 0;
    let failures = 0;
    const sender = async (s: number) => {
      for (let i = next++; i < bodies.length; i = next++) {
        const res = await fetch(urls[s % urls.length]!, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-encoding': 'gzip' },
          body: bodies[i],
        });
        await res.arrayBuffer();
        if (res.status !== 200) failures++;
      }
    };
    const start = performance.now();
    await Promise.all(Array.from({ length: SENDERS }, (_, s) => sender(s)));
    const seconds = (performance.now() - start) / 1000;
    const stored = await built[0]!.services.events.count();
    if (stored !== batches.length * BATCH) throw new Error(`ingest stored ${stored} of ${batches.length * BATCH}`);
    return { perSecond: stored / seconds, failures };
  } finally {
    for (const { app } of built) await app.close();
  }
}

/** Seconds the load took, or undefined when the store already held the events (kept by an earlier run). */
async function load(workload: Workload, store: BenchStore): Promise<number | undefined> {
  const { services, app } = await buildConsole({ ...store.options, ingestRateLimit: false });
  const held = await services.events.count();
  if (held === TOTAL) {
    await app.close();
    return undefined;
  }
  if (held !== 0) {
    await app.close();
    throw new Error(`the kept store holds ${held} events, not 0 or ${TOTAL}: remove ${String(store.options.dataDir)} (and its database)`);
  }
  const start = performance.now();
  for (let i = 0; i < TOTAL; i += LOAD_BATCH) {
    const { events, receivedAt } = workload.batch(i, Math.min(LOAD_BATCH, TOTAL - i));
    await services.events.ingest(events, { credentialId: 'bench', clientIp: '10.1.2.3', receivedAt });
    if ((i / LOAD_BATCH) % 40 === 39) process.stdout.write(`  loaded ${fmt(i + LOAD_BATCH)} events\r`);
  }
  const seconds = (performance.now() - start) / 1000;
  await app.close();
  return seconds;
}

async function searches(built: BuiltConsole, workload: Workload) {
  const headers = {
    authorization: `Bearer ${(await built.services.credentials.create({ name: `bench-reader-${Date.now()}`, role: 'read_only', createdBy: 'bench' })).secret}`,
  };
  const page = async (query: string) => {
    const res = await built.app.inject({ method: 'GET', url: `/api/v1/events?limit=50${query ? `&${query}` : ''}`, headers });
    if (res.statusCode !== 200) throw new Error(`${query}: ${res.statusCode} ${res.body}`);
  };
  const user = (i: number) => workload.users[(i * 37) % workload.users.length]!;
  const cases: [string, (i: number) => string][] = [
    ['user', (i) => `user=${user(i)}`],
    ['minSeverity=high', () => 'minSeverity=high'],
    ['destinationCategory', (i) => `destinationCategory=${workload.categories[i % workload.categories.length]}`],
    ['indicator', (i) => `indicator=${workload.indicators[i % workload.indicators.length]}`],
    ['user + minSeverity=high', (i) => `user=${user(i)}&minSeverity=high`],
    // The busiest person (almost 1 % of the events): a second filter must not make the page read all of theirs.
    ['busiest user + minSeverity=high', () => `user=${workload.users[0]}&minSeverity=high`],
    ['fileName substring', (i) => `fileName=${workload.nameParts[i % workload.nameParts.length]}`],
    ['minSeverity=critical', () => 'minSeverity=critical'],
    [
      'destinationCategory, 2 values',
      (i) => `destinationCategory=${workload.categories[i % workload.categories.length]},${workload.categories[(i + 3) % workload.categories.length]}`,
    ],
    ['user + destinationCategory', (i) => `user=${user(i)}&destinationCategory=${workload.categories[i % workload.categories.length]}`],
    ['fileName, rare text', (i) => `fileName=q${i}z-none`],
    // Every other filter of GET /api/v1/events, so each one's first page is measured.
    ['host', (i) => `host=${workload.hosts[(i * 13) % workload.hosts.length]}`],
    ['serviceId', (i) => `serviceId=${workload.serviceIds[(i * 13) % workload.serviceIds.length]}`],
    ['extension', (i) => `extension=${workload.extensions[i % workload.extensions.length]}`],
    ['fileCategory', (i) => `fileCategory=${workload.fileCategories[i % workload.fileCategories.length]}`],
    ['channel=programmatic (about 2 %)', () => 'channel=programmatic'],
    ['trusted=true (about 5 %)', () => 'trusted=true'],
    [`minScore=${workload.rareScore} (about 1 %)`, () => `minScore=${workload.rareScore}`],
    ['outcome=blocked (no event has one)', () => 'outcome=blocked'],
    [
      'observed within one week',
      (i) => {
        const to = workload.end - ((i % 10) + 1) * 7 * 86_400_000;
        return `observedFrom=${new Date(to - 7 * 86_400_000).toISOString()}&observedTo=${new Date(to).toISOString()}`;
      },
    ],
    [
      'received within one week',
      (i) => {
        const to = workload.end - ((i % 10) + 1) * 7 * 86_400_000;
        return `receivedFrom=${new Date(to - 7 * 86_400_000).toISOString()}&receivedTo=${new Date(to).toISOString()}`;
      },
    ],
  ];
  const results: [string, { p50: number; p95: number }][] = [];
  const baseline = await timed(RUNS, () => page(''));
  for (const [label, query] of cases) results.push([label, await timed(RUNS, (i) => page(query(i)))]);
  return { baseline, results };
}

async function exposures(built: BuiltConsole, store: BenchStore, workload: Workload) {
  const headers = {
    authorization: `Bearer ${(await built.services.credentials.create({ name: `bench-exposure-${Date.now()}`, role: 'read_only', createdBy: 'bench' })).secret}`,
  };
  const ranges: [string, number, number][] = [
    ['30 days', workload.end - 30 * 86_400_000, workload.end],
    [`whole range (${Math.round((workload.end - workload.start) / 86_400_000)} days)`, workload.start, workload.end],
  ];
  const out: [string, { p50: number; p95: number }, { p50: number; p95: number }][] = [];
  for (const [label, from, to] of ranges) {
    const query = `from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}&bucket=day`;
    const answer = await timed(RUNS, async () => {
      const res = await built.app.inject({ method: 'GET', url: `/api/v1/exposure?${query}`, headers });
      if (res.statusCode !== 200) throw new Error(res.body);
    });
    const grouped = await timed(3, () => store.groupBy(EXPOSURE_BASELINE_SQL, from, to));
    out.push([label, answer, grouped]);
  }
  return out;
}

const machine = (): [string, string] => [
  'machine',
  `${cpus().length} CPUs, load average ${loadavg()
    .map((l) => fmt(l, 1))
    .join(' / ')} (1 / 5 / 15 min)`,
];

async function ingestFigures(engine: BenchEngine, batches: FileEvent[][]): Promise<void> {
  const rows: [string, string][] = [];
  let oneNode = 0;
  for (const nodes of engine.shared ? [1, 2] : [1]) {
    const store = await engine.store('ingest');
    try {
      const http = await httpIngest(store, batches, nodes);
      if (nodes === 1) oneNode = http.perSecond;
      rows.push([
        `over HTTP, ${nodes} console node${nodes > 1 ? 's' : ''} (auth, gunzip, zod, store, hooks)`,
        `${fmt(http.perSecond)} events/s${http.failures ? ` (${http.failures} failed requests)` : ''}`,
      ]);
    } finally {
      await store.remove();
    }
  }
  const store = await engine.store('plain');
  try {
    rows.push([`baseline: plain ${engine.name} INSERT, 1 txn/batch, one connection`, `${fmt(await store.plainInsert(batches, eventRow))} events/s`]);
  } finally {
    await store.remove();
  }
  // Figures on a shared machine move with its load: say what it was.
  rows.push(machine());
  printResult(`console ingest on ${engine.name}: ${fmt(HTTP_EVENTS)} events, ${SENDERS} concurrent HTTP senders, gzip'd batches of ${BATCH}`, rows, [
    { label: '≥ 5,000 events/s over HTTP (one node)', met: oneNode >= 5_000 },
  ]);
}

async function searchFigures(engine: BenchEngine, workload: Workload): Promise<void> {
  const store = await engine.store('search', KEEP ? join(KEEP, `${engine.name}-${TOTAL}`) : undefined);
  try {
    const seconds = await load(workload, store);
    const loaded =
      seconds === undefined ? 'kept from an earlier run' : `loaded in ${fmt(seconds)} s, ${fmt(TOTAL / seconds)} events/s through EventStore.ingest`;
    // Reopened as a deployment would be (on SQLite the open refreshes the planner's statistics).
    const built = await buildConsole({ ...store.options, ingestRateLimit: false });
    const bytes = await store.bytes();
    try {
      const { baseline, results } = await searches(built, workload);
      const exposure = await exposures(built, store, workload);
      const missed = results.filter(([, t]) => t.p95 > 50).map(([l]) => l);
      printResult(
        `console search and exposure on ${engine.name} over ${fmt(TOTAL)} stored events (${workload.users.length} users, ${workload.destinationCount} destinations; ${loaded})`,
        [
          ['storage on disk (events, indexes, aggregates)', `${fmt(bytes / 1e6)} MB, ${fmt(bytes / TOTAL)} bytes per event`],
          ['baseline: unfiltered first page (limit 50)', ms(baseline)],
          ...results.map(([label, t]): [string, string] => [`first page: ${label}`, ms(t)]),
          ...exposure.flatMap(([label, answer, grouped]): [string, string][] => [
            [`exposure, ${label}`, ms(answer)],
            [`  baseline: GROUP BY over events`, ms(grouped)],
          ]),
          machine(),
        ],
        [
          { label: `first page of a filtered search p95 ≤ 50 ms${missed.length ? ` (missed: ${missed.join(', ')})` : ''}`, met: missed.length === 0 },
          { label: 'exposure ≤ 200 ms (p95)', met: exposure.every(([, a]) => a.p95 <= 200) },
        ],
      );
    } finally {
      await built.app.close();
    }
  } finally {
    if (!KEEP) await store.remove();
  }
}

export async function run(): Promise<void> {
  const workload = makeWorkload(TOTAL);
  await workload.ready;
  // A browser sends its own user's events: each batch is one user's (a different one each time).
  const httpBatches = Array.from(
    { length: HTTP_EVENTS / BATCH },
    (_, b) => workload.batch(TOTAL + b * BATCH, BATCH, workload.users[(b * 7) % workload.users.length]).events,
  );
  const engines = await benchEngines();
  try {
    if (process.env.UPWATCH_BENCH_SKIP_INGEST !== '1') for (const engine of engines) await ingestFigures(engine, httpBatches);
    if (process.env.UPWATCH_BENCH_SKIP_SEARCH !== '1') for (const engine of engines) await searchFigures(engine, workload);
  } finally {
    for (const engine of engines) await engine.close();
  }
}
