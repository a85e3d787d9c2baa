import { describe, expect, it } from 'vitest';
import { openDatabase, readState } from '../../../src/background/db';
import { Outbox } from '../../../src/background/outbox';
import type { BackendTarget } from '../../../src/core/effective-config';
import { gunzipSync, gzipSync } from 'node:zlib';
import { elasticFormat } from '../../../src/core/formats/elastic';
import { nativeTarget } from '../support/backend-target';
import { xsoarFormat } from '../../../src/core/formats/xsoar';
import { sampleEvent, sampleId } from '../support/sample-event';

let dbCounter = 0;
const freshDb = () => openDatabase(`outbox-test-${++dbCounter}`);

const EVENTS = await Promise.all(
  Array.from({ length: 450 }, (_, n) =>
    sampleEvent({ id: sampleId(n), observedAt: new Date(1_700_000_000_000 + n).toISOString(), file: { name: `f${n}.py`, size: 1, mimeType: '' } }),
  ),
);
const event = (n: number) => EVENTS[n]!;

const TARGET = nativeTarget('tok');

type Answer = number | Error | { status: number; body?: string; headers?: Record<string, string> };

function recordingFetch(responses: Answer[]) {
  const calls: { url: string; init: RequestInit }[] = [];
  const fetchFn = (async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    const next = responses.shift() ?? 200;
    if (next instanceof Error) throw next;
    const answer = typeof next === 'number' ? { status: next } : next;
    return new Response(answer.body ?? '{}', { status: answer.status, headers: answer.headers ?? {} });
  }) as unknown as typeof fetch;
  return { calls, fetchFn };
}

const ids = (init: RequestInit) => JSON.parse(init.body as string).events.map((e: { id: string }) => e.id);

describe('Outbox', () => {
  it('sends native batches with the bearer token and empties on 2xx', async () => {
    const db = await freshDb();
    const { calls, fetchFn } = recordingFetch([200]);
    const outbox = new Outbox({ db, fetch: fetchFn, now: () => 1000, random: () => 0, target: async () => TARGET });
    await outbox.enqueue([event(1), event(2)]);
    expect(await outbox.flush()).toEqual({ sent: 2, remaining: 0 });
    expect(calls).toHaveLength(1);
    expect(calls[0]!.url).toBe(TARGET.url);
    expect((calls[0]!.init.headers as Record<string, string>).Authorization).toBe('Bearer tok');
    expect(JSON.parse(calls[0]!.init.body as string).events.map((e: { id: string }) => e.id)).toEqual([event(1).id, event(2).id]);
    expect((await readState(db, 'deliveryStatus')).lastSuccessAt).toBe(1000);
  });

  it.each([[500], [503], [408], [new TypeError('Failed to fetch')]])('keeps every event when the backend answers %s, and retries later', async (answer) => {
    const db = await freshDb();
    let now = 1000;
    const { calls, fetchFn } = recordingFetch([answer, 200]);
    const outbox = new Outbox({ db, fetch: fetchFn, now: () => now, random: () => 0.5, target: async () => TARGET });
    await outbox.enqueue([event(1), event(2), event(3)]);
    const failed = await outbox.flush();
    expect(failed).toMatchObject({ sent: 0, remaining: 3 });
    expect((await readState(db, 'deliveryStatus')).consecutiveFailures).toBe(1);
    // Backing off: nothing is due yet.
    expect(await outbox.flush()).toMatchObject({ sent: 0, remaining: 3 });
    expect(calls).toHaveLength(1);
    now += 60_000;
    expect(await outbox.flush()).toEqual({ sent: 3, remaining: 0 });
  });

  it('waits without a backend, then delivers when one is configured', async () => {
    const db = await freshDb();
    const { fetchFn } = recordingFetch([]);
    const config: { target?: BackendTarget } = {};
    const outbox = new Outbox({ db, fetch: fetchFn, now: () => 1, random: () => 0, target: async () => config.target });
    await outbox.enqueue([event(1)]);
    expect(await outbox.flush()).toMatchObject({ sent: 0, remaining: 1, error: 'no backend configured' });
    config.target = TARGET;
    expect(await outbox.flush()).toEqual({ sent: 1, remaining: 0 });
  });

  it('refuses a plain-HTTP backend off loopback and keeps the events', async () => {
    const db = await freshDb();
    const { calls, fetchFn } = recordingFetch([]);
    const outbox = new Outbox({ db, fetch: fetchFn, now: () => 1, random: () => 0, target: async () => ({ ...TARGET, url: 'http://collector.example/x' }) });
    await outbox.enqueue([event(1)]);
    expect((await outbox.flush()).error).toMatch(/HTTPS/);
    expect(calls).toHaveLength(0);
    expect(await outbox.depth()).toBe(1);
  });

  it('sends large queues in bounded batches', async () => {
    const db = await freshDb();
    const { calls, fetchFn } = recordingFetch([]);
    const outbox = new Outbox({ db, fetch: fetchFn, now: () => 1, random: () => 0, target: async () => TARGET });
    await outbox.enqueue(Array.from({ length: 450 }, (_, i) => event(i)));
    expect(await outbox.flush()).toEqual({ sent: 450, remaining: 0 });
    expect(calls.map((c) => JSON.parse(c.init.body as string).events.length)).toEqual([200, 200, 50]);
  });
});

describe('Outbox: refusals, splits, Retry-After, caps, gzip', () => {
  const make = async (answers: Answer[], over: Partial<ConstructorParameters<typeof Outbox>[0]> = {}) => {
    const db = await freshDb();
    const clock = { now: 1000 };
    const { calls, fetchFn } = recordingFetch(answers);
    const outbox = new Outbox({ db, fetch: fetchFn, now: () => clock.now, random: () => 0, target: async () => TARGET, ...over });
    return { db, clock, calls, outbox };
  };

  // Refusals of the request itself (credentials, address): one request, the whole batch aside.
  // A refusal of content (400, 422…) is split instead: outbox-dead-letters.test.ts.
  it.each([401, 403, 404, 410])('moves a batch refused with %i aside as dead letters, visible with the error', async (status) => {
    const { db, outbox } = await make([status]);
    await outbox.enqueue([event(1), event(2), event(3)]);
    expect(await outbox.flush()).toMatchObject({ sent: 0, remaining: 0, deadLettered: 3 });
    expect(await outbox.deadLetterCount()).toBe(3);
    expect((await db.getAll('deadLetters'))[0]!.error).toBe(`backend answered HTTP ${status}`);
    expect((await readState(db, 'deliveryStatus')).lastError).toMatch(/3 event\(s\) refused and kept as dead letters/);
  });

  it('puts dead letters back in the queue when the admin asks, and sends them', async () => {
    const { db, outbox } = await make([401, 200]);
    await outbox.enqueue([event(1), event(2)]);
    await outbox.flush();
    expect(await outbox.deadLetterCount()).toBe(2);
    expect(await outbox.requeueDeadLetters()).toBe(2);
    expect(await outbox.deadLetterCount()).toBe(0);
    expect(await outbox.flush()).toMatchObject({ sent: 2, remaining: 0 });
    expect(await db.count('deadLetters')).toBe(0);
  });

  it('splits a batch the backend finds too large (413), down to single events', async () => {
    const { calls, outbox, db } = await make([413, 200, 413, 200, 413]);
    await outbox.enqueue([event(1), event(2), event(3), event(4)]);
    // [1,2,3,4] → 413; [1,2] → 200; [3,4] → 413; [3] → 200; [4] → 413 alone: dead letter.
    expect(await outbox.flush()).toMatchObject({ sent: 3, remaining: 0, deadLettered: 1 });
    expect(calls.map((c) => ids(c.init).length)).toEqual([4, 2, 2, 1, 1]);
    expect((await db.getAll('deadLetters')).map((d) => d.id)).toEqual([event(4).id]);
  });

  it('honours Retry-After', async () => {
    const { clock, calls, outbox } = await make([{ status: 429, headers: { 'Retry-After': '120' } }, 200]);
    await outbox.enqueue([event(1)]);
    expect((await outbox.flush()).error).toBe('backend answered HTTP 429');
    clock.now += 100_000;
    expect(await outbox.flush()).toMatchObject({ sent: 0, remaining: 1 });
    clock.now += 21_000;
    expect(await outbox.flush()).toMatchObject({ sent: 1, remaining: 0 });
    expect(calls).toHaveLength(2);
  });

  it('drops the lowest severity first when full, and the count travels with the next batch', async () => {
    const { db, calls, outbox } = await make([200, 200], { limits: { maxEvents: 3, maxBytes: 10_000_000 } });
    const low = await sampleEvent({ id: sampleId(900), tab: { url: 'https://example.org/', title: '' }, file: { name: 'a.bin', size: 1, mimeType: '' } });
    const critical = await sampleEvent({ id: sampleId(901), context: { offHours: true, destinationUse: 'first' } });
    expect([low.risk.severity, event(1).risk.severity, critical.risk.severity]).toEqual(['low', 'high', 'critical']);
    await outbox.enqueue([event(1), low, event(2)]);
    await outbox.enqueue([critical, event(3)]);
    expect(await outbox.depth()).toBe(3);
    const kept = (await db.getAll('outbox')).map((e) => e.id).sort();
    expect(kept).toEqual([event(2).id, event(3).id, critical.id].sort());
    expect(await readState(db, 'outboxStats')).toMatchObject({ dropped: 2, droppedTotal: 2 });
    await outbox.flush();
    expect(JSON.parse(calls[0]!.init.body as string).droppedEvents).toBe(2);
    expect(await readState(db, 'outboxStats')).toMatchObject({ dropped: 0, droppedTotal: 2, bytes: 0 });
  });

  it('drops script-made events before any trusted one when full, whatever their severity', async () => {
    const { db, outbox } = await make([], { limits: { maxEvents: 2, maxBytes: 10_000_000 } });
    const critical = await sampleEvent({ id: sampleId(910), context: { offHours: true, destinationUse: 'first' } });
    const madeUp = { ...critical, id: sampleId(911), trustedEvent: false };
    const low = await sampleEvent({ id: sampleId(912), tab: { url: 'https://example.org/', title: '' }, file: { name: 'a.bin', size: 1, mimeType: '' } });
    expect([critical.trustedEvent, low.trustedEvent, low.risk.severity]).toEqual([true, true, 'low']);
    await outbox.enqueue([low, critical]);
    await outbox.enqueue([madeUp]);
    expect((await db.getAll('outbox')).map((e) => e.id).sort()).toEqual([low.id, critical.id].sort());
    expect(await readState(db, 'outboxStats')).toMatchObject({ dropped: 1 });
  });

  it('caps by bytes too', async () => {
    const size = JSON.stringify(event(1)).length;
    const { outbox } = await make([], { limits: { maxEvents: 100, maxBytes: size * 2 + 10 } });
    await outbox.enqueue([event(1), event(2), event(3), event(4)]);
    expect(await outbox.depth()).toBe(2);
  });

  it('counts the bytes of an event queued twice in one batch once, as its second version', async () => {
    const { db, outbox } = await make([]);
    const second = { ...event(2), id: event(1).id };
    await outbox.enqueue([event(3)]);
    await outbox.enqueue([event(1), second]);
    expect(await outbox.depth()).toBe(2);
    expect(await readState(db, 'outboxStats')).toMatchObject({ bytes: JSON.stringify(event(3)).length + JSON.stringify(second).length });
  });

  it('bounds batches by bytes', async () => {
    const size = JSON.stringify(event(1)).length;
    // Two events and their envelope ({"events":[…,…]}, 13 bytes) fit; three do not.
    const { calls, outbox } = await make([200, 200], { target: async () => ({ ...TARGET, maxBatchBytes: size * 2 + 20 }) });
    await outbox.enqueue([event(1), event(2), event(3), event(4)]);
    expect(await outbox.flush()).toMatchObject({ sent: 4, remaining: 0 });
    expect(calls.map((c) => ids(c.init).length)).toEqual([2, 2]);
  });

  it('gzips bodies where the format allows, and falls back to plain on 415', async () => {
    const gzip = async (body: string) => new Uint8Array(gzipSync(body));
    const { calls, outbox } = await make([415, 200], { gzip });
    await outbox.enqueue([event(1)]);
    expect(await outbox.flush()).toMatchObject({ sent: 1 });
    const [first, second] = calls;
    expect((first!.init.headers as Record<string, string>)['Content-Encoding']).toBe('gzip');
    expect(JSON.parse(gunzipSync(first!.init.body as Uint8Array).toString()).events[0].id).toBe(event(1).id);
    expect((second!.init.headers as Record<string, string>)['Content-Encoding']).toBeUndefined();
    expect(ids(second!.init)).toEqual([event(1).id]);
  });

  it('settles Elasticsearch _bulk answers item by item', async () => {
    const items = [
      { create: { status: 201 } },
      { create: { status: 409 } },
      { create: { status: 429 } },
      { create: { status: 400, error: { type: 'mapper_parsing_exception', reason: 'bad' } } },
    ];
    const { db, outbox } = await make([{ status: 200, body: JSON.stringify({ errors: true, items }) }], {
      target: async () => ({ ...TARGET, format: elasticFormat }),
    });
    await outbox.enqueue([event(1), event(2), event(3), event(4)]);
    expect(await outbox.flush()).toMatchObject({ sent: 2, deadLettered: 1, remaining: 1 });
    expect((await db.getAll('outbox')).map((e) => e.id)).toEqual([event(3).id]);
    expect((await db.getAll('deadLetters')).map((d) => [d.id, d.error])).toEqual([[event(4).id, 'Elasticsearch 400: mapper_parsing_exception bad']]);
  });

  it('sends XSOAR incidents one per request', async () => {
    const { calls, outbox } = await make([200, 200, 200], { target: async () => ({ ...TARGET, format: xsoarFormat }) });
    await outbox.enqueue([event(1), event(2), event(3)]);
    expect(await outbox.flush()).toMatchObject({ sent: 3, remaining: 0 });
    expect(calls).toHaveLength(3);
    expect(JSON.parse(calls[0]!.init.body as string).rawJson.id).toBe(event(1).id);
  });
});
