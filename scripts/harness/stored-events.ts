import type { Worker } from 'playwright-core';
import type { FileEvent } from '../../src/core/schema/event';

/** Reads the extension's stored events straight from its IndexedDB, inside the service worker. */
export function storedEvents(worker: Worker): Promise<FileEvent[]> {
  return worker.evaluate(
    () =>
      new Promise<FileEvent[]>((resolve, reject) => {
        const open = indexedDB.open('upwatch');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const request = open.result.transaction('events').objectStore('events').getAll();
          request.onsuccess = () => resolve(request.result as FileEvent[]);
          request.onerror = () => reject(request.error);
        };
      }),
  );
}
