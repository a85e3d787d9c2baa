/**
 * What every part of the background shares: the injected dependencies (clock, fetch, random, ids),
 * the database, the effective configuration (cached, with one invalidation point), the device, and
 * the queue of work started by listeners. Everything is created lazily and again after the worker
 * restarts; no state lives only in memory.
 */
import type { EffectiveConfig } from '../core/effective-config';
import type { FileEvent } from '../core/schema/event';
import { openDatabase, type Database } from './db';
import { describeDevice, readManagedStorage, readProfileEmail } from './platform';
import { loadEffectiveConfig } from './policy';

export interface ServiceDeps {
  fetch: typeof fetch;
  now: () => number;
  random: () => number;
  newId: () => string;
  /** IndexedDB database name (tests use one per service). */
  dbName?: string;
  /** The zone of local time for off hours; the system's when undefined. */
  timeZone?: string;
}

export interface Runtime {
  readonly deps: ServiceDeps;
  db(): Promise<Database>;
  config(): Promise<EffectiveConfig>;
  /** The one place the cached configuration is dropped: after the managed policy or the synced settings changed. */
  invalidateConfig(): void;
  device(): Promise<FileEvent['device']>;
  /** Runs work started by a listener in the background, logging its failure. */
  track(work: Promise<unknown>): void;
  /** Settles when all tracked work (including work it started) is done. */
  idle(): Promise<void>;
}

/**
 * A value loaded once and kept; a failed load is forgotten, so the next call tries again. The
 * promise is what is kept, so callers racing before the first load ends share one value.
 */
export function cached<T>(load: () => Promise<T>): { get: () => Promise<T>; reset: () => void } {
  let value: Promise<T> | undefined;
  return {
    get: () =>
      (value ??= load().catch((err: unknown) => {
        value = undefined;
        throw err;
      })),
    reset: () => {
      value = undefined;
    },
  };
}

export function createRuntime(deps: ServiceDeps): Runtime {
  const db = cached(() => openDatabase(deps.dbName));
  const config = cached(async () => loadEffectiveConfig(await db.get(), readManagedStorage, readProfileEmail));
  const device = cached(describeDevice);
  const pending = new Set<Promise<unknown>>();
  return {
    deps,
    db: db.get,
    config: config.get,
    invalidateConfig: config.reset,
    device: device.get,
    track(work) {
      const p = work.catch((err: unknown) => console.error('[upwatch]', err)).finally(() => pending.delete(p));
      pending.add(p);
    },
    async idle() {
      while (pending.size > 0) await Promise.all([...pending]);
    },
  };
}
