// @vitest-environment node
/**
 * A batch with a risk score beyond what the console stores (the events table's score is a 32-bit
 * integer on PostgreSQL) is a 400 naming the event, not a 500 the sender retries for ever; nothing
 * of the batch is stored. A score the extension computes (weights of at most 10 each) is far below.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { makeTestConsole, type TestConsole } from '../support/test-console';
import { sampleEvent, sampleId } from '../support/sample-event';

let built: TestConsole;
beforeAll(async () => {
  built = await makeTestConsole({ ingestRateLimit: false });
});
afterAll(() => built.close());

const post = (events: unknown[]) => built.app.inject({ method: 'POST', url: '/api/v1/events', headers: built.as('ingest'), payload: { events } });

it.each([2 ** 31, 2 ** 53 - 1])('refuses a score of %d with a 400 naming the event, storing nothing of the batch', async (score) => {
  const fine = await sampleEvent({ id: sampleId(1) });
  const forged = await sampleEvent({ id: sampleId(2) });
  forged.risk.score = score;
  const res = await post([fine, forged]);
  expect(res.statusCode, res.body).toBe(400);
  expect(res.json()).toMatchObject({ error: 'invalid body', issues: [{ path: 'events.1.risk.score', message: expect.stringMatching(/2147483647/) }] });
  expect(await built.services.events.count()).toBe(0);
});

it('stores the largest score it keeps, searchable by it', async () => {
  const top = await sampleEvent({ id: sampleId(3) });
  top.risk.score = 2 ** 31 - 1;
  top.risk.severity = 'critical';
  expect((await post([top])).statusCode).toBe(200);
  const found = await built.app.inject({ method: 'GET', url: '/api/v1/events?order=riskiest&minScore=10000', headers: built.as('read_only') });
  expect((found.json().events as { id: string; risk: { score: number } }[]).map((e) => [e.id, e.risk.score])).toEqual([[top.id, 2 ** 31 - 1]]);
});
