// @vitest-environment node
/**
 * A poison event: one the backend fails with a 500 every time it is sent, because of what it holds
 * (PostgreSQL answered 500 for good to a file name with U+0000). Delivery keeps the order events
 * were queued in, so such an event would hold back every event behind it until the outbox filled
 * and dropped them. Against a real local HTTP server: the others are delivered, in order; the poison
 * event stays queued and is retried, never dropped. A backend that is down, busy (503) or limiting
 * (429) changes nothing of the order: nothing is split, nothing overtakes.
 */
import 'fake-indexeddb/auto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/background/db';
import { Outbox } from '../../../src/background/outbox';
import { nativeFormat } from '../../../src/core/formats/native';
import { sampleEvent, sampleId } from '../support/sample-event';

/** How the file name with U+0000 reads in a JSON body. */
const MARKER = '\\u0000';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

type Mode = 'poison' | 'fixed' | 'down' | 503 | 429;

/** A backend on 127.0.0.1: in 'poison' it answers 500 to a body with the marker, 200 otherwise; 'down' drops the connection. */
async function backend() {
  const state = { mode: 'poison' as Mode, requests: [] as { ids: string[]; status: number }[] };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      const ids = (JSON.parse(body) as { events: { id: string }[] }).events.map((e) => e.id);
      if (state.mode === 'down') {
        state.requests.push({ ids, status: 0 });
        req.socket.destroy();
        return;
      }
      const status = typeof state.mode === 'number' ? state.mode : state.mode === 'poison' && body.includes(MARKER) ? 500 : 200;
      state.requests.push({ ids, status });
      res.writeHead(status, { 'Content-Type': 'application/json' }).end(status === 200 ? '{}' : '{"error":"internal"}');
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { state, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/events` };
}

let dbCounter = 0;
async function make(maxBatchEvents: number) {
  const { state, url } = await backend();
  const db = await openDatabase(`audit-poison-${++dbCounter}`);
  const clock = { now: 1_000_000 };
  const target = { url, token: 'tok', format: nativeFormat, maxBatchEvents, maxBatchBytes: 1_048_576 };
  const outbox = new Outbox({ db, fetch: globalThis.fetch, now: () => clock.now, random: () => 0, target: async () => target });
  /** Queues events one upload at a time, a second apart; `poison` ones carry U+0000 in their file name. */
  const upload = async (ns: number[], poison: number[] = []) => {
    for (const n of ns) {
      const name = poison.includes(n) ? 'report\u0000.pdf' : `file-${n}.pdf`;
      await outbox.enqueue([await sampleEvent({ id: sampleId(n), file: { name, size: 1000 + n, mimeType: 'application/pdf' } })]);
      clock.now += 1000;
    }
  };
  /** A flush when the retry alarm would fire: at the end of the backoff. */
  const retry = async () => {
    const next = await outbox.nextAttemptAt();
    if (next !== undefined && next > clock.now) clock.now = next;
    return outbox.flush();
  };
  const delivered = () => state.requests.filter((r) => r.status === 200).flatMap((r) => r.ids);
  const queued = async () => (await db.getAllFromIndex('outbox', 'nextAttemptAt')).map((e) => e.id);
  return { db, clock, state, outbox, upload, retry, delivered, queued };
}

const ids = (...ns: number[]) => ns.map(sampleId);

describe('outbox: an event the backend fails every time', () => {
  it('is isolated and moved behind the others, which are delivered in order; it stays queued and is retried', async () => {
    const s = await make(200);
    await s.upload([1, 2, 3, 4, 5, 6], [3]);
    for (let i = 0; i < 20 && (await s.outbox.depth()) > 1; i++) await s.retry();
    expect(s.delivered()).toEqual(ids(1, 2, 4, 5, 6));
    expect(await s.queued()).toEqual(ids(3));
    expect(await s.db.count('deadLetters')).toBe(0);
    // A failure that passes within a few tries changes nothing: the whole batch was sent again, as it was.
    expect(s.state.requests.slice(0, 3).map((r) => r.ids)).toEqual([ids(1, 2, 3, 4, 5, 6), ids(1, 2, 3, 4, 5, 6), ids(1, 2, 3, 4, 5, 6)]);

    // Still retried, on the backoff, not in a loop.
    const before = s.state.requests.length;
    const result = await s.retry();
    expect(s.state.requests.slice(before)).toEqual([{ ids: ids(3), status: 500 }]);
    expect(result).toMatchObject({ sent: 0, remaining: 1 });
    expect(result.error).toMatch(/HTTP 500/);
    expect(await s.outbox.nextAttemptAt()).toBeGreaterThan(s.clock.now);

    // A later upload goes at once, past it; and once the backend is fixed, it is delivered too.
    await s.upload([7]);
    expect(await s.outbox.flush()).toMatchObject({ sent: 1, remaining: 1 });
    expect(s.delivered()).toEqual(ids(1, 2, 4, 5, 6, 7));
    s.state.mode = 'fixed';
    expect(await s.retry()).toEqual({ sent: 1, remaining: 0 });
    expect(s.delivered()).toEqual(ids(1, 2, 4, 5, 6, 7, 3));
  });

  it('with two of them in a long queue, every other event is delivered, in order', async () => {
    const s = await make(4);
    await s.upload([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [2, 3]);
    for (let i = 0; i < 40 && (await s.outbox.depth()) > 2; i++) await s.retry();
    expect(s.delivered()).toEqual(ids(1, 4, 5, 6, 7, 8, 9, 10));
    // Both still queued, behind the others (each moved behind the queue in turn).
    expect((await s.queued()).sort()).toEqual(ids(2, 3));
    expect(await s.db.count('deadLetters')).toBe(0);
  });
});

describe('outbox: a backend down or busy for everything', () => {
  it.each(['down', 503, 429] as const)('%s: nothing is split or reordered, and all is delivered in order once it is back', async (mode) => {
    const s = await make(2);
    await s.upload([1, 2, 3, 4, 5], [2]);
    s.state.mode = mode;
    for (let i = 0; i < 12; i++) expect(await s.retry()).toMatchObject({ sent: 0, remaining: 5 });
    // Every attempt was the head batch, whole: never halved, never another batch first.
    expect(s.state.requests.map((r) => r.ids)).toEqual(Array.from({ length: 12 }, () => ids(1, 2)));
    expect(await s.queued()).toEqual(ids(1, 2, 3, 4, 5));
    s.state.mode = 'fixed';
    expect(await s.retry()).toEqual({ sent: 5, remaining: 0 });
    expect(s.delivered()).toEqual(ids(1, 2, 3, 4, 5));
  });
});
