// @vitest-environment node
/**
 * The outbox against a real local HTTP server answering nonsense in every wire format: HTML, cut
 * JSON, wrong shapes, errors. Whatever it answers, no event is lost: what was not clearly accepted
 * stays queued (or, refused, kept as a dead letter), and the status says what the backend answered.
 */
import 'fake-indexeddb/auto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, readState } from '../../../src/background/db';
import { Outbox } from '../../../src/background/outbox';
import type { BackendTarget } from '../../../src/core/effective-config';
import { wireFormatFor } from '../../../src/core/formats';
import type { BackendFormat } from '../../../src/core/schema/identifiers';
import { sampleEvent, sampleId } from '../support/sample-event';

interface Answer {
  status: number;
  type?: string;
  body: string;
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** A backend on 127.0.0.1 giving the answers in turn (then 200 `{}`), counting requests. */
async function backend(answers: Answer[]) {
  const state = { requests: 0 };
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      state.requests++;
      const a = answers.shift() ?? { status: 200, type: 'application/json', body: '{}' };
      res.writeHead(a.status, { 'Content-Type': a.type ?? 'application/json' }).end(a.body);
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { state, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/ingest` };
}

let dbCounter = 0;
async function flushTo(format: BackendFormat, answers: Answer[]) {
  const { state, url } = await backend(answers);
  const db = await openDatabase(`audit-answers-${++dbCounter}`);
  const target: BackendTarget = { url, token: 'tok', format: wireFormatFor(format), maxBatchEvents: 200, maxBatchBytes: 1_048_576 };
  const outbox = new Outbox({ db, fetch: globalThis.fetch, now: () => 1000, random: () => 0, target: async () => target });
  await outbox.enqueue(await Promise.all([1, 2].map((n) => sampleEvent({ id: sampleId(n) }))));
  const result = await outbox.flush();
  return { result, db, state, lastError: (await readState(db, 'deliveryStatus')).lastError };
}

const html = (status: number): Answer => ({ status, type: 'text/html', body: '<html><body>Bad gateway</body></html>' });

describe('outbox: a backend answering nonsense', () => {
  it.each(['native', 'splunk_hec', 'elastic', 'ocsf', 'xsoar'] as const)('%s: an HTML 502 keeps every event queued, to retry', async (format) => {
    const { result, db } = await flushTo(format, [html(502)]);
    expect(result).toMatchObject({ sent: 0, remaining: 2, error: 'backend answered HTTP 502' });
    expect(await db.count('deadLetters')).toBe(0);
  });

  it.each([
    ['an HTML page', html(200)],
    ['JSON cut short', { status: 200, body: '{"took":3,"errors":false,"items":[{"create":' }],
  ])('elastic: %s with a 200 is not taken as accepted', async (_what, answer) => {
    const { result } = await flushTo('elastic', [answer]);
    expect(result).toMatchObject({ sent: 0, remaining: 2, error: 'Elasticsearch answered something that is not JSON' });
  });

  it.each([
    ['null', 'null'],
    ['an item that is not an object', '{"errors":true,"items":[null,null]}'],
  ])('elastic: a 200 of %s keeps the events and says the answer was unreadable, not that the backend is unreachable', async (_what, body) => {
    const { result, lastError } = await flushTo('elastic', [{ status: 200, body }]);
    expect(result).toMatchObject({ sent: 0, remaining: 2 });
    expect(result.error).toMatch(/^backend answered HTTP 200 that could not be read/);
    expect(lastError).toBe(result.error);
  });

  it.each([
    ['no items', '{"errors":true}', 0],
    ['items that are not a list', '{"errors":true,"items":"none"}', 0],
    ['an item for the first event only', '{"errors":true,"items":[{"create":{"status":201}}]}', 1],
  ])('elastic: a 200 with errors: true and %s delivers no event it does not name', async (_what, body, named) => {
    const { result, db } = await flushTo('elastic', [{ status: 200, body }]);
    expect(result).toMatchObject({ sent: named, remaining: 2 - named });
    expect(result.error).toBeDefined();
    expect(await db.count('deadLetters')).toBe(0);
  });

  it('elastic: items beyond the batch settle nothing beyond it (the flush does not fail)', async () => {
    const items = [{ create: { status: 201 } }, { create: { status: 201 } }, { create: { status: 400, error: { type: 'x' } } }];
    const { result, db } = await flushTo('elastic', [{ status: 200, body: JSON.stringify({ errors: true, items }) }]);
    expect(result).toEqual({ sent: 2, remaining: 0 });
    expect(await db.count('deadLetters')).toBe(0);
  });

  it('splunk_hec: a 200 carrying HEC code 9 (server busy) is retried, code 6 (invalid data) refused', async () => {
    const busy = await flushTo('splunk_hec', [{ status: 200, body: '{"text":"Server is busy","code":9}' }]);
    expect(busy.result).toMatchObject({ sent: 0, remaining: 2, error: 'backend answered HTTP 503: HEC code 9 Server is busy' });
    // Refused: halved until each event stands alone, every request refused the same way.
    const refusal = { status: 400, body: '{"text":"Invalid data format","code":6}' };
    const invalid = await flushTo('splunk_hec', [refusal, refusal, refusal]);
    expect(invalid.result).toMatchObject({ sent: 0, remaining: 0, deadLettered: 2 });
  });
});
