// Issue 15, item 4: dead letters no longer wait forever for a click.
import { describe, expect, it } from 'vitest';
import { openDatabase, readState } from '../../../src/background/db';
import { Outbox, targetFingerprint } from '../../../src/background/outbox';
import { DEFAULT_OUTBOX_LIMITS, OutboxQueue } from '../../../src/background/outbox-queue';
import { nativeTarget } from '../support/backend-target';
import { splunkHecFormat } from '../../../src/core/formats/splunk-hec';
import { sampleEvent, sampleId } from '../support/sample-event';

let dbCounter = 0;
const freshDb = () => openDatabase(`outbox-dead-letters-${++dbCounter}`);

const EVENTS = await Promise.all(
  Array.from({ length: 200 }, (_, n) => sampleEvent({ id: sampleId(n), observedAt: new Date(1_700_000_000_000 + n).toISOString() })),
);
const TARGET = nativeTarget('token-a');

/** A backend that refuses (400) any batch holding one of the `bad` ids and takes the rest; 401 to any other token. */
function strictBackend(bad: ReadonlySet<string>, token = 'token-a') {
  const requests: string[][] = [];
  const accepted = new Set<string>();
  const fetchFn = (async (_url: string, init: RequestInit) => {
    const ids = (JSON.parse(init.body as string) as { events: { id: string }[] }).events.map((e) => e.id);
    requests.push(ids);
    if ((init.headers as Record<string, string>).Authorization !== `Bearer ${token}`) return new Response('{}', { status: 401 });
    if (ids.some((id) => bad.has(id))) return new Response('{"error":"invalid event"}', { status: 400 });
    for (const id of ids) accepted.add(id);
    return new Response('{}', { status: 200 });
  }) as unknown as typeof fetch;
  return { requests, accepted, fetchFn, rotate: (next: string) => (token = next) };
}

describe('a refused batch is split to isolate the bad event', () => {
  it('delivers the 199 good events of a batch of 200 and parks only the bad one', async () => {
    const db = await freshDb();
    const bad = EVENTS[137]!.id;
    const backend = strictBackend(new Set([bad]));
    const outbox = new Outbox({ db, fetch: backend.fetchFn, now: () => 1000, random: () => 0, target: async () => TARGET });
    await outbox.enqueue(EVENTS);
    expect(await outbox.flush()).toMatchObject({ sent: 199, remaining: 0, deadLettered: 1 });
    expect(backend.accepted.size).toBe(199);
    expect((await db.getAll('deadLetters')).map((d) => [d.id, d.error])).toEqual([[bad, 'backend answered HTTP 400']]);
    // Halving: one refused request per level down to the event, plus the accepted halves.
    expect(backend.requests.length).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(200)) + 1);
  });

  it('isolates several bad events', async () => {
    const db = await freshDb();
    const bad = new Set([EVENTS[3]!.id, EVENTS[4]!.id, EVENTS[60]!.id]);
    const backend = strictBackend(bad);
    const outbox = new Outbox({ db, fetch: backend.fetchFn, now: () => 1000, random: () => 0, target: async () => TARGET });
    await outbox.enqueue(EVENTS.slice(0, 64));
    expect(await outbox.flush()).toMatchObject({ sent: 61, remaining: 0, deadLettered: 3 });
    expect(new Set((await db.getAll('deadLetters')).map((d) => d.id))).toEqual(bad);
  });
});

describe('dead letters are sent again when the backend settings change', () => {
  it('a 401 after a token rotation parks the batch in one request; the new token by policy delivers it without a click', async () => {
    const db = await freshDb();
    const backend = strictBackend(new Set(), 'token-b');
    let target = TARGET;
    const outbox = new Outbox({ db, fetch: backend.fetchFn, now: () => 1000, random: () => 0, target: async () => target });
    await outbox.enqueue(EVENTS.slice(0, 10));
    expect(await outbox.flush()).toMatchObject({ sent: 0, deadLettered: 10 });
    expect(backend.requests).toHaveLength(1);
    // Same settings: they stay aside, nothing is sent again.
    expect(await outbox.flush()).toMatchObject({ sent: 0, remaining: 0 });
    expect(backend.requests).toHaveLength(1);
    expect(await outbox.deadLetterCount()).toBe(10);

    target = { ...TARGET, token: 'token-b' };
    expect(await outbox.flush()).toMatchObject({ sent: 10, remaining: 0 });
    expect(await outbox.deadLetterCount()).toBe(0);
    expect(backend.accepted.size).toBe(10);
  });

  it('a new address or format counts as new settings too; the letters carry a digest, never the token', async () => {
    const base = await targetFingerprint(TARGET);
    expect(await targetFingerprint({ ...TARGET })).toBe(base);
    expect(await targetFingerprint({ ...TARGET, url: 'https://other.example/api/v1/events' })).not.toBe(base);
    expect(await targetFingerprint({ ...TARGET, format: splunkHecFormat })).not.toBe(base);
    expect(await targetFingerprint({ ...TARGET, token: 'token-b' })).not.toBe(base);

    const db = await freshDb();
    const outbox = new Outbox({ db, fetch: strictBackend(new Set([EVENTS[0]!.id])).fetchFn, now: () => 1000, random: () => 0, target: async () => TARGET });
    await outbox.enqueue([EVENTS[0]!]);
    await outbox.flush();
    const [letter] = await db.getAll('deadLetters');
    expect(letter).toMatchObject({ id: EVENTS[0]!.id, target: base });
    expect(JSON.stringify(letter)).not.toContain('token-a');
  });
});

describe('dead letters age out', () => {
  it('drops letters past their age, then the oldest past the cap, and counts them as dropped for the next batch', async () => {
    const db = await freshDb();
    const queue = new OutboxQueue(db, DEFAULT_OUTBOX_LIMITS);
    let now = 0;
    const outbox = new Outbox({ db, fetch: strictBackend(new Set(), 'other').fetchFn, now: () => now, random: () => 0, target: async () => TARGET });
    for (let i = 0; i < 6; i++) {
      now = i * 1000;
      await outbox.enqueue([EVENTS[i]!]);
      await outbox.flush({ ignoreBackoff: true });
    }
    expect(await outbox.deadLetterCount()).toBe(6);
    // Older than 2,000: letters 0 and 1; then at most 3 may stay: letter 2 goes too.
    expect(await queue.expireDeadLetters(2000, 3)).toBe(3);
    expect((await db.getAll('deadLetters')).map((d) => d.id).sort()).toEqual([EVENTS[3]!.id, EVENTS[4]!.id, EVENTS[5]!.id].sort());
    expect(await readState(db, 'outboxStats')).toMatchObject({ dropped: 3, droppedTotal: 3 });
  });
});
