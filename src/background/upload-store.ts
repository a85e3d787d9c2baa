/**
 * What an upload reads before it is scored, and how it is stored: queued and kept in one
 * transaction, and queue first when that fails.
 *
 * The events to forward (outbox) and the local history (events, destination records, activity
 * profile, unseen count) are written in one transaction, together or not at all: a drop waits
 * for one commit instead of two in a row (docs/content-model.md has the figures). The outbox is what must not lose an event, so if that transaction fails the events to forward are
 * queued in their own transaction, and the local history follows in another. On a full disk
 * (QuotaExceededError) old local events make room and the write is tried once more; if the local
 * history still cannot be written, the upload is forwarded all the same and the trouble is
 * recorded (storageHealth) for the badge, the popup, the options page and the console to show:
 * a full disk costs local history, never forwarding (issue 15, item 3).
 */
import { ActivityProfile, emptyProfile, recordActivity, type LocalTime } from '../core/risk/activity';
import { DestinationRecord } from '../core/risk/destination-history';
import type { UploadHistory } from '../core/risk/upload-context';
import type { FileEvent, FileSource } from '../core/schema/event';
import { readState, STATE, type Database, type StateValue } from './db';
import { EventStore, putEventsWithin } from './event-store';
import type { RiskHistory } from './history';
import type { Outbox } from './outbox';

type StorageHealth = StateValue<'storageHealth'>;

/**
 * Storage health that could not be written (on a full disk even that small write can fail), per
 * database: kept in the worker's memory, so the badge, the popup and the console still learn of
 * the trouble, until a write of it succeeds.
 */
const unwritten = new WeakMap<Database, StorageHealth>();

/** The storage health: the one not yet written, if any, else the stored one. */
export async function readStorageHealth(db: Database): Promise<StorageHealth> {
  return unwritten.get(db) ?? readState(db, 'storageHealth');
}

/** Old local events removed at once to make room when the disk is full. */
export const ROOM_EVENTS = 1_000;

const isQuotaError = (err: unknown) => (err as { name?: unknown } | null)?.name === 'QuotaExceededError';

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
    private readonly now: () => number = Date.now,
  ) {}

  async read(destinationKeys: readonly string[], files: readonly { name: string; size: number }[], now: number): Promise<UploadFacts> {
    // Every read asked at once, one round trip to IndexedDB: the read runs while the content model
    // holds the worker's thread, and a second round asked only after the first answered came after
    // the model, on the way from the drop to the stored event (bench/files).
    const tx = this.db.transaction('destinations');
    const [records, activityProfile, clientIp, sources] = await Promise.all([
      Promise.all(destinationKeys.map((key) => tx.store.get(key))),
      readState(this.db, 'activityProfile'),
      readState(this.db, 'network'),
      this.history.sourcesForAll(files, now),
    ]);
    const destinations = new Map<string, DestinationRecord>();
    records.forEach((raw, i) => {
      const parsed = DestinationRecord.safeParse(raw);
      if (parsed.success) destinations.set(destinationKeys[i]!, parsed.data);
    });
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
    if (write.forward.length > 0) {
      try {
        await this.#withRoom(() => this.#keepLocally(write, write.forward));
        return;
      } catch {
        // Nothing of it was written. Queue first, alone: the outbox may still fit where both did
        // not, and a fault in the local history must not stop forwarding.
      }
      try {
        await this.#withRoom(() => this.outbox.enqueue(write.forward));
      } catch (err) {
        await this.#noteTrouble(err, 0);
        throw err;
      }
    }
    try {
      await this.#withRoom(() => this.#keepLocally(write));
    } catch (err) {
      // Those to forward are queued already: only the local history misses them.
      await this.#noteTrouble(err, write.events.length, write.forward.length);
    }
  }

  /** Runs a write; on a full disk, removes the oldest local events and runs it once more. */
  async #withRoom(write: () => Promise<void>): Promise<void> {
    try {
      await write();
    } catch (err) {
      if (!isQuotaError(err)) throw err;
      const pruned = await new EventStore(this.db).pruneOldest(ROOM_EVENTS);
      await this.#updateHealth((h) => ({ ...h, prunedForSpace: h.prunedForSpace + pruned }));
      await write();
    }
  }

  /**
   * Writes the local history, and queues `queue` in the same transaction. Its parts touch
   * different records (outbox and outboxStats; events and the unseen count; destinations; the
   * activity profile; storage health), so their requests are issued side by side: each part's
   * round trips overlap the others' instead of following them.
   */
  async #keepLocally(write: UploadWrite, queue: readonly FileEvent[] = []): Promise<void> {
    const stores: ('outbox' | 'events' | 'destinations' | 'state')[] =
      queue.length > 0 ? ['outbox', 'events', 'destinations', 'state'] : ['events', 'destinations', 'state'];
    const tx = this.db.transaction(stores, 'readwrite');
    try {
      const state = tx.objectStore('state');
      const parts = await Promise.allSettled([
        (async () => (queue.length > 0 ? this.outbox.enqueueWithin(tx, queue) : undefined))(),
        (async () => putEventsWithin(tx, write.events))(),
        // Each part is an async function: a put that throws (not only one that fails) settles it.
        (async () => Promise.all(write.destinations.map((record) => tx.objectStore('destinations').put(record))))(),
        (async () => {
          // The profile is read again here: the activity sampler may have counted this hour meanwhile.
          const stored = ActivityProfile.safeParse(await state.get('activityProfile'));
          const profile = stored.success ? stored.data : emptyProfile();
          const next = recordActivity(profile, write.activity);
          if (next !== profile) await state.put(next, 'activityProfile');
        })(),
        (async () => {
          // Trouble ends with the first local write that succeeds after it.
          const storedHealth = STATE.storageHealth.schema.safeParse(await state.get('storageHealth'));
          const health = unwritten.get(this.db) ?? (storedHealth.success ? storedHealth.data : undefined);
          if (health && health.lastErrorAt !== undefined && (health.lastOkAt ?? 0) <= health.lastErrorAt) {
            await state.put({ ...health, lastOkAt: Math.max(this.now(), health.lastErrorAt + 1) }, 'storageHealth');
          }
        })(),
      ]);
      // Every part has settled (none left issuing requests); the first failure is the one to report.
      const failed = parts.find((part) => part.status === 'rejected');
      if (failed) throw failed.reason;
    } catch (err) {
      // Nothing of it may stay. A failed request aborts the transaction by itself, but an error
      // thrown between requests would let it commit what it holds: abort it explicitly.
      try {
        tx.abort();
      } catch {
        // Already aborted.
      }
      await tx.done.catch(() => undefined);
      throw err;
    }
    await tx.done;
    unwritten.delete(this.db);
  }

  async #noteTrouble(err: unknown, notKept: number, queued = 0): Promise<void> {
    const name = (err as { name?: unknown } | null)?.name;
    const what = isQuotaError(err) ? 'the disk is full (QuotaExceededError)' : `${typeof name === 'string' ? name : 'error'}: ${String(err)}`;
    const kept = queued > 0 ? ` (${queued} of them queued for the backend)` : '';
    const message = notKept > 0 ? `${notKept} event(s) not kept on this device${kept}: ${what}` : `could not queue events: ${what}`;
    console.error('[upwatch] storage trouble:', message);
    await this.#updateHealth((h) => ({
      ...h,
      lastErrorAt: this.now(),
      lastError: message.slice(0, 500),
      queueFailed: notKept === 0,
      notKeptLocally: h.notKeptLocally + notKept,
    }));
  }

  /** Best effort: on a full disk even this small write may fail, and the error is logged instead. */
  async #updateHealth(change: (health: StorageHealth) => StorageHealth): Promise<void> {
    let next: StorageHealth | undefined;
    try {
      const tx = this.db.transaction('state', 'readwrite');
      const parsed = STATE.storageHealth.schema.safeParse(await tx.store.get('storageHealth'));
      next = STATE.storageHealth.schema.parse(change(unwritten.get(this.db) ?? (parsed.success ? parsed.data : { ...STATE.storageHealth.fallback })));
      await tx.store.put(next, 'storageHealth');
      await tx.done;
      unwritten.delete(this.db);
    } catch (err) {
      console.error('[upwatch] could not record storage trouble', err);
      unwritten.set(this.db, next ?? change(unwritten.get(this.db) ?? { ...STATE.storageHealth.fallback }));
    }
  }
}
