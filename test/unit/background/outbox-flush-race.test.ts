/**
 * Events queued while a flush is running are sent by the flush asked for them, not left for the
 * retry alarm (the e2e delivery flake: an upload during a refused request waited a minute).
 */
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/background/db';
import { Outbox } from '../../../src/background/outbox';
import type { BrowserHealth } from '../../../src/core/schema/event';
import { nativeTarget } from '../support/backend-target';
import { sampleEvent, sampleId } from '../support/sample-event';

let dbCounter = 0;
const TARGET = nativeTarget('tok');
const event = (n: number) => sampleEvent({ id: sampleId(n), file: { name: `f${n}.py`, size: 1, mimeType: '' } });

/** A fetch whose answers the test releases one at a time, recording the event ids of each request. */
function heldFetch() {
  const requests: { ids: string[]; answer: (status: number) => void }[] = [];
  const fetchFn = ((_url: string, init: RequestInit) =>
    new Promise<Response>((resolve) => {
      const ids = (JSON.parse(init.body as string) as { events: { id: string }[] }).events.map((e) => e.id);
      requests.push({ ids, answer: (status) => resolve(new Response('{}', { status })) });
    })) as unknown as typeof fetch;
  return { requests, fetchFn };
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !check(); i++) await new Promise((r) => setTimeout(r, 1));
  expect(check()).toBe(true);
}

describe('Outbox: a flush asked for during another', () => {
  it('sends an event queued while the running flush waits on a refused request', async () => {
    const db = await openDatabase(`outbox-race-${++dbCounter}`);
    const { requests, fetchFn } = heldFetch();
    const outbox = new Outbox({ db, fetch: fetchFn, now: () => 1000, random: () => 0, target: async () => TARGET });
    await outbox.enqueue([await event(1)]);
    const first = outbox.flush();
    await until(() => requests.length === 1);
    await outbox.enqueue([await event(2)]);
    const second = outbox.flush();
    requests[0]!.answer(500);
    expect(await first).toMatchObject({ sent: 0, remaining: 2, error: 'backend answered HTTP 500' });
    await until(() => requests.length === 2);
    // The event that waited goes first, with the new one: delivery keeps the order they were queued in.
    expect(requests[1]!.ids).toEqual([(await event(1)).id, (await event(2)).id]);
    requests[1]!.answer(200);
    expect(await second).toEqual({ sent: 2, remaining: 0 });
  });

  it('sends an event queued after the running flush read what was due', async () => {
    const db = await openDatabase(`outbox-race-${++dbCounter}`);
    const { requests, fetchFn } = heldFetch();
    // The first health read (after the running flush found nothing due) is slow, like a worker under load.
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let reads = 0;
    const health = async () => {
      if (++reads === 1) await gate;
      return {} as BrowserHealth; // not valid, so left out: only when it is read matters here
    };
    const outbox = new Outbox({ db, fetch: fetchFn, now: () => 1000, random: () => 0, target: async () => TARGET, health });
    const first = outbox.flush();
    await until(() => reads === 1);
    await outbox.enqueue([await event(3)]);
    const second = outbox.flush();
    release();
    expect(await first).toEqual({ sent: 0, remaining: 1 });
    await until(() => requests.length === 1);
    requests[0]!.answer(200);
    expect(await second).toEqual({ sent: 1, remaining: 0 });
    expect(requests.map((r) => r.ids)).toEqual([[(await event(3)).id]]);
  });

  it('shares one follow-up pass among every caller that arrived during a flush', async () => {
    const db = await openDatabase(`outbox-race-${++dbCounter}`);
    const { requests, fetchFn } = heldFetch();
    const outbox = new Outbox({ db, fetch: fetchFn, now: () => 1000, random: () => 0, target: async () => TARGET });
    await outbox.enqueue([await event(4)]);
    const first = outbox.flush();
    await until(() => requests.length === 1);
    const [a, b] = [outbox.flush(), outbox.flush()];
    expect(a).toBe(b);
    requests[0]!.answer(200);
    expect(await first).toEqual({ sent: 1, remaining: 0 });
    expect(await a).toEqual({ sent: 0, remaining: 0 });
    expect(requests).toHaveLength(1);
  });
});
