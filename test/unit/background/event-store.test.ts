// Issue 15, items 9 and 10: the unseen count is a number kept with each write, and the badge is ordered.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { refreshBadge, type BadgeApi } from '../../../src/background/badge';
import { openDatabase, readState, writeState, type Database } from '../../../src/background/db';
import { EventStore } from '../../../src/background/event-store';
import { RiskHistory } from '../../../src/background/history';
import { Outbox } from '../../../src/background/outbox';
import type { Runtime } from '../../../src/background/runtime';
import { UploadStore } from '../../../src/background/upload-store';
import type { FileEvent } from '../../../src/core/schema/event';
import { sampleEvent, sampleId } from '../support/sample-event';

let dbCounter = 0;
const freshDb = () => openDatabase(`event-store-${++dbCounter}`);
const T0 = 1_700_000_000_000;

let n = 0;
/** Risky (the sample Dropbox upload scores 8) unless trusted; observed at T0 + seconds. */
const eventAt = (seconds: number, risky = true) =>
  sampleEvent({
    id: sampleId(++n),
    observedAt: new Date(T0 + seconds * 1000).toISOString(),
    ...(!risky && { destinationOptions: { trusted: ['dropbox.com'] } }),
  });

async function many(count: number, from = 0): Promise<FileEvent[]> {
  const one = await eventAt(from);
  return Array.from({ length: count }, (_, i) => ({ ...one, id: sampleId(++n), observedAt: new Date(T0 + (from + i) * 1000).toISOString() }));
}

describe('the unseen risky count', () => {
  it('follows every write, update and deletion, and always equals a full count', async () => {
    const db = await freshDb();
    const store = new EventStore(db);
    const check = async () =>
      expect(await store.unseenRisky()).toBe(await store.countRiskySince(new Date(await readState(db, 'popupLastSeenAt')).toISOString()));

    await store.add([await eventAt(1), await eventAt(2), await eventAt(3, false)]);
    expect(await store.unseenRisky()).toBe(2);
    await writeState(db, 'popupLastSeenAt', T0 + 2500);
    await check();
    expect(await store.unseenRisky()).toBe(0);
    const later = await eventAt(4);
    await store.add([later, await eventAt(5, false)]);
    expect(await store.unseenRisky()).toBe(1);
    // The same event stored again (a send recorded on it) is not counted twice.
    await store.add([{ ...later, transfers: [] }]);
    expect(await store.unseenRisky()).toBe(1);
    await store.add([await eventAt(10)]);
    expect(await store.unseenRisky()).toBe(2);
    await store.pruneOldest(4);
    await check();
    await store.pruneBefore(new Date(T0 + 9_000).toISOString());
    await check();
    expect(await store.unseenRisky()).toBe(1);
  });

  it('is taken once from the history when missing (after an update), then kept as a number', async () => {
    const db = await freshDb();
    await db.put('state', null, 'unseenRisky');
    const tx = db.transaction('events', 'readwrite');
    for (const e of await many(300)) await tx.store.put(e);
    await tx.done;
    expect(await readState(db, 'unseenRisky')).toBeNull();
    expect(await new EventStore(db).unseenRisky()).toBe(300);
    expect(await readState(db, 'unseenRisky')).toEqual({ since: 0, count: 300 });
  });

  it('keeps the local history within its cap, oldest first', async () => {
    const db = await freshDb();
    const store = new EventStore(db);
    const events = await many(30);
    await store.add(events);
    expect(await store.keepAtMost(20)).toBe(10);
    expect((await db.getAll('events')).map((e) => e.id).sort()).toEqual(
      events
        .slice(10)
        .map((e) => e.id)
        .sort(),
    );
    expect(await store.unseenRisky()).toBe(20);
  });
});

/** Every IndexedDB request and cursor step made while `work` runs. */
async function countRequests(work: () => Promise<unknown>): Promise<number> {
  let requests = 0;
  const spy = <T extends object>(proto: T, names: (keyof T & string)[]) => {
    for (const name of names) {
      const original = proto[name] as (...args: unknown[]) => unknown;
      vi.spyOn(proto, name as never).mockImplementation(function (this: unknown, ...args: unknown[]) {
        requests++;
        return original.apply(this, args);
      } as never);
    }
  };
  spy(IDBObjectStore.prototype, ['get', 'put', 'add', 'delete', 'count', 'getAll', 'getAllKeys', 'openCursor', 'openKeyCursor']);
  spy(IDBIndex.prototype, ['get', 'count', 'getAll', 'getAllKeys', 'openCursor', 'openKeyCursor']);
  spy(IDBCursor.prototype, ['continue', 'advance']);
  try {
    await work();
  } finally {
    vi.restoreAllMocks();
  }
  return requests;
}

describe('no step of the upload path grows with the stored history', () => {
  afterEach(() => vi.restoreAllMocks());

  it('stores an upload and counts the badge with as many requests at 2,000 unseen events as at none', async () => {
    const counts: number[] = [];
    for (const stored of [0, 2_000]) {
      const db = await freshDb();
      const events = new EventStore(db);
      if (stored) await events.add(await many(stored));
      await events.unseenRisky();
      const outbox = new Outbox({
        db,
        fetch: (() => Promise.reject(new Error('offline'))) as unknown as typeof fetch,
        now: () => T0,
        random: () => 0,
        target: async () => undefined,
      });
      const upload = new UploadStore(db, new RiskHistory(db, 'UTC'), outbox, () => T0);
      const files = await many(20, 10_000);
      counts.push(
        await countRequests(async () => {
          await upload.commit({ events: files, forward: files, destinations: [], activity: { weekday: 1, hour: 10, minute: 0, day: '2023-11-14' } });
          await events.unseenRisky();
        }),
      );
      expect(await events.unseenRisky()).toBe(stored + 20);
    }
    expect(counts[1]).toBe(counts[0]);
  });
});

describe('the badge and "seen" are ordered', () => {
  /** chrome.action whose first update is slow to land, as a busy browser's can be. */
  function slowAction() {
    const shown: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let calls = 0;
    const api: BadgeApi = {
      async setBadgeText({ text }) {
        if (++calls === 1) await gate;
        shown.push(text);
      },
      setBadgeBackgroundColor: async () => undefined,
      setTitle: async () => undefined,
    };
    return { api, shown, release, started: () => calls > 0 };
  }

  const runtime = (db: Database, errors: unknown[] = []) =>
    ({ db: async () => db, config: async () => ({ errors }), deps: { now: () => T0 } }) as unknown as Runtime;

  it('a start-up count still running when the popup is opened ends with an empty badge', async () => {
    const db = await freshDb();
    await new EventStore(db).add(await many(1_200));
    await db.put('state', null, 'unseenRisky');
    const rt = runtime(db);
    const { api, shown, release, started } = slowAction();
    const startUp = refreshBadge(rt, api);
    await vi.waitUntil(started, { timeout: 30_000 });
    // The popup opens: everything is seen, and the badge is refreshed.
    await writeState(db, 'popupLastSeenAt', T0 + 86_400_000);
    const afterSeen = refreshBadge(rt, api);
    release();
    await Promise.all([startUp, afterSeen]);
    expect(shown).toEqual(['999+', '']);
  });

  it('each refresh reads the stores only after the one before it has shown its count', async () => {
    const db = await freshDb();
    await new EventStore(db).add(await many(3));
    const log: string[] = [];
    const rt = { db: async () => db, config: async () => (log.push('read'), { errors: [] }), deps: { now: () => T0 } } as unknown as Runtime;
    const api: BadgeApi = {
      setBadgeText: async ({ text }) => void log.push(`show ${text}`),
      setBadgeBackgroundColor: async () => undefined,
      setTitle: async () => undefined,
    };
    const startUp = refreshBadge(rt, api);
    await writeState(db, 'popupLastSeenAt', T0 + 86_400_000);
    await Promise.all([startUp, refreshBadge(rt, api)]);
    // Read and shown in turn: a count taken before "seen" can never land after the one taken after it.
    expect(log.map((step) => step.split(' ')[0])).toEqual(['read', 'show', 'read', 'show']);
    expect(log.at(-1)).toBe('show ');
  });

  it('refreshes asked while one waits to start share it, and it counts what the last of them saw', async () => {
    const db = await freshDb();
    await new EventStore(db).add(await many(3));
    const rt = runtime(db);
    const { api, shown, release, started } = slowAction();
    const first = refreshBadge(rt, api);
    await vi.waitUntil(started, { timeout: 30_000 });
    // The stores of a folder's parts, each asking for a refresh while the first still shows its count.
    const waiting = [refreshBadge(rt, api), refreshBadge(rt, api)];
    await new EventStore(db).add(await many(2, 100));
    waiting.push(refreshBadge(rt, api));
    expect(new Set(waiting).size).toBe(1);
    release();
    await Promise.all([first, ...waiting]);
    expect(shown).toEqual(['3', '5']);
    // Once it has started, a new request is a refresh of its own.
    await writeState(db, 'popupLastSeenAt', T0 + 86_400_000);
    await refreshBadge(rt, api);
    expect(shown).toEqual(['3', '5', '']);
  });

  it('an event twice in one batch counts once (its second version replaces its first)', async () => {
    const db = await freshDb();
    const risky = await eventAt(1);
    const trusted = { ...(await eventAt(2, false)), id: risky.id };
    await new EventStore(db).add([risky, trusted, risky]);
    expect(await new EventStore(db).unseenRisky()).toBe(1);
    await new EventStore(db).add([trusted]);
    expect(await new EventStore(db).unseenRisky()).toBe(0);
  });

  it('shows storage trouble unless policy errors claim the badge', async () => {
    const db = await freshDb();
    await writeState(db, 'storageHealth', { lastErrorAt: 10, lastError: '3 event(s) not kept on this device', notKeptLocally: 3, prunedForSpace: 0 });
    const titles: string[] = [];
    const texts: string[] = [];
    const api: BadgeApi = {
      setBadgeText: async ({ text }) => void texts.push(text),
      setBadgeBackgroundColor: async () => undefined,
      setTitle: async ({ title }) => void titles.push(title),
    };
    await refreshBadge(runtime(db), api);
    expect([texts.at(-1), titles.at(-1)]).toEqual(['!', 'Upwatch: storage trouble: 3 event(s) not kept on this device']);
    await refreshBadge(runtime(db, [{ key: 'backendUrl', message: 'bad' }]), api);
    expect(titles.at(-1)).toMatch(/policy error in backendUrl/);
    await writeState(db, 'storageHealth', { lastErrorAt: 10, lastOkAt: 11, notKeptLocally: 3, prunedForSpace: 0 });
    await refreshBadge(runtime(db), api);
    expect([texts.at(-1), titles.at(-1)]).toEqual(['', 'Upwatch']);
  });
});
