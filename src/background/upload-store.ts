/**
 * What an upload reads before it is scored, and the one transaction that stores it: the events,
 * the destination history, the activity profile and the outbox entries are written together or
 * not at all (so "first use" is never recorded for an upload that failed to store).
 */
import { ActivityProfile, emptyProfile, recordActivity, type LocalTime } from '../core/risk/activity';
import { DestinationRecord } from '../core/risk/destination-history';
import type { UploadHistory } from '../core/risk/upload-context';
import type { FileEvent, FileSource } from '../core/schema/event';
import { readState, type Database } from './db';
import type { RiskHistory } from './history';
import type { Outbox } from './outbox';

/** A send is recorded on events of its action observed this long before it, at most. */
const RECORD_SEND_WINDOW_MS = 30 * 60_000;

function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}

export interface UploadFacts extends UploadHistory {
  /** Per file, in order: the sources of a download with its name and size. */
  sources: FileSource[][];
}

export interface UploadWrite {
  events: readonly FileEvent[];
  /** The events to forward (at or above the policy's minimum severity). */
  forward: readonly FileEvent[];
  destinations: readonly DestinationRecord[];
  activity: LocalTime;
}

export class UploadStore {
  constructor(
    private readonly db: Database,
    private readonly history: RiskHistory,
    private readonly outbox: Outbox,
  ) {}

  async read(destinationKeys: readonly string[], files: readonly { name: string; size: number }[], now: number): Promise<UploadFacts> {
    const tx = this.db.transaction('destinations');
    const records = await Promise.all(destinationKeys.map((key) => tx.store.get(key)));
    const destinations = new Map<string, DestinationRecord>();
    records.forEach((raw, i) => {
      const parsed = DestinationRecord.safeParse(raw);
      if (parsed.success) destinations.set(destinationKeys[i]!, parsed.data);
    });
    const [activityProfile, clientIp, sources] = await Promise.all([
      readState(this.db, 'activityProfile'),
      readState(this.db, 'network'),
      Promise.all(files.map((f) => this.history.sourcesFor(f.name, f.size, now))),
    ]);
    return { activityProfile, clientIp, destinations, sources };
  }

  countScriptMadeDropped(count: number): Promise<void> {
    return this.outbox.countScriptMadeDropped(count);
  }

  /**
   * Appends a send to the recent events of one action whose files match (name and size) and that
   * were seen in the same tab; the outbox copy is updated if it has not left yet.
   */
  async recordTransfer(
    actionId: string,
    files: readonly { name: string; size: number }[],
    transfer: NonNullable<FileEvent['transfers']>[number],
    tabUrl: string | undefined,
  ): Promise<FileEvent[]> {
    const wanted = new Set(files.map((f) => `${f.name}\u0000${f.size}`));
    const since = new Date(Date.parse(transfer.at) - RECORD_SEND_WINDOW_MS).toISOString();
    const tx = this.db.transaction('events', 'readwrite');
    const updated: FileEvent[] = [];
    for (let c = await tx.store.index('observedAt').openCursor(IDBKeyRange.lowerBound(since), 'prev'); c; c = await c.continue()) {
      const event = c.value;
      if (event.actionId !== actionId || !wanted.has(`${event.file.name}\u0000${event.file.size}`)) continue;
      if (tabUrl !== undefined && event.destination.url !== '' && !sameOrigin(event.destination.url, tabUrl)) continue;
      const transfers = event.transfers ?? [];
      if (transfers.length >= 16 || transfers.some((t) => t.host === transfer.host && t.via === transfer.via)) continue;
      const next = { ...event, transfers: [...transfers, transfer] };
      await c.update(next);
      updated.push(next);
    }
    await tx.done;
    for (const event of updated) await this.outbox.replaceQueued(event);
    return updated;
  }

  async commit(write: UploadWrite): Promise<void> {
    const tx = this.db.transaction(['events', 'destinations', 'state', 'outbox'], 'readwrite');
    try {
      for (const event of write.events) await tx.objectStore('events').put(event);
      for (const record of write.destinations) await tx.objectStore('destinations').put(record);
      // The profile is read again here: the activity sampler may have counted this hour meanwhile.
      const stored = ActivityProfile.safeParse(await tx.objectStore('state').get('activityProfile'));
      const profile = stored.success ? stored.data : emptyProfile();
      const next = recordActivity(profile, write.activity);
      if (next !== profile) await tx.objectStore('state').put(next, 'activityProfile');
      if (write.forward.length > 0) await this.outbox.enqueueWithin(tx, write.forward);
    } catch (err) {
      // Nothing of this upload may stay. A failed request aborts the transaction by itself, but an
      // error thrown between requests would let it commit what it holds: abort it explicitly.
      try {
        tx.abort();
      } catch {
        // Already aborted.
      }
      await tx.done.catch(() => undefined);
      throw err;
    }
    await tx.done;
  }
}
