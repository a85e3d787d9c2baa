/**
 * Stored file events: append, list newest first, prune, and the count of unseen risky ones.
 *
 * The unseen count is a number kept in the state store and updated in the same transaction as
 * every write and every deletion, so the badge reads one record instead of walking every event
 * since the popup was last opened: with 100,000 unseen events that walk ran after each upload
 * and the next write waited for it (a 1,000-file drop took 59 s instead of 5 s; issue 15, item 9).
 */
import type { FileEvent } from '../core/schema/event';
import { STATE, type Database, type ReadWriteTransaction } from './db';

/** A transaction events can be written in: it must include the events and state stores. */
export type EventTransaction = ReadWriteTransaction<'events' | 'state'>;

type UnseenCounter = NonNullable<(typeof STATE.unseenRisky)['fallback']>;

async function lastSeenIn(state: { get(key: string): Promise<unknown> }): Promise<number> {
  const parsed = STATE.popupLastSeenAt.schema.safeParse(await state.get('popupLastSeenAt'));
  return parsed.success ? parsed.data : STATE.popupLastSeenAt.fallback;
}

async function counterIn(state: { get(key: string): Promise<unknown> }): Promise<UnseenCounter | null> {
  const parsed = STATE.unseenRisky.schema.safeParse(await state.get('unseenRisky'));
  return parsed.success ? parsed.data : null;
}

/** What the badge counts: a risky event observed after the popup was last opened (observedAt is ISO 8601 UTC, ordered as text). */
const isUnseenRisky = (event: FileEvent | undefined, sinceIso: string) => event !== undefined && event.risk.score > 0 && event.observedAt > sinceIso;

/** Applies a change to the counter when it counts from the current popupLastSeenAt; a stale one is recounted by unseenRisky(). */
async function adjustCounter(tx: EventTransaction, lastSeen: number, delta: number): Promise<void> {
  if (delta === 0) return;
  const state = tx.objectStore('state');
  const counter = await counterIn(state);
  if (counter && counter.since === lastSeen) await state.put({ since: lastSeen, count: Math.max(0, counter.count + delta) }, 'unseenRisky');
}

/** Puts events (new or updated) in the caller's transaction, keeping the unseen count in step. */
export async function putEventsWithin(tx: EventTransaction, events: readonly FileEvent[]): Promise<void> {
  const store = tx.objectStore('events');
  const lastSeen = await lastSeenIn(tx.objectStore('state'));
  const sinceIso = new Date(lastSeen).toISOString();
  // Every read and write issued at once (a transaction runs them in order, so each read sees the
  // store before this batch): a thousand-file folder waited on two round trips per event in turn.
  const [stored] = await Promise.all([Promise.all(events.map((event) => store.get(event.id))), Promise.all(events.map((event) => store.put(event)))]);
  // An id twice in one batch: its second version replaces its first, not what was stored before.
  const current = new Map<string, FileEvent | undefined>();
  let delta = 0;
  events.forEach((event, i) => {
    const previous = current.has(event.id) ? current.get(event.id) : stored[i];
    delta += Number(isUnseenRisky(event, sinceIso)) - Number(isUnseenRisky(previous, sinceIso));
    current.set(event.id, event);
  });
  await adjustCounter(tx, lastSeen, delta);
}

export class EventStore {
  constructor(private readonly db: Database) {}

  async add(events: readonly FileEvent[]): Promise<void> {
    const tx = this.db.transaction(['events', 'state'], 'readwrite');
    await putEventsWithin(tx, events);
    await tx.done;
  }

  /** Newest first. `minScore` 1 lists only risky events. */
  async recent(limit: number, minScore = 0): Promise<FileEvent[]> {
    const out: FileEvent[] = [];
    let cursor = await this.db.transaction('events').store.index('observedAt').openCursor(null, 'prev');
    while (cursor && out.length < limit) {
      if (cursor.value.risk.score >= minScore) out.push(cursor.value);
      cursor = await cursor.continue();
    }
    return out;
  }

  /** Deletes events observed before the cutoff (local retention); returns how many. */
  pruneBefore(cutoffIso: string): Promise<number> {
    return this.#deleteOldest(IDBKeyRange.upperBound(cutoffIso, true), Infinity);
  }

  /** Deletes the oldest events beyond `max` (the local history's cap); returns how many. */
  async keepAtMost(max: number): Promise<number> {
    const excess = (await this.db.count('events')) - max;
    return excess > 0 ? this.#deleteOldest(null, excess) : 0;
  }

  /** Deletes the `count` oldest events (room for the outbox on a full disk); returns how many. */
  pruneOldest(count: number): Promise<number> {
    return this.#deleteOldest(null, count);
  }

  async #deleteOldest(range: IDBKeyRange | null, limit: number): Promise<number> {
    const tx = this.db.transaction(['events', 'state'], 'readwrite');
    const lastSeen = await lastSeenIn(tx.objectStore('state'));
    const sinceIso = new Date(lastSeen).toISOString();
    let removed = 0;
    let unseen = 0;
    for (let cursor = await tx.objectStore('events').index('observedAt').openCursor(range); cursor && removed < limit; cursor = await cursor.continue()) {
      if (isUnseenRisky(cursor.value, sinceIso)) unseen++;
      await cursor.delete();
      removed++;
    }
    await adjustCounter(tx, lastSeen, -unseen);
    await tx.done;
    return removed;
  }

  /**
   * Risky events observed since the popup was last opened: one record read. The count is taken by
   * walking the index only when it counts from an older popupLastSeenAt (just after the popup
   * was opened, when few events are that new) or is missing (once, after an update).
   */
  async unseenRisky(): Promise<number> {
    const read = this.db.transaction('state');
    const [lastSeen, counter] = await Promise.all([lastSeenIn(read.store), counterIn(read.store)]);
    if (counter && counter.since === lastSeen) return counter.count;
    // Counted and stored in one transaction with the writes, so none is counted twice or missed.
    const tx = this.db.transaction(['events', 'state'], 'readwrite');
    const state = tx.objectStore('state');
    const since = await lastSeenIn(state);
    const current = await counterIn(state);
    if (current && current.since === since) {
      await tx.done;
      return current.count;
    }
    let count = 0;
    const sinceIso = new Date(since).toISOString();
    for (let c = await tx.objectStore('events').index('observedAt').openCursor(IDBKeyRange.lowerBound(sinceIso, true)); c; c = await c.continue()) {
      if (c.value.risk.score > 0) count++;
    }
    await state.put({ since, count }, 'unseenRisky');
    await tx.done;
    return count;
  }

  /** Walks every event since `sinceIso`: for tests and checks only, never on the upload path. */
  async countRiskySince(sinceIso: string): Promise<number> {
    let count = 0;
    let cursor = await this.db.transaction('events').store.index('observedAt').openCursor(IDBKeyRange.lowerBound(sinceIso, true));
    while (cursor) {
      if (cursor.value.risk.score > 0) count++;
      cursor = await cursor.continue();
    }
    return count;
  }
}
