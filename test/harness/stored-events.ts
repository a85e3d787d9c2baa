import type { Worker } from 'playwright-core';
import type { FileEvent } from '../../src/core/schema/event';

/** Reads every record of one of the extension's IndexedDB stores, inside its service worker. */
export function storedRecords<T>(worker: Worker, store: 'events' | 'downloads' | 'destinations' | 'outbox'): Promise<T[]> {
  return worker.evaluate(
    (name) =>
      new Promise<T[]>((resolve, reject) => {
        const open = indexedDB.open('upwatch');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const request = open.result.transaction(name).objectStore(name).getAll();
          request.onsuccess = () => resolve(request.result as T[]);
          request.onerror = () => reject(request.error);
        };
      }),
    store,
  );
}

/** The extension's stored events. */
export const storedEvents = (worker: Worker): Promise<FileEvent[]> => storedRecords<FileEvent>(worker, 'events');
