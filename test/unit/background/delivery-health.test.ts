// Issue 15, items 3 and 4: storage trouble and dead letters reach the console in a `health` field of the native batch.
import { describe, expect, it } from 'vitest';
import { openDatabase, writeState, type Database } from '../../../src/background/db';
import { browserHealth } from '../../../src/background/delivery-health';
import { Outbox } from '../../../src/background/outbox';
import type { BackendTarget } from '../../../src/core/effective-config';
import { nativeTarget } from '../support/backend-target';
import { splunkHecFormat } from '../../../src/core/formats/splunk-hec';
import { NativeBatch, type BrowserHealth } from '../../../src/core/schema/event';
import { sampleEvent, sampleId } from '../support/sample-event';

let dbCounter = 0;
const EVENTS = await Promise.all(
  Array.from({ length: 8 }, (_, n) => sampleEvent({ id: sampleId(n), observedAt: new Date(1_700_000_000_000 + n).toISOString() })),
);
const TARGET = nativeTarget('token-a');
const DEVICE = { browser: 'Chrome', browserVersion: '156', os: 'linux', extensionVersion: '1.0.0' };

/** A console that refuses (400) any batch holding a `bad` id; every body it gets is parsed as the console would. */
function backend(bad: ReadonlySet<string> = new Set()) {
  const batches: NativeBatch[] = [];
  const fetchFn = (async (_url: string, init: RequestInit) => {
    const batch = NativeBatch.parse(JSON.parse(init.body as string));
    batches.push(batch);
    if (batch.events.some((e) => bad.has(e.id))) return new Response('{"error":"invalid event"}', { status: 400 });
    return new Response('{}', { status: 200 });
  }) as unknown as typeof fetch;
  return { batches, fetchFn };
}

async function rig(
  fetchFn: typeof fetch,
  target: () => BackendTarget = () => TARGET,
  now = () => 1_800_000_000_000,
): Promise<{ db: Database; outbox: Outbox }> {
  const db = await openDatabase(`delivery-health-${++dbCounter}`);
  const outbox: Outbox = new Outbox({
    db,
    fetch: fetchFn,
    now,
    random: () => 0,
    target: async () => target(),
    health: () => browserHealth({ db, outbox, now, device: async () => DEVICE, userEmail: async () => 'ada@example.com' }),
  });
  return { db, outbox };
}

describe('health on the native batch', () => {
  it('travels with every batch: who, which browser, no trouble, the queue', async () => {
    const console_ = backend();
    const { outbox } = await rig(console_.fetchFn);
    // Nothing wrong and nothing to send: no request of its own.
    await outbox.flush();
    expect(console_.batches).toHaveLength(0);
    await outbox.enqueue(EVENTS.slice(0, 3));
    expect(await outbox.flush()).toMatchObject({ sent: 3, remaining: 0 });
    expect(console_.batches).toHaveLength(1);
    const health = console_.batches[0]!.health!;
    expect(health).toMatchObject({
      user: { email: 'ada@example.com' },
      device: DEVICE,
      storage: { notKeptLocally: 0, prunedForSpace: 0 },
      deadLetters: { count: 0 },
      queued: 3,
    });
    expect(health.storage.trouble).toBeUndefined();
    // The id is made once and kept.
    await outbox.enqueue(EVENTS.slice(3, 4));
    await outbox.flush();
    expect(console_.batches.at(-1)!.health!.browserId).toBe(health.browserId);
  });

  it('reports a new dead letter at once, alone in a batch of no events, with its age and reason; unchanged health is not sent again', async () => {
    const console_ = backend(new Set([EVENTS[7]!.id]));
    const { outbox } = await rig(console_.fetchFn);
    await outbox.enqueue(EVENTS);
    expect(await outbox.flush()).toMatchObject({ sent: 7, deadLettered: 1 });
    const last = console_.batches.at(-1)!;
    expect(last.events).toEqual([]);
    expect(last.health!.deadLetters).toEqual({ count: 1, oldestAt: new Date(1_800_000_000_000).toISOString(), lastError: 'backend answered HTTP 400' });
    const sent = console_.batches.length;
    await outbox.flush();
    expect(console_.batches).toHaveLength(sent);
  });

  it('reports storage trouble and its end, and that forwarding went on', async () => {
    const console_ = backend();
    const { db, outbox } = await rig(console_.fetchFn);
    await writeState(db, 'storageHealth', {
      lastErrorAt: 1_799_000_000_000,
      lastError: '2 event(s) not kept on this device: the disk is full',
      notKeptLocally: 2,
      prunedForSpace: 1000,
    });
    await outbox.flush();
    expect(console_.batches.at(-1)!.health!.storage).toEqual({
      trouble: '2 event(s) not kept on this device: the disk is full',
      troubleSince: new Date(1_799_000_000_000).toISOString(),
      notKeptLocally: 2,
      prunedForSpace: 1000,
    });
    await writeState(db, 'storageHealth', { lastErrorAt: 1_799_000_000_000, lastOkAt: 1_799_000_000_001, notKeptLocally: 2, prunedForSpace: 1000 });
    await outbox.flush();
    expect(console_.batches.at(-1)!.health!.storage).toEqual({ notKeptLocally: 2, prunedForSpace: 1000 });
  });

  it('is not reported while the backend refuses the request (401), and is once it takes it', async () => {
    let target = TARGET;
    const bodies: string[] = [];
    const fetchFn = (async (_url: string, init: RequestInit) => {
      bodies.push(init.body as string);
      const ok = (init.headers as Record<string, string>).Authorization === 'Bearer token-b';
      return new Response('{}', { status: ok ? 200 : 401 });
    }) as unknown as typeof fetch;
    const { db, outbox } = await rig(fetchFn, () => target);
    await outbox.enqueue(EVENTS.slice(0, 2));
    await outbox.flush();
    expect(await outbox.deadLetterCount()).toBe(2);
    // The batch was refused as a request: no health report is tried after it (it would be refused the same way).
    expect(bodies).toHaveLength(1);
    expect(await db.get('state', 'reportedHealth')).toBeUndefined();
    target = { ...TARGET, token: 'token-b' };
    await outbox.flush();
    const health = (JSON.parse(bodies.at(-1)!) as { health: BrowserHealth }).health;
    expect(health.deadLetters.count).toBe(0);
    expect(await db.get('state', 'reportedHealth')).toContain('"count":0');
  });

  it('is left out, never sent, when it would not validate (the events go without it)', async () => {
    const console_ = backend();
    const db = await openDatabase(`delivery-health-${++dbCounter}`);
    const now = () => 1_800_000_000_000;
    const outbox: Outbox = new Outbox({
      db,
      fetch: console_.fetchFn,
      now,
      random: () => 0,
      target: async () => TARGET,
      health: () => browserHealth({ db, outbox, now, device: async () => DEVICE, userEmail: async () => `${'a'.repeat(400)}@example.com` }),
    });
    await outbox.enqueue(EVENTS.slice(0, 2));
    expect(await outbox.flush()).toMatchObject({ sent: 2, remaining: 0 });
    expect(console_.batches).toHaveLength(1);
    expect(console_.batches[0]!.health).toBeUndefined();
  });

  it('a failed health read never holds back the events', async () => {
    const console_ = backend();
    const db = await openDatabase(`delivery-health-${++dbCounter}`);
    const outbox = new Outbox({
      db,
      fetch: console_.fetchFn,
      now: () => 1,
      random: () => 0,
      target: async () => TARGET,
      health: () => Promise.reject(new Error('closing')),
    });
    await outbox.enqueue(EVENTS.slice(0, 2));
    expect(await outbox.flush()).toMatchObject({ sent: 2, remaining: 0 });
    expect(console_.batches[0]!.health).toBeUndefined();
  });

  it('is never put in other formats', async () => {
    const bodies: string[] = [];
    const fetchFn = (async (_url: string, init: RequestInit) => {
      bodies.push(init.body as string);
      return new Response('{"text":"Success","code":0}', { status: 200 });
    }) as unknown as typeof fetch;
    const { outbox } = await rig(fetchFn, () => ({ ...TARGET, format: splunkHecFormat }));
    await outbox.enqueue(EVENTS.slice(0, 2));
    await outbox.flush();
    expect(bodies).toHaveLength(1);
    expect(bodies[0]).not.toContain('browserId');
  });
});
