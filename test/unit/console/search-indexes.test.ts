// @vitest-environment node
/**
 * The outcome, trusted and time-range filters of GET /api/v1/events are served by an index on
 * both engines (migration 0013, console/events/search.ts): the planner's own choice, over a
 * month of 5,000 events with fresh statistics, reads an index and never the whole table; and the
 * riskiest order reads the (score, sort_at, seq) index of migration 0014 from its top, unsorted.
 */
import { CompiledQuery, Kysely, sql, type KyselyPlugin, type RootOperationNode } from 'kysely';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openConsoleDb, type ConsoleDb } from '../../../console/db/database';
import { ensureMonthPartitions } from '../../../console/db/partitions';
import { EventFilters, searchEvents, type SearchOrder, type SearchPosition } from '../../../console/events/search';
import { toRow } from '../../../console/events/store';
import type { FileEvent } from '../../../src/core/schema/event';
import { sampleEvent } from '../support/sample-event';
import { removeTestData, testEngine } from '../support/test-console';

const MIN = 60_000;
/** The newest event; the others one a minute before each other, over 3.5 days of June 2026. */
const NEWEST = Date.parse('2026-06-10T00:00:00Z');
const EVENTS = 5_000;
const outcomeOf = (i: number) => (i % 1000 === 7 ? 'blocked' : i % 50 === 3 ? 'warned' : undefined);
const trustedOf = (i: number) => i % 20 === 0;
/** Scores spread over 0–100, unrelated to time. */
const scoreOf = (i: number) => (i * 37) % 101;

const iso = (ms: number) => new Date(ms).toISOString();
const WINDOW = { from: NEWEST - 2 * 24 * 60 * MIN, to: NEWEST - (2 * 24 - 6) * 60 * MIN };
const inWindow = (at: number) => at >= WINDOW.from && at < WINDOW.to;

let consoleDb: ConsoleDb;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'upwatch-search-indexes-'));
  // On the console-pg project, this folder's database on the run's cluster (postgres-setup.ts).
  consoleDb = await openConsoleDb({ dataDir: dir });
  const { db } = consoleDb;
  if (consoleDb.engine === 'postgres') await ensureMonthPartitions(db as Kysely<unknown>, NEWEST, NEWEST);
  const base = await sampleEvent();
  const rows = Array.from({ length: EVENTS }, (_, i) => {
    const observed = NEWEST - i * MIN;
    const outcome = outcomeOf(i);
    const event: FileEvent = {
      ...base,
      id: `indexed-${i}`,
      observedAt: new Date(observed).toISOString(),
      destination: { ...base.destination, trusted: trustedOf(i) },
      ...(outcome && { response: { action: outcome === 'blocked' ? 'block' : 'warn', outcome, decidedInMs: 3 } }),
    };
    return { ...toRow(event, { credentialId: 'c1', clientIp: '10.0.0.1', receivedAt: observed + 1000 }), score: scoreOf(i) };
  });
  // A browser clock days ahead: observed inside the test window, received (and sorted) a day before it.
  const ahead: FileEvent = { ...base, id: 'clock-ahead', observedAt: new Date(WINDOW.from + 30 * MIN).toISOString() };
  rows.push({ ...toRow(ahead, { credentialId: 'c1', clientIp: '10.0.0.1', receivedAt: WINDOW.from - 24 * 60 * MIN }), score: 0 });
  for (let i = 0; i < rows.length; i += 200)
    await db
      .insertInto('events')
      .values(rows.slice(i, i + 200))
      .execute();
  await sql`analyze`.execute(db);
});

afterAll(async () => {
  await consoleDb?.close();
  if (dir) await removeTestData(dir);
});

/** The first page of a search, and the statement that read its keys (the one ordered scan). */
async function search(query: Record<string, string>, order: SearchOrder = 'newest') {
  const nodes: RootOperationNode[] = [];
  const capture: KyselyPlugin = {
    transformQuery: ({ node }) => (nodes.push(node), node),
    transformResult: async ({ result }) => result,
  };
  const { db } = consoleDb;
  const page = await searchEvents(db.withPlugin(capture), EventFilters.parse(query), 50, undefined, order);
  const keys = nodes.map((n) => db.getExecutor().compileQuery(n, { queryId: 'explain' })).find((q) => /order by/i.test(q.sql));
  if (!keys) throw new Error('no ordered key query');
  return { ids: page.rows.map((r) => (JSON.parse(r.body) as FileEvent).id), keys };
}

/** SQLite's plan as its lines. */
async function sqlitePlan(query: CompiledQuery): Promise<string> {
  const plan = await consoleDb.db.executeQuery<{ detail: string }>(CompiledQuery.raw(`EXPLAIN QUERY PLAN ${query.sql}`, [...query.parameters]));
  return plan.rows.map((r) => r.detail).join('\n');
}

/** PostgreSQL's plan, and the months that hold events (a scan of any other costs nothing). */
async function postgresPlan(query: CompiledQuery): Promise<{ text: string; filled: Set<string> }> {
  const plan = await consoleDb.db.executeQuery<{ 'QUERY PLAN': string }>(CompiledQuery.raw(`EXPLAIN ${query.sql}`, [...query.parameters]));
  const filled = await sql<{ part: string }>`select distinct tableoid::regclass::text as part from events`.execute(consoleDb.db);
  return { text: plan.rows.map((r) => r['QUERY PLAN']).join('\n'), filled: new Set(filled.rows.map((r) => r.part)) };
}

/** The ids a filter matches, newest first (the events are stored in that order's reverse). */
const expected = (match: (i: number) => boolean) =>
  Array.from({ length: EVENTS }, (_, i) => i)
    .filter(match)
    .slice(0, 50)
    .map((i) => `indexed-${i}`);

const CASES: { name: string; query: Record<string, string>; match: (i: number) => boolean; sqliteIndex: RegExp; postgresIndex: RegExp }[] = [
  {
    name: 'a rare outcome',
    query: { outcome: 'blocked' },
    match: (i) => outcomeOf(i) === 'blocked',
    sqliteIndex: /USING (COVERING )?INDEX events_response_outcome_sort/,
    postgresIndex: /using events_p202606_response_outcome_sort_at_seq_idx/,
  },
  {
    name: 'trusted activity',
    query: { trusted: 'true' },
    match: trustedOf,
    sqliteIndex: /USING (COVERING )?INDEX events_trusted_sort/,
    postgresIndex: /using events_p202606_trusted_sort_at_seq_idx/,
  },
  {
    name: 'an observed range',
    query: { observedFrom: iso(WINDOW.from), observedTo: iso(WINDOW.to) },
    match: (i) => inWindow(NEWEST - i * MIN),
    sqliteIndex: /USING (COVERING )?INDEX events_sort/,
    postgresIndex: /(using|on) events_p202606_(sort_at_seq|observed_at_seq)/,
  },
  {
    name: 'a received range',
    query: { receivedFrom: iso(WINDOW.from), receivedTo: iso(WINDOW.to) },
    match: (i) => inWindow(NEWEST - i * MIN + 1000),
    sqliteIndex: /USING (COVERING )?INDEX events_sort/,
    postgresIndex: /(using|on) events_p202606_(sort_at_seq|received_at_seq)/,
  },
];

describe('search filters served by an index (5,000 events, fresh statistics)', () => {
  it('lists every event observed in a range, one sorted at its receipt before the range (a clock ahead) last', async () => {
    const inRange = Array.from({ length: EVENTS }, (_, i) => i).filter((i) => inWindow(NEWEST - i * MIN));
    const all: string[] = [];
    let after: SearchPosition | undefined;
    do {
      const page = await searchEvents(consoleDb.db, EventFilters.parse({ observedFrom: iso(WINDOW.from), observedTo: iso(WINDOW.to) }), 100, after);
      all.push(...page.rows.map((r) => (JSON.parse(r.body) as FileEvent).id));
      after = page.next;
    } while (after);
    expect(all).toEqual([...inRange.map((i) => `indexed-${i}`), 'clock-ahead']);
  });

  it.each(CASES)('$name: the right events, read through its index', async ({ query, match, sqliteIndex, postgresIndex }) => {
    const { ids, keys } = await search(query);
    expect(ids).toEqual(expected(match));
    if (testEngine() === 'sqlite') {
      const plan = await sqlitePlan(keys);
      expect(plan, plan).toMatch(sqliteIndex);
      // Read in the index's order: no sort of the matches, no scan of the table.
      expect(plan, plan).not.toMatch(/TEMP B-TREE|SCAN events$/m);
    } else {
      const { text, filled } = await postgresPlan(keys);
      expect(text, text).toMatch(postgresIndex);
      // Every month holding events is read through an index; a sequential scan only of an empty one.
      const seqScans = [...text.matchAll(/Seq Scan on (\w+)/g)].map((m) => m[1]!);
      expect(
        seqScans.filter((part) => filled.has(part)),
        text,
      ).toEqual([]);
    }
  });
});

describe('the riskiest order (migration 0014)', () => {
  it('lists the highest scores first, newest first among equals, read from the score index without a sort', async () => {
    const { ids, keys } = await search({}, 'riskiest');
    // (The clock-ahead event scores 0: never among the first 50.)
    const want = Array.from({ length: EVENTS }, (_, i) => ({ id: `indexed-${i}`, score: scoreOf(i), i }))
      .sort((a, b) => b.score - a.score || a.i - b.i)
      .slice(0, 50)
      .map((e) => e.id);
    expect(ids).toEqual(want);
    if (testEngine() === 'sqlite') {
      const plan = await sqlitePlan(keys);
      expect(plan, plan).toMatch(/USING (COVERING )?INDEX events_score_sort/);
      expect(plan, plan).not.toMatch(/TEMP B-TREE|SCAN events$/m);
    } else {
      const { text, filled } = await postgresPlan(keys);
      expect(text, text).toMatch(/using events_p202606_score_sort_at_seq_idx/);
      // Months merged in order (Merge Append), none sorted.
      expect(text, text).not.toMatch(/(^|->)\s*(Incremental )?Sort\s+\(/m);
      const seqScans = [...text.matchAll(/Seq Scan on (\w+)/g)].map((m) => m[1]!);
      expect(
        seqScans.filter((part) => filled.has(part)),
        text,
      ).toEqual([]);
    }
  });
});
