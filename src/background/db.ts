/**
 * The extension's IndexedDB, declared once: stores, keys, indexes and the zod type of every
 * record. Events, outbox and small state live here because the MV3 service worker loses its
 * globals whenever it is stopped.
 */
import { openDB, type DBSchema, type IDBPDatabase, type IDBPObjectStore, type StoreNames } from 'idb';
import { z } from 'zod';
import { ActivityProfile } from '../core/risk/activity';
import { DestinationRecord } from '../core/risk/destination-history';
import { DownloadRecord } from '../core/risk/sources';
import { FileEvent } from '../core/schema/event';
import { SEVERITIES } from '../core/schema/identifiers';
import { PolicyError } from '../core/schema/policy-error';
import { SyncedUser } from '../core/schema/synced-user';
import { MAX_CLIENT_IP_CHARS } from '../core/risk/network';

export const DB_NAME = 'upwatch';
export const DB_VERSION = 4;

/** A download as stored: the record plus the key uploads are matched on (base name and size). */
export const StoredDownload = DownloadRecord.extend({ matchKey: z.string() });
export type StoredDownload = z.infer<typeof StoredDownload>;

export const OutboxEntry = z.object({
  /** The event id: also the idempotency key the backend de-duplicates on. */
  id: z.string(),
  event: FileEvent,
  enqueuedAt: z.number(),
  attempts: z.number().int().nonnegative(),
  /**
   * The order it is sent in: when it was queued, or when it was moved behind the queue (an event the
   * backend fails every time, outbox.ts). A failure backs off the whole queue (`outboxBackoff`), not the entry.
   */
  nextAttemptAt: z.number(),
  lastError: z.string().optional(),
  /**
   * Attempts the backend answered with an error that may be down to what the batch held (a 500,
   * never a network error, 408, 429 or 502-504): from POISON_AFTER on, its batches are halved (outbox.ts).
   */
  serverErrors: z.number().int().nonnegative().optional(),
  /** Those of them with this event sent alone: from POISON_AFTER on, it goes behind the rest of the queue. */
  serverErrorsAlone: z.number().int().nonnegative().optional(),
  /**
   * Drop order when the outbox is full, lowest first: script-made events by severity (0 none …
   * 4 critical), then events of trusted DOM events by severity (5 … 9), so a page making up events
   * never pushes out a person's real ones (outbox-queue.ts rankOf).
   */
  rank: z.number().int().min(0).max(9),
  /** Bytes of the event as JSON, for the byte cap. */
  bytes: z.number().int().nonnegative(),
});
export type OutboxEntry = z.infer<typeof OutboxEntry>;

/** A batch the backend refused for good (a 4xx other than 408/409/413/429): kept aside, visible to the admin. */
export const DeadLetter = z.object({
  id: z.string(),
  event: FileEvent,
  error: z.string().max(500),
  failedAt: z.number(),
  /** Which backend settings refused it (a digest, never the token): new settings send it again (outbox.ts). */
  target: z.string().max(64).optional(),
});
export type DeadLetter = z.infer<typeof DeadLetter>;

export const DeliveryStatus = z.object({
  lastSuccessAt: z.number().optional(),
  lastErrorAt: z.number().optional(),
  lastError: z.string().optional(),
  consecutiveFailures: z.number().int().nonnegative().default(0),
});
export type DeliveryStatus = z.infer<typeof DeliveryStatus>;

/** Small state records, each with its type and default. */
export const STATE = {
  popupLastSeenAt: { schema: z.number(), fallback: 0 },
  /** The last managed-policy value of each key that validated; re-validated on every read. */
  lastGoodPolicy: { schema: z.record(z.string(), z.unknown()), fallback: {} as Record<string, unknown> },
  deliveryStatus: { schema: DeliveryStatus, fallback: { consecutiveFailures: 0 } as DeliveryStatus },
  /** This browser's active hours, learned (see core/risk/activity). */
  activityProfile: { schema: ActivityProfile.nullable(), fallback: null as ActivityProfile | null },
  /**
   * Settings synced from the backend: the last good values (validated key by key), with the ETag,
   * and the user the answer was for with their watchlists (absent when no email was sent).
   */
  syncedSettings: {
    schema: z.object({
      etag: z.string().max(512).optional(),
      // Older state has no user; a damaged one must not cost the settings: both read as none.
      user: SyncedUser.optional().catch(undefined),
      values: z.record(z.string(), z.unknown()),
      errors: z.array(PolicyError),
      lastSuccessAt: z.number().optional(),
      lastAttemptAt: z.number().optional(),
      lastError: z.string().max(500).optional(),
    }),
    fallback: { values: {}, errors: [] } as {
      etag?: string;
      user?: SyncedUser;
      values: Record<string, unknown>;
      errors: PolicyError[];
      lastSuccessAt?: number;
      lastAttemptAt?: number;
      lastError?: string;
    },
  },
  /**
   * Outbox bookkeeping: bytes queued, and events dropped (outbox full, or script-made events over
   * the per-tab rate) since the last delivered batch; the script-made drops also on their own.
   */
  outboxStats: {
    schema: z.object({
      bytes: z.number().int().nonnegative(),
      dropped: z.number().int().nonnegative(),
      droppedTotal: z.number().int().nonnegative(),
      scriptMadeDroppedTotal: z.number().int().nonnegative().default(0),
    }),
    fallback: { bytes: 0, dropped: 0, droppedTotal: 0, scriptMadeDroppedTotal: 0 },
  },
  /**
   * Risky events observed after `since` (the popupLastSeenAt it was counted against), kept with each
   * write so the badge never walks the history (event-store.ts). A `since` other than the current
   * popupLastSeenAt means the popup was opened since: the count is taken again from there.
   */
  unseenRisky: {
    schema: z.object({ since: z.number(), count: z.number().int().nonnegative() }).nullable(),
    fallback: null as { since: number; count: number } | null,
  },
  /**
   * Trouble writing the local stores (a full disk: QuotaExceededError). Events are queued for the
   * backend first, so what this counts is local history lost, never forwarding (upload-store.ts).
   */
  storageHealth: {
    schema: z.object({
      lastErrorAt: z.number().optional(),
      lastError: z.string().max(500).optional(),
      /** The last local write that succeeded: trouble is current while lastErrorAt is later. */
      lastOkAt: z.number().optional(),
      /** The failed write was the queue itself: those events were neither forwarded nor kept. */
      queueFailed: z.boolean().optional(),
      /** Events queued for the backend but not kept in the local history. */
      notKeptLocally: z.number().int().nonnegative(),
      /** Old local events removed early to make room for the outbox. */
      prunedForSpace: z.number().int().nonnegative(),
    }),
    fallback: { notKeptLocally: 0, prunedForSpace: 0 } as {
      lastErrorAt?: number;
      lastError?: string;
      lastOkAt?: number;
      queueFailed?: boolean;
      notKeptLocally: number;
      prunedForSpace: number;
    },
  },
  /** A random id this browser made for itself once: the console tells browsers apart by it (BrowserHealth). */
  browserId: { schema: z.uuid().nullable(), fallback: null as string | null },
  /** The health last delivered to the backend, less its time and queue depth: a change is reported at once (outbox.ts). */
  reportedHealth: { schema: z.string().max(4000).nullable(), fallback: null as string | null },
  /**
   * The backend's backoff after a failed attempt (outbox.ts): nothing is sent before `until` unless
   * events were queued since the attempt (the newest entry then was `tail`). `failures` in a row
   * lengthen it; a delivery clears it.
   */
  outboxBackoff: {
    schema: z.object({ until: z.number(), failures: z.number().int().positive(), tail: z.string().max(200) }).nullable(),
    fallback: null as { until: number; failures: number; tail: string } | null,
  },
  /** The client IP the backend last reported seeing, for the remote indicator. */
  network: {
    schema: z.object({ clientIp: z.string().max(MAX_CLIENT_IP_CHARS), reportedAt: z.number() }).nullable(),
    fallback: null as { clientIp: string; reportedAt: number } | null,
  },
} as const;
export type StateKey = keyof typeof STATE;
export type StateValue<K extends StateKey> = z.infer<(typeof STATE)[K]['schema']>;

interface UpwatchDB extends DBSchema {
  events: { key: string; value: FileEvent; indexes: { observedAt: string } };
  outbox: { key: string; value: OutboxEntry; indexes: { nextAttemptAt: number; rankAge: [number, number] } };
  deadLetters: { key: string; value: DeadLetter; indexes: { failedAt: number; target: string } };
  state: { key: string; value: unknown };
  destinations: { key: string; value: DestinationRecord };
  downloads: { key: string; value: StoredDownload; indexes: { matchKey: string; startedAt: number } };
}

export type Database = IDBPDatabase<UpwatchDB>;

/**
 * Any read-write transaction that includes the stores `S`: what a helper writing into a caller's
 * transaction takes, so one transaction can span several stores' writes.
 */
export interface ReadWriteTransaction<S extends StoreNames<UpwatchDB>> {
  objectStore<N extends S>(name: N): IDBPObjectStore<UpwatchDB, ArrayLike<StoreNames<UpwatchDB>>, N, 'readwrite'>;
}

export function openDatabase(name = DB_NAME): Promise<Database> {
  return openDB<UpwatchDB>(name, DB_VERSION, {
    upgrade(db, oldVersion, _newVersion, transaction) {
      if (oldVersion < 1) {
        db.createObjectStore('events', { keyPath: 'id' }).createIndex('observedAt', 'observedAt');
        db.createObjectStore('outbox', { keyPath: 'id' }).createIndex('nextAttemptAt', 'nextAttemptAt');
        db.createObjectStore('state');
      }
      if (oldVersion < 2) {
        db.createObjectStore('destinations', { keyPath: 'key' });
        const downloads = db.createObjectStore('downloads', { keyPath: 'id' });
        downloads.createIndex('matchKey', 'matchKey');
        downloads.createIndex('startedAt', 'startedAt');
      }
      if (oldVersion < 3) {
        const outbox = transaction.objectStore('outbox');
        outbox.createIndex('rankAge', ['rank', 'enqueuedAt']);
        // Entries queued by version 2 get their rank and size.
        void outbox.openCursor().then(async function migrate(cursor): Promise<void> {
          if (!cursor) return;
          const entry = cursor.value;
          await cursor.update({ ...entry, rank: SEVERITIES.indexOf(entry.event.risk.severity), bytes: JSON.stringify(entry.event).length });
          return migrate(await cursor.continue());
        });
        db.createObjectStore('deadLetters', { keyPath: 'id' }).createIndex('failedAt', 'failedAt');
      }
      if (oldVersion < 4) {
        // Dead letters by the backend settings that refused them: new settings send them again.
        const letters = transaction.objectStore('deadLetters');
        letters.createIndex('target', 'target');
        // Letters from before have no known settings: the next flush sends them again once.
        void letters.openCursor().then(async function migrate(cursor): Promise<void> {
          if (!cursor) return;
          if (cursor.value.target === undefined) await cursor.update({ ...cursor.value, target: '' });
          return migrate(await cursor.continue());
        });
      }
    },
  });
}

/** Reads a state record; a missing or malformed one gives its default (never throws). */
export async function readState<K extends StateKey>(db: Database, key: K): Promise<StateValue<K>> {
  const raw = await db.get('state', key);
  const parsed = STATE[key].schema.safeParse(raw);
  return (parsed.success ? parsed.data : STATE[key].fallback) as StateValue<K>;
}

export async function writeState<K extends StateKey>(db: Database, key: K, value: StateValue<K>): Promise<void> {
  await db.put('state', STATE[key].schema.parse(value), key);
}
