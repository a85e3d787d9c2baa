// Issue 15, item 3: nothing stored locally grows without bound.
import { describe, expect, it } from 'vitest';
import { openDatabase, readState } from '../../../src/background/db';
import { EventStore } from '../../../src/background/event-store';
import { Outbox } from '../../../src/background/outbox';
import { DEAD_LETTER_MAX_AGE_MS, pruneEvents } from '../../../src/background/retention';
import type { Runtime } from '../../../src/background/runtime';
import { nativeFormat } from '../../../src/core/formats/native';
import { sampleEvent, sampleId } from '../support/sample-event';

const DAY = 86_400_000;
const NOW = Date.parse('2026-11-23T10:00:00Z');
let dbCounter = 0;

describe('pruneEvents', () => {
  it('ages out events and dead letters, and counts expired letters as dropped', async () => {
    const db = await openDatabase(`retention-${++dbCounter}`);
    const old = await sampleEvent({ id: sampleId(1), observedAt: new Date(NOW - 40 * DAY).toISOString() });
    const young = await sampleEvent({ id: sampleId(2), observedAt: new Date(NOW - DAY).toISOString() });
    await new EventStore(db).add([old, young]);
    let clock = NOW - DEAD_LETTER_MAX_AGE_MS - DAY;
    const refusing = (async () => new Response('{}', { status: 401 })) as unknown as typeof fetch;
    const target = { url: 'https://b.example/e', token: 't', format: nativeFormat, maxBatchEvents: 10, maxBatchBytes: 1_000_000 };
    const outbox = new Outbox({ db, fetch: refusing, now: () => clock, random: () => 0, target: async () => target });
    await outbox.enqueue([old]);
    await outbox.flush();
    clock = NOW;
    await outbox.enqueue([young]);
    await outbox.flush({ ignoreBackoff: true });
    expect(await outbox.deadLetterCount()).toBe(2);

    const rt = { db: async () => db, config: async () => ({ policy: { retentionDays: 30 } }), deps: { now: () => NOW } } as unknown as Runtime;
    expect(await pruneEvents(rt)).toBe(1);
    expect((await db.getAll('events')).map((e) => e.id)).toEqual([young.id]);
    expect((await db.getAll('deadLetters')).map((d) => d.id)).toEqual([young.id]);
    expect(await readState(db, 'outboxStats')).toMatchObject({ dropped: 1, droppedTotal: 1 });
  });
});

describe('database version 4', () => {
  it('gives dead letters from version 3 an unknown target, so the next flush sends them again', async () => {
    const name = `retention-upgrade-${++dbCounter}`;
    const event = await sampleEvent({ id: sampleId(7) });
    await new Promise<void>((resolve, reject) => {
      const open = indexedDB.open(name, 3);
      open.onupgradeneeded = () => {
        const db = open.result;
        db.createObjectStore('events', { keyPath: 'id' }).createIndex('observedAt', 'observedAt');
        const outbox = db.createObjectStore('outbox', { keyPath: 'id' });
        outbox.createIndex('nextAttemptAt', 'nextAttemptAt');
        outbox.createIndex('rankAge', ['rank', 'enqueuedAt']);
        db.createObjectStore('state');
        db.createObjectStore('destinations', { keyPath: 'key' });
        const downloads = db.createObjectStore('downloads', { keyPath: 'id' });
        downloads.createIndex('matchKey', 'matchKey');
        downloads.createIndex('startedAt', 'startedAt');
        db.createObjectStore('deadLetters', { keyPath: 'id' }).createIndex('failedAt', 'failedAt');
        open.transaction!.objectStore('deadLetters').put({ id: event.id, event, error: 'backend answered HTTP 401', failedAt: 1 });
      };
      open.onsuccess = () => {
        open.result.close();
        resolve();
      };
      open.onerror = () => reject(open.error as Error);
    });
    const db = await openDatabase(name);
    expect((await db.getAll('deadLetters'))[0]).toMatchObject({ id: event.id, target: '' });
    const delivered: string[] = [];
    const accepting = (async (_url: string, init: RequestInit) => {
      delivered.push(...(JSON.parse(init.body as string) as { events: { id: string }[] }).events.map((e) => e.id));
      return new Response('{}', { status: 200 });
    }) as unknown as typeof fetch;
    const target = { url: 'https://b.example/e', token: 't', format: nativeFormat, maxBatchEvents: 10, maxBatchBytes: 1_000_000 };
    const outbox = new Outbox({ db, fetch: accepting, now: () => NOW, random: () => 0, target: async () => target });
    expect(await outbox.flush()).toMatchObject({ sent: 1, remaining: 0 });
    expect(delivered).toEqual([event.id]);
  });
});
