/**
 * Events that waited for a backend that was down are delivered in the order they were queued, and
 * the backoff paces the backend, not each entry: a queue longer than one batch must not send its
 * later batches while the first waits, nor shuffle events by giving each its own jitter.
 */
import { describe, expect, it } from 'vitest';
import { openDatabase, readState } from '../../../src/background/db';
import { Outbox } from '../../../src/background/outbox';
import { nativeTarget } from '../support/backend-target';
import { sampleEvent, sampleId } from '../support/sample-event';

let dbCounter = 0;

async function make(answers: number[], options: { maxBatchEvents?: number; random?: () => number } = {}) {
  const db = await openDatabase(`audit-order-${++dbCounter}`);
  const clock = { now: 1_000_000 };
  const requests: string[][] = [];
  const fetchFn = (async (_url: string, init: RequestInit) => {
    requests.push((JSON.parse(init.body as string) as { events: { id: string }[] }).events.map((e) => e.id));
    return new Response('{}', { status: answers.shift() ?? 200 });
  }) as unknown as typeof fetch;
  const target = { ...nativeTarget('tok'), maxBatchEvents: options.maxBatchEvents ?? 200 };
  const outbox = new Outbox({ db, fetch: fetchFn, now: () => clock.now, random: options.random ?? (() => 0), target: async () => target });
  /** Queues events one upload at a time, a second apart, as a person would. */
  const upload = async (...ns: number[]) => {
    for (const n of ns) {
      await outbox.enqueue([await sampleEvent({ id: sampleId(n) })]);
      clock.now += 1000;
    }
  };
  return { db, clock, requests, outbox, upload };
}

const ids = (...ns: number[]) => ns.map(sampleId);

describe('outbox order and backoff after a failure', () => {
  it('sends a failed batch again in one request, in the order it was queued, whatever jitter each event would get', async () => {
    const randoms = [0.9, 0.7, 0.5, 0.3, 0.1];
    const s = await make([503, 200], { random: () => randoms.shift() ?? 0 });
    await s.upload(1, 2, 3, 4, 5);
    expect(await s.outbox.flush()).toMatchObject({ sent: 0, remaining: 5, error: 'backend answered HTTP 503' });
    s.clock.now += 10 * 60_000;
    expect(await s.outbox.flush()).toEqual({ sent: 5, remaining: 0 });
    expect(s.requests).toEqual([ids(1, 2, 3, 4, 5), ids(1, 2, 3, 4, 5)]);
  });

  it('holds the later batches of a long queue while the first waits, then sends them all in order', async () => {
    const s = await make([503], { maxBatchEvents: 2 });
    await s.upload(1, 2, 3, 4, 5);
    await s.outbox.flush();
    // The retry alarm fires again before the backoff is over: nothing new was queued, so nothing is sent.
    expect(await s.outbox.flush()).toMatchObject({ sent: 0, remaining: 5 });
    expect(s.requests).toEqual([ids(1, 2)]);
    expect(await s.outbox.nextAttemptAt()).toBeGreaterThan(s.clock.now);
    s.clock.now += 10 * 60_000;
    expect(await s.outbox.flush()).toEqual({ sent: 5, remaining: 0 });
    expect(s.requests).toEqual([ids(1, 2), ids(1, 2), ids(3, 4), ids(5)]);
  });

  it('backs off longer after each failure in a row, and starts over after a delivery', async () => {
    const s = await make([503, 503, 503, 200, 503], { maxBatchEvents: 1 });
    await s.upload(1, 2);
    const waits: number[] = [];
    for (let i = 0; i < 3; i++) {
      await s.outbox.flush();
      const next = (await s.outbox.nextAttemptAt())!;
      waits.push(next - s.clock.now);
      s.clock.now = next;
    }
    expect(waits).toEqual([30_000, 60_000, 120_000]);
    // Event 1 goes, event 2 fails: the wait starts over from the first step.
    expect(await s.outbox.flush()).toMatchObject({ sent: 1, remaining: 1 });
    expect((await s.outbox.nextAttemptAt())! - s.clock.now).toBe(30_000);
    expect(s.requests).toEqual([ids(1), ids(1), ids(1), ids(1), ids(2)]);
    expect((await readState(s.db, 'deliveryStatus')).lastError).toBe('backend answered HTTP 503');
  });

  it('an upload during the backoff is sent at once, behind the events that waited, never before them', async () => {
    const s = await make([503, 200]);
    await s.upload(1);
    await s.outbox.flush();
    await s.upload(2);
    expect(await s.outbox.flush()).toEqual({ sent: 2, remaining: 0 });
    expect(s.requests).toEqual([ids(1), ids(1, 2)]);
  });
});
