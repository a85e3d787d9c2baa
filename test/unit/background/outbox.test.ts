import { describe, expect, it } from 'vitest';
import { openDatabase, readState } from '../../../src/background/db';
import { Outbox, type BackendTarget } from '../../../src/background/outbox';
import { nativeFormat } from '../../../src/core/formats/native';
import { sampleEvent, sampleId } from '../support/sample-event';

let dbCounter = 0;
const freshDb = () => openDatabase(`outbox-test-${++dbCounter}`);

const EVENTS = await Promise.all(
  Array.from({ length: 450 }, (_, n) =>
    sampleEvent({ id: sampleId(n), observedAt: new Date(1_700_000_000_000 + n).toISOString(), file: { name: `f${n}.py`, size: 1, mimeType: '' } }),
  ),
);
const event = (n: number) => EVENTS[n]!;

const TARGET: BackendTarget = { url: 'https://backend.example/api/v1/events', token: 'tok', format: nativeFormat };

function recordingFetch(responses: (number | Error)[]) {
  const calls: { url: string; init: RequestInit }[] = [];
  const fetchFn = (async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    const next = responses.shift() ?? 200;
    if (next instanceof Error) throw next;
    return new Response('{}', { status: next });
  }) as unknown as typeof fetch;
  return { calls, fetchFn };
}

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

  it.each([[500], [401], [new TypeError('Failed to fetch')]])('keeps every event when the backend answers %s, and retries later', async (answer) => {
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
