/** Stored file events: append, list newest first, count unseen risky ones. */
import type { FileEvent } from '../core/schema/event';
import type { Database } from './db';

export class EventStore {
  constructor(private readonly db: Database) {}

  async add(events: readonly FileEvent[]): Promise<void> {
    const tx = this.db.transaction('events', 'readwrite');
    await Promise.all([...events.map((e) => tx.store.put(e)), tx.done]);
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
  async pruneBefore(cutoffIso: string): Promise<number> {
    const tx = this.db.transaction('events', 'readwrite');
    let removed = 0;
    for (let cursor = await tx.store.index('observedAt').openCursor(IDBKeyRange.upperBound(cutoffIso, true)); cursor; cursor = await cursor.continue()) {
      await cursor.delete();
      removed++;
    }
    await tx.done;
    return removed;
  }

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
