// @vitest-environment node
/**
 * The ingest rate limit behind a load balancer: on PostgreSQL the nodes count one token's requests
 * together in the database, so N nodes do not allow N times the limit.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { buildConsole, type BuiltConsole } from '../../../console/server';
import { makeTestConsole, testDatabaseUrl, testEngine, type TestConsole } from '../support/test-console';
import { sampleEvent, sampleId } from '../support/sample-event';

const LIMIT = { max: 4, timeWindowMs: 60_000 };
let a: TestConsole;
let b: BuiltConsole;
beforeEach(async () => {
  a = await makeTestConsole({ ingestRateLimit: LIMIT });
  b = await buildConsole({ dataDir: a.dir, databaseUrl: (await testDatabaseUrl(a.dir))!, ingestRateLimit: LIMIT });
});
afterEach(async () => {
  await b.app.close();
  await a.close();
});

it.runIf(testEngine() === 'postgres')('counts one token across both nodes: the limit holds for the fleet, with Retry-After', async () => {
  const post = async (node: BuiltConsole, n: number) =>
    node.app.inject({ method: 'POST', url: '/api/v1/events', headers: a.as('ingest'), payload: { events: [await sampleEvent({ id: sampleId(n) })] } });
  const codes = [];
  for (const [n, node] of [a, b, a, b].entries()) codes.push((await post(node, n + 1)).statusCode);
  expect(codes).toEqual([200, 200, 200, 200]);
  const refused = [await post(a, 5), await post(b, 6)];
  expect(refused.map((r) => r.statusCode)).toEqual([429, 429]);
  for (const r of refused) expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
  expect(await a.services.events.count()).toBe(4);
  // Counted per token: another token still sends.
  const other = (await a.services.credentials.create({ name: 'ingest-2', role: 'ingest', createdBy: 'test' })).secret;
  const res = await b.app.inject({
    method: 'POST',
    url: '/api/v1/events',
    headers: { authorization: `Bearer ${other}` },
    payload: { events: [await sampleEvent({ id: sampleId(7) })] },
  });
  expect(res.statusCode).toBe(200);
});
