/**
 * The outbox's bookkeeping in IndexedDB: queued entries with their byte and drop counts (capped,
 * the lowest severity dropped first), dead letters, and the delivery status the popup shows.
 * What to send and how to read the answer is outbox.ts.
 */
import type { FileEvent } from '../core/schema/event';
import { SEVERITIES } from '../core/schema/identifiers';
import { readState, STATE, writeState, type Database, type OutboxEntry, type ReadWriteTransaction, type StateValue } from './db';

/** A transaction events can be queued in: it must include the outbox and state stores. */
export type OutboxTransaction = ReadWriteTransaction<'outbox' | 'state'>;

export interface OutboxLimits {
  maxEvents: number;
  maxBytes: number;
}

export const DEFAULT_OUTBOX_LIMITS: OutboxLimits = { maxEvents: 20_000, maxBytes: 20 * 1024 * 1024 };

type OutboxStats = StateValue<'outboxStats'>;

/** Script-made events (no trusted DOM event behind them) go first when the outbox is full, then by severity. */
export function rankOf(event: FileEvent): number {
  return (event.trustedEvent ? SEVERITIES.length : 0) + SEVERITIES.indexOf(event.risk.severity);
}

/** The stats as stored in a transaction's state store (a missing or damaged record reads as its default). */
async function statsIn(store: { get(key: string): Promise<unknown> }): Promise<OutboxStats> {
  const parsed = STATE.outboxStats.schema.safeParse(await store.get('outboxStats'));
  return parsed.success ? parsed.data : { ...STATE.outboxStats.fallback };
}

export class OutboxQueue {
  constructor(
    private readonly db: Database,
    private readonly limits: OutboxLimits,
  ) {}

  /** Queues events in the caller's transaction; past the caps the lowest-severity (then oldest) entries are dropped and counted. */
  async enqueueWithin(tx: OutboxTransaction, events: readonly FileEvent[], now: number): Promise<void> {
    const outbox = tx.objectStore('outbox');
    const entries = events.map((event) => ({
      id: event.id,
      event,
      enqueuedAt: now,
      attempts: 0,
      nextAttemptAt: now,
      rank: rankOf(event),
      bytes: JSON.stringify(event).length,
    }));
    // Every read and write issued at once (in order within the transaction, so each read sees the
    // queue before this batch); an id twice in one batch replaces its own first entry.
    const [stats, stored] = await Promise.all([
      statsIn(tx.objectStore('state')),
      Promise.all(entries.map((entry) => outbox.get(entry.id))),
      Promise.all(entries.map((entry) => outbox.put(entry))),
    ]);
    const current = new Map<string, number>();
    entries.forEach((entry, i) => {
      stats.bytes += entry.bytes - (current.get(entry.id) ?? stored[i]?.bytes ?? 0);
      current.set(entry.id, entry.bytes);
    });
    let count = await outbox.count();
    const over = () => count > this.limits.maxEvents || stats.bytes > this.limits.maxBytes;
    for (let cursor = over() ? await outbox.index('rankAge').openCursor() : null; cursor && over(); cursor = await cursor.continue()) {
      stats.bytes -= cursor.value.bytes;
      stats.dropped += 1;
      stats.droppedTotal += 1;
      count -= 1;
      await cursor.delete();
    }
    await tx.objectStore('state').put(stats, 'outboxStats');
  }

  /** Counts script-made events refused before they were stored (over the per-tab rate): they travel with the next batch as dropped. */
  async countScriptMadeDropped(count: number): Promise<void> {
    const tx = this.db.transaction('state', 'readwrite');
    const stats = await statsIn(tx.store);
    stats.dropped += count;
    stats.droppedTotal += count;
    stats.scriptMadeDroppedTotal += count;
    await tx.store.put(stats, 'outboxStats');
    await tx.done;
  }

  /** Replaces a queued event (a send recorded on it) if it is still waiting; false when it already left. */
  async replaceQueued(event: FileEvent): Promise<boolean> {
    const tx = this.db.transaction(['outbox', 'state'], 'readwrite');
    const entry = await tx.objectStore('outbox').get(event.id);
    if (entry) {
      const stats = await statsIn(tx.objectStore('state'));
      const bytes = JSON.stringify(event).length;
      stats.bytes += bytes - entry.bytes;
      await tx.objectStore('outbox').put({ ...entry, event, bytes });
      await tx.objectStore('state').put(stats, 'outboxStats');
    }
    await tx.done;
    return entry !== undefined;
  }

  depth(): Promise<number> {
    return this.db.count('outbox');
  }

  deadLetterCount(): Promise<number> {
    return this.db.count('deadLetters');
  }

  /** When the oldest dead letter was refused, and why the newest was (two records read on the failedAt index). */
  async deadLetterSummary(): Promise<{ oldestAt: number; lastError: string } | undefined> {
    const index = this.db.transaction('deadLetters').store.index('failedAt');
    const [oldest, newest] = await Promise.all([index.openCursor(), index.openCursor(null, 'prev')]);
    return oldest && newest ? { oldestAt: oldest.value.failedAt, lastError: newest.value.error } : undefined;
  }

  /**
   * The first `limit` entries in the order they were queued. An entry's nextAttemptAt is when it
   * was queued: a failure sets the backoff of the whole queue (`outboxBackoff`), never the entry's,
   * so a batch retried keeps its place ahead of what was queued after it.
   */
  head(limit: number): Promise<OutboxEntry[]> {
    return this.db.getAllFromIndex('outbox', 'nextAttemptAt', null, limit);
  }

  /** When the first entry can go (undefined when none waits): the end of the backoff unless events were queued since. */
  async nextAttemptAt(): Promise<number | undefined> {
    const index = this.db.transaction('outbox').store.index('nextAttemptAt');
    const [first, last] = await Promise.all([index.openCursor(), index.openCursor(null, 'prev')]);
    if (!first || !last) return undefined;
    const backoff = await readState(this.db, 'outboxBackoff');
    return backoff && backoff.tail === last.value.id ? Math.max(first.value.nextAttemptAt, backoff.until) : first.value.nextAttemptAt;
  }

  /** The id of the entry queued last (undefined when none waits): events queued after it are news to a backoff. */
  async newestId(): Promise<string | undefined> {
    const cursor = await this.db.transaction('outbox').store.index('nextAttemptAt').openCursor(null, 'prev');
    return cursor?.value.id;
  }

  /** Sets the backoff after a failed attempt that read the queue when `tail` was its newest entry. */
  async backOff(tail: string, wait: (failures: number) => number, now: number): Promise<void> {
    const failures = ((await readState(this.db, 'outboxBackoff'))?.failures ?? 0) + 1;
    await writeState(this.db, 'outboxBackoff', { until: now + wait(failures), failures, tail });
  }

  /**
   * Moves an entry behind every other (it keeps its counts and is still sent, last): an event the
   * backend fails every time must not hold back the events queued after it.
   */
  async moveBehind(entry: OutboxEntry, now: number): Promise<void> {
    const tx = this.db.transaction('outbox', 'readwrite');
    const last = await tx.store.index('nextAttemptAt').openCursor(null, 'prev');
    const stored = await tx.store.get(entry.id);
    if (stored && last && last.value.id !== entry.id) await tx.store.put({ ...stored, nextAttemptAt: Math.max(now, last.value.nextAttemptAt + 1) });
    await tx.done;
  }

  /** Events dropped (outbox full) since the last delivered batch: they travel with the next one. */
  async droppedSinceLastDelivery(): Promise<number> {
    return (await readState(this.db, 'outboxStats')).dropped;
  }

  /** Moves every dead letter back into the queue in one transaction; returns how many. */
  async requeueDeadLetters(now: number): Promise<number> {
    return this.requeueWhere((letters) => letters.getAll(), now);
  }

  /** Moves the dead letters `pick` reads back into the queue, in one transaction; returns how many. */
  private async requeueWhere(
    pick: (letters: ReturnType<ReadWriteTransaction<'deadLetters'>['objectStore']>) => Promise<{ id: string; event: FileEvent }[]>,
    now: number,
  ): Promise<number> {
    const tx = this.db.transaction(['deadLetters', 'outbox', 'state'], 'readwrite');
    const letters = await pick(tx.objectStore('deadLetters'));
    if (letters.length > 0) {
      await this.enqueueWithin(
        tx,
        letters.map((l) => l.event),
        now,
      );
      for (const letter of letters) await tx.objectStore('deadLetters').delete(letter.id);
    }
    await tx.done;
    return letters.length;
  }

  /** The backend took these: they leave the queue, and the drop count went out with them. */
  async accepted(batch: readonly OutboxEntry[], now: number): Promise<void> {
    if (batch.length === 0) return;
    const tx = this.db.transaction(['outbox', 'state'], 'readwrite');
    const stats = await statsIn(tx.objectStore('state'));
    for (const entry of batch) {
      await tx.objectStore('outbox').delete(entry.id);
      stats.bytes = Math.max(0, stats.bytes - entry.bytes);
    }
    stats.dropped = 0;
    await tx.objectStore('state').put(stats, 'outboxStats');
    await tx.done;
    await writeState(this.db, 'deliveryStatus', { ...(await readState(this.db, 'deliveryStatus')), lastSuccessAt: now, consecutiveFailures: 0 });
    await writeState(this.db, 'outboxBackoff', null);
  }

  /**
   * Dead letters refused under other backend settings than `target` (a token rotated, a URL or
   * format fixed) go back in the queue; returns how many. An index range: nothing is read when
   * there are none.
   */
  async requeueDeadLettersNotFrom(target: string, now: number): Promise<number> {
    return this.requeueWhere(async (letters) => {
      const index = letters.index('target');
      return [...(await index.getAll(IDBKeyRange.upperBound(target, true))), ...(await index.getAll(IDBKeyRange.lowerBound(target, true)))];
    }, now);
  }

  /**
   * Dead letters older than `cutoff`, then the oldest beyond `cap`, are dropped and counted like
   * events dropped from a full outbox (the count travels with the next batch); returns how many.
   */
  async expireDeadLetters(cutoff: number, cap: number): Promise<number> {
    const tx = this.db.transaction(['deadLetters', 'state'], 'readwrite');
    const letters = tx.objectStore('deadLetters');
    let excess = (await letters.count()) - cap;
    let removed = 0;
    for (let c = await letters.index('failedAt').openCursor(); c && (c.value.failedAt < cutoff || excess > 0); c = await c.continue()) {
      await c.delete();
      removed++;
      excess--;
    }
    if (removed > 0) {
      const stats = await statsIn(tx.objectStore('state'));
      await tx.objectStore('state').put({ ...stats, dropped: stats.dropped + removed, droppedTotal: stats.droppedTotal + removed }, 'outboxStats');
    }
    await tx.done;
    return removed;
  }

  /** The backend refused these for good: kept aside as dead letters, for the admin to see and resend. */
  async deadLetter(batch: readonly OutboxEntry[], error: string, now: number, target = ''): Promise<void> {
    const tx = this.db.transaction(['outbox', 'deadLetters', 'state'], 'readwrite');
    const stats = await statsIn(tx.objectStore('state'));
    for (const entry of batch) {
      await tx.objectStore('outbox').delete(entry.id);
      await tx.objectStore('deadLetters').put({ id: entry.id, event: entry.event, error: error.slice(0, 500), failedAt: now, target });
      stats.bytes = Math.max(0, stats.bytes - entry.bytes);
    }
    await tx.objectStore('state').put(stats, 'outboxStats');
    await tx.done;
    await this.recordFailure(`${batch.length} event(s) refused and kept as dead letters: ${error}`, now);
  }

  /** Stores the entries as they are to be retried (attempts, last error). */
  async reschedule(entries: readonly OutboxEntry[]): Promise<void> {
    const tx = this.db.transaction('outbox', 'readwrite');
    await Promise.all([...entries.map((entry) => tx.store.put(entry)), tx.done]);
  }

  async recordFailure(error: string, now: number): Promise<void> {
    const status = await readState(this.db, 'deliveryStatus');
    await writeState(this.db, 'deliveryStatus', {
      ...status,
      lastErrorAt: now,
      lastError: error.slice(0, 500),
      consecutiveFailures: status.consecutiveFailures + 1,
    });
  }
}
