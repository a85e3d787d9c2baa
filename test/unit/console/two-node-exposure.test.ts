// @vitest-environment node
/**
 * Two console nodes on one PostgreSQL database storing events of the same person in the same hour
 * at the same time: neither waits for the other's transaction (ingest appends its exposure sums
 * instead of updating the shared rows), both are acknowledged, and the exposure is exact.
 */
import { sql } from 'kysely';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { databaseNameFor } from '../support/postgres';
import { buildConsole, type BuiltConsole } from '../../../console/server';
import { makeTestConsole, testDatabaseUrl, testEngine, type TestConsole } from '../support/test-console';
import { sampleEvent, sampleId } from '../support/sample-event';

const NOW = Date.parse('2026-11-20T10:30:00Z');
let a: TestConsole;
let b: BuiltConsole;
/** Lets node A's paused ingest go on (also when the test failed first). */
let release = () => {};
beforeEach(async () => {
  a = await makeTestConsole({ now: () => NOW });
  if (testEngine() !== 'postgres') return;
  // A node that waited on the other's row locks fails after this instead of hanging the test.
  await sql`alter database ${sql.id(databaseNameFor(a.dir))} set lock_timeout = '5s'`.execute(a.services.db);
  b = await buildConsole({ dataDir: a.dir, databaseUrl: (await testDatabaseUrl(a.dir))!, now: () => NOW });
});
afterEach(async () => {
  release();
  await b?.app.close();
  await a.close();
});

const events = (from: number, n: number) =>
  Promise.all(
    Array.from({ length: n }, (_, i) =>
      sampleEvent({ id: sampleId(from + i), observedAt: new Date(NOW - i * 1000).toISOString(), user: { email: 'ann@example.com' } }),
    ),
  );
const post = (node: BuiltConsole, payload: unknown) =>
  node.app.inject({ method: 'POST', url: '/api/v1/events', headers: a.as('ingest'), payload: { events: payload } });

it.runIf(testEngine() === 'postgres')('stores one person’s events through two nodes at once, neither waiting for the other, with exact exposure', async () => {
  // Node A's ingest stops inside its transaction, after its exposure sums, until B is done.
  let paused!: () => void;
  const inside = new Promise<void>((resolve) => (paused = resolve));
  const gate = new Promise<void>((resolve) => (release = resolve));
  a.services.events.addIngestHook(async () => {
    paused();
    await gate;
  });
  const fromA = post(a, await events(1, 40));
  await inside;
  const fromB = await post(b, await events(100, 30));
  expect(fromB.statusCode).toBe(200);
  expect(fromB.json()).toMatchObject({ accepted: 30, duplicates: 0 });
  release();
  expect((await fromA).json()).toMatchObject({ accepted: 40, duplicates: 0 });

  const stored = await a.services.db
    .selectFrom('events')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.sum<number>('score').as('score')])
    .executeTakeFirstOrThrow();
  expect(stored.n).toBe(70);
  for (const node of [a, b]) {
    const answer = (
      await node.app.inject({ method: 'GET', url: '/api/v1/exposure?bucket=hour&from=2026-11-20T00:00:00Z&to=2026-11-21T00:00:00Z', headers: a.as('analyst') })
    ).json();
    expect(answer.series.totals.total).toBe(70);
    expect(answer.top.users).toEqual([expect.objectContaining({ email: 'ann@example.com', events: 70, scoreSum: stored.score })]);
  }
  // Folded once each: the aggregate rows hold every event once and no delta is left over.
  const daily = await a.services.db.selectFrom('exposure_user_daily').select(['events', 'score_sum']).where('user_email', '=', 'ann@example.com').execute();
  expect(daily).toEqual([{ events: 70, score_sum: stored.score }]);
  const left = await sql<{ n: number }>`select count(*) as n from exposure_user_daily_delta`.execute(a.services.db);
  expect(left.rows[0]!.n).toBe(0);
});
