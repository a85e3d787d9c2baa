// Issue 15, item 3: a full disk stops neither forwarding nor the next upload.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openDatabase, readState, type Database } from '../../../src/background/db';
import { EventStore } from '../../../src/background/event-store';
import { RiskHistory } from '../../../src/background/history';
import { Outbox } from '../../../src/background/outbox';
import { readStorageHealth, ROOM_EVENTS, UploadStore, type UploadWrite } from '../../../src/background/upload-store';
import type { FileEvent } from '../../../src/core/schema/event';
import { sampleEvent, sampleId } from '../support/sample-event';

let dbCounter = 0;
const ACTIVITY = { weekday: 1, hour: 10, minute: 0, day: '2026-11-23' };

async function setup() {
  const db = await openDatabase(`upload-store-${++dbCounter}`);
  const clock = { now: 5_000 };
  const outbox = new Outbox({
    db,
    fetch: (() => Promise.reject(new Error('offline'))) as unknown as typeof fetch,
    now: () => clock.now,
    random: () => 0,
    target: async () => undefined,
  });
  const store = new UploadStore(db, new RiskHistory(db, 'UTC'), outbox, () => clock.now);
  return { db, clock, outbox, store };
}

let n = 0;
const newEvent = (over: Partial<Parameters<typeof sampleEvent>[0]> = {}) =>
  sampleEvent({ id: sampleId(++n), observedAt: new Date(1_700_000_000_000 + n * 1000).toISOString(), ...over });

const write = (events: FileEvent[], forward = events): UploadWrite => ({ events, forward, destinations: [], activity: ACTIVITY });

/**
 * Makes puts into one store fail the way a full disk does (QuotaExceededError), `times` times.
 * fake-indexeddb is what the unit tests run on (test setup), so its object store is patched.
 */
function fullDisk(storeName: string, times = Infinity) {
  const original = IDBObjectStore.prototype.put;
  let left = times;
  return vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
    if (this.name === storeName && left > 0) {
      left--;
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    }
    return original.apply(this, args);
  });
}

const storedIds = async (db: Database) => (await db.getAll('events')).map((e) => e.id);
const queuedIds = async (db: Database) => (await db.getAll('outbox')).map((e) => e.id);

describe('UploadStore.commit: queue first', () => {
  afterEach(() => vi.restoreAllMocks());

  it('queues the event for the backend when the local event store is full, and records the trouble', async () => {
    const { db, store } = await setup();
    const event = await newEvent();
    fullDisk('events');
    await expect(store.commit(write([event]))).resolves.toBeUndefined();
    vi.restoreAllMocks();
    expect(await queuedIds(db)).toEqual([event.id]);
    expect(await storedIds(db)).toEqual([]);
    expect(await readState(db, 'storageHealth')).toMatchObject({
      lastErrorAt: 5_000,
      lastError: expect.stringMatching(/1 event\(s\) not kept on this device \(1 of them queued for the backend\): the disk is full/),
      notKeptLocally: 1,
    });
  });

  it('writes nothing of the local history when part of it fails (events, destinations, activity together)', async () => {
    const { db, store } = await setup();
    fullDisk('destinations');
    const event = await newEvent();
    await store.commit({ ...write([event]), destinations: [{ key: 'dropbox', firstUsedAt: 1, lastUsedAt: 1, uploads: 1 }] });
    vi.restoreAllMocks();
    expect(await storedIds(db)).toEqual([]);
    expect(await readState(db, 'activityProfile')).toBeNull();
    expect(await queuedIds(db)).toEqual([event.id]);
  });

  it('makes room by removing the oldest local events, then keeps the upload', async () => {
    const { db, store } = await setup();
    const old = await Promise.all(Array.from({ length: ROOM_EVENTS + 5 }, () => newEvent()));
    await new EventStore(db).add(old);
    const event = await newEvent();
    fullDisk('events', 1);
    await store.commit(write([event]));
    vi.restoreAllMocks();
    const stored = await storedIds(db);
    expect(stored).toContain(event.id);
    expect(stored).toHaveLength(6);
    // The oldest went first.
    expect(stored).toEqual(expect.arrayContaining(old.slice(ROOM_EVENTS).map((e) => e.id)));
    expect(await readState(db, 'storageHealth')).toMatchObject({ prunedForSpace: ROOM_EVENTS, notKeptLocally: 0 });
  });

  it('makes room for the outbox itself from the local history', async () => {
    const { db, store } = await setup();
    await new EventStore(db).add(await Promise.all(Array.from({ length: 10 }, () => newEvent())));
    const event = await newEvent();
    fullDisk('outbox', 1);
    await store.commit(write([event]));
    vi.restoreAllMocks();
    expect(await queuedIds(db)).toEqual([event.id]);
    expect(await storedIds(db)).toEqual([event.id]);
  });

  it('fails the upload, visibly, only when even the outbox cannot take it', async () => {
    const { db, store } = await setup();
    fullDisk('outbox');
    await expect(store.commit(write([await newEvent()]))).rejects.toMatchObject({ name: 'QuotaExceededError' });
    vi.restoreAllMocks();
    expect(await readState(db, 'storageHealth')).toMatchObject({ lastError: expect.stringMatching(/could not queue events: the disk is full/) });
  });

  it('keeps events below the forwarding threshold locally only, and ends the trouble with the next good write', async () => {
    const { db, store, clock } = await setup();
    // Nothing to forward; the local write fails even after making room (the store is empty).
    const quiet = await newEvent();
    fullDisk('events');
    await store.commit(write([quiet], []));
    vi.restoreAllMocks();
    expect(await queuedIds(db)).toEqual([]);
    const trouble = await readState(db, 'storageHealth');
    expect(trouble).toMatchObject({ lastErrorAt: 5_000, lastError: expect.stringMatching(/^1 event\(s\) not kept on this device: the disk is full/) });
    clock.now = 6_000;
    await store.commit(write([await newEvent()]));
    expect((await readState(db, 'storageHealth')).lastOkAt).toBeGreaterThan(trouble.lastErrorAt!);
  });

  it('keeps the trouble in memory when even its record cannot be written, until a write succeeds', async () => {
    const { db, store, clock } = await setup();
    const event = await newEvent();
    // The events store and the health record full; the outbox (and its bookkeeping) still takes writes.
    const original = IDBObjectStore.prototype.put;
    vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
      if (this.name === 'events' || (this.name === 'state' && args[1] === 'storageHealth'))
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return original.apply(this, args);
    });
    await store.commit(write([event]));
    vi.restoreAllMocks();
    expect(await queuedIds(db)).toEqual([event.id]);
    expect((await readState(db, 'storageHealth')).lastErrorAt).toBeUndefined();
    expect(await readStorageHealth(db)).toMatchObject({ lastErrorAt: 5_000, lastError: expect.stringMatching(/the disk is full/), notKeptLocally: 1 });
    clock.now = 6_000;
    await store.commit(write([await newEvent()]));
    const after = await readStorageHealth(db);
    expect(after).toMatchObject({ lastErrorAt: 5_000, notKeptLocally: 1 });
    expect(after.lastOkAt).toBeGreaterThan(5_000);
    expect(await readState(db, 'storageHealth')).toEqual(after);
  });
});

describe('UploadStore.commit: one transaction', () => {
  afterEach(() => vi.restoreAllMocks());

  it('queues and keeps an upload in one read-write transaction (a drop waits for one commit)', async () => {
    const { db, store } = await setup();
    const event = await newEvent();
    const scopes: string[][] = [];
    const original = IDBDatabase.prototype.transaction;
    vi.spyOn(IDBDatabase.prototype, 'transaction').mockImplementation(function (this: IDBDatabase, ...args: Parameters<IDBDatabase['transaction']>) {
      if (args[1] === 'readwrite') scopes.push([...(typeof args[0] === 'string' ? [args[0]] : args[0])].sort());
      return original.apply(this, args);
    });
    await store.commit({ ...write([event]), destinations: [{ key: 'dropbox', firstUsedAt: 1, lastUsedAt: 1, uploads: 1 }] });
    vi.restoreAllMocks();
    expect(scopes).toEqual([['destinations', 'events', 'outbox', 'state']]);
    expect(await queuedIds(db)).toEqual([event.id]);
    expect(await storedIds(db)).toEqual([event.id]);
    expect(await db.get('destinations', 'dropbox')).toMatchObject({ uploads: 1 });
    expect((await readState(db, 'activityProfile'))?.observedDays).toBe(1);
  });

  it('writes none of the local history when the queue part of the transaction fails', async () => {
    const { db, store } = await setup();
    const original = IDBObjectStore.prototype.put;
    vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
      if (this.name === 'outbox') throw new DOMException('The backing store failed.', 'UnknownError');
      return original.apply(this, args);
    });
    await expect(
      store.commit({ ...write([await newEvent()]), destinations: [{ key: 'dropbox', firstUsedAt: 1, lastUsedAt: 1, uploads: 1 }] }),
    ).rejects.toMatchObject({
      name: 'UnknownError',
    });
    vi.restoreAllMocks();
    expect(await storedIds(db)).toEqual([]);
    expect(await db.getAll('destinations')).toEqual([]);
    expect(await readState(db, 'activityProfile')).toBeNull();
    expect(await readState(db, 'storageHealth')).toMatchObject({ lastError: expect.stringMatching(/could not queue events: UnknownError/) });
  });

  it('loses nothing when the local history fails once: the transaction is rolled back, then the upload is queued and kept', async () => {
    const { db, store } = await setup();
    const event = await newEvent();
    const original = IDBObjectStore.prototype.put;
    let failures = 1;
    vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
      if (this.name === 'events' && failures-- > 0) throw new DOMException('The backing store failed.', 'UnknownError');
      return original.apply(this, args);
    });
    await store.commit(write([event]));
    vi.restoreAllMocks();
    expect(await queuedIds(db)).toEqual([event.id]);
    expect(await storedIds(db)).toEqual([event.id]);
    // Queued once: the rolled-back attempt left no bytes counted.
    const [entry] = await db.getAll('outbox');
    expect((await readState(db, 'outboxStats')).bytes).toBe(entry!.bytes);
    expect((await readState(db, 'storageHealth')).lastErrorAt).toBeUndefined();
  });
});

describe('UploadStore.read', () => {
  afterEach(() => vi.restoreAllMocks());

  it('asks for everything it reads in one round: no read waits for another to answer', async () => {
    const { db, store } = await setup();
    await db.put('destinations', { key: 'dropbox', firstUsedAt: 1, lastUsedAt: 2, uploads: 3 });
    // Each request made, and how many had been made when the first of them answered.
    const made: string[] = [];
    let madeAtFirstAnswer: number | undefined;
    const watch = (request: IDBRequest, what: string) => {
      made.push(what);
      request.addEventListener('success', () => (madeAtFirstAnswer ??= made.length));
      return request;
    };
    const get = IDBObjectStore.prototype.get;
    vi.spyOn(IDBObjectStore.prototype, 'get').mockImplementation(function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['get']>) {
      return watch(get.apply(this, args), `${this.name}.get`);
    });
    const getAll = IDBIndex.prototype.getAll;
    vi.spyOn(IDBIndex.prototype, 'getAll').mockImplementation(function (this: IDBIndex, ...args: Parameters<IDBIndex['getAll']>) {
      return watch(getAll.apply(this, args), `${this.objectStore.name}.${this.name}.getAll`);
    });
    const facts = await store.read(['dropbox', 'wetransfer'], [{ name: 'ledger.csv', size: 15 }], 5_000);
    vi.restoreAllMocks();
    expect(made.sort()).toEqual(['destinations.get', 'destinations.get', 'downloads.matchKey.getAll', 'state.get', 'state.get']);
    expect(madeAtFirstAnswer).toBe(made.length);
    // And what was read is what it returns.
    expect(facts.destinations.get('dropbox')).toMatchObject({ uploads: 3 });
    expect(facts.destinations.has('wetransfer')).toBe(false);
    expect(facts.sources).toEqual([[]]);
  });
});
