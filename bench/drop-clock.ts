/**
 * The browser's own clocks for a drop, for the Chromium drop benches: when the page got the drop
 * event, and when the transaction that put the file's event into the worker's `events` store
 * committed. Both are read as epoch milliseconds (performance.timeOrigin + a high-resolution
 * time), so the figure leaves out what only the harness pays: the CDP round trips that dispatch
 * the drag (about 20 ms before the page has the event) and the polling that looks for the event
 * afterwards (up to a poll's length late, and a load on the worker while it runs).
 *
 * Nothing of this ships: the harness installs the hooks at run time, in the page's main world (a
 * capture listener for `drop` that records `event.timeStamp`) and in the extension's service
 * worker (a wrapper around IDBObjectStore.prototype.put that, for a put into `events`, listens for
 * its transaction's `complete`). The extension writes no timestamps of its own for this, and has
 * no channel that announces a commit; a put wrapper costs one property read per put. The worker
 * hook also times the store step: from the first read-write transaction over the outbox or the
 * events after the previous commit (the outbox's own, in builds that queue first in a transaction
 * of its own) to the commit of the event.
 *
 * The hooks are strings: tsx (esbuild keepNames) would wrap named functions in a __name() helper
 * that exists only in Node.
 */
import { performance } from 'node:perf_hooks';
import type { Page, Worker } from 'playwright-core';

const PAGE_HOOK = `(() => {
  if (window.__upwatchDrops) return;
  window.__upwatchDrops = [];
  window.addEventListener('drop', (e) => { window.__upwatchDrops.push([performance.timeOrigin + e.timeStamp, performance.timeOrigin + performance.now()]); }, true);
})()`;

const WORKER_HOOK = `(() => {
  if (globalThis.__upwatchDropClock) return;
  const clock = { committed: new Map(), storeMs: new Map(), waiters: new Map(), storeStart: undefined };
  globalThis.__upwatchDropClock = clock;
  const transaction = IDBDatabase.prototype.transaction;
  IDBDatabase.prototype.transaction = function (stores, mode) {
    const scope = typeof stores === 'string' ? [stores] : [...stores];
    if (mode === 'readwrite' && clock.storeStart === undefined && (scope.includes('events') || scope.includes('outbox'))) {
      clock.storeStart = performance.timeOrigin + performance.now();
    }
    return transaction.apply(this, arguments);
  };
  const put = IDBObjectStore.prototype.put;
  IDBObjectStore.prototype.put = function (value) {
    const request = put.apply(this, arguments);
    const name = this.name === 'events' && value && value.file ? value.file.name : undefined;
    if (typeof name === 'string' && !clock.committed.has(name)) {
      this.transaction.addEventListener('complete', () => {
        if (clock.committed.has(name)) return;
        const at = performance.timeOrigin + performance.now();
        clock.committed.set(name, at);
        if (clock.storeStart !== undefined) clock.storeMs.set(name, at - clock.storeStart);
        clock.storeStart = undefined;
        const wake = clock.waiters.get(name);
        clock.waiters.delete(name);
        if (wake) wake();
      });
    }
    return request;
  };
})()`;

/** Installs both hooks (again after a navigation; a second call changes nothing). */
export async function installDropClock(page: Page, worker: Worker): Promise<void> {
  await page.evaluate(PAGE_HOOK);
  await worker.evaluate(WORKER_HOOK);
}

/** Forgets the page's earlier drops: call before a drop, outside the time measured. */
export async function clearDrops(page: Page): Promise<void> {
  await page.evaluate('window.__upwatchDrops.length = 0');
}

/**
 * Waits, without polling, until the event of the file named `name` is committed in the worker's
 * store; returns the commit's epoch time.
 */
export function waitCommitted(worker: Worker, name: string, timeoutMs = 60_000): Promise<number> {
  return worker.evaluate(`(() => {
    const clock = globalThis.__upwatchDropClock;
    const name = ${JSON.stringify(name)};
    if (clock.committed.has(name)) return clock.committed.get(name);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no event committed for ' + name)), ${timeoutMs});
      clock.waiters.set(name, () => { clearTimeout(timer); resolve(clock.committed.get(name)); });
    });
  })()`);
}

/**
 * Waits until the events of `count` files whose names start with `prefix` are committed (a folder's
 * files), and returns the page's one drop since clearDrops → the last of those commits, in ms
 * (browser clocks). The harness looks at the worker's in-memory list of commits every 20 ms, a
 * count over a map; it never reads the store while the extension works.
 */
export async function folderDropToCommit(page: Page, worker: Worker, prefix: string, count: number, timeoutMs = 120_000): Promise<number> {
  const last = await worker.evaluate<number>(`(() => {
    const clock = globalThis.__upwatchDropClock;
    const prefix = ${JSON.stringify(prefix)};
    const times = () => [...clock.committed].filter(([name]) => name.startsWith(prefix)).map(([, at]) => at);
    return new Promise((resolve, reject) => {
      const started = Date.now();
      const timer = setInterval(() => {
        const found = times();
        if (found.length >= ${count}) { clearInterval(timer); resolve(Math.max(...found)); }
        else if (Date.now() - started > ${timeoutMs}) { clearInterval(timer); reject(new Error(found.length + ' of ${count} committed')); }
      }, 20);
    });
  })()`);
  const drops = await page.evaluate<[number, number][]>('window.__upwatchDrops.slice()');
  if (drops.length !== 1) throw new Error(`the page saw ${drops.length} drop events, not 1`);
  return last - drops[0]![0];
}

/**
 * The page's one drop since clearDrops → the commit of `name`'s event, in ms (browser clocks).
 * The drop's time is its event's timeStamp (when the browser made the event), which must not be
 * later than the first listener's run, nor long before it (`listenerLagMs` says how long).
 */
export async function dropToCommit(page: Page, worker: Worker, name: string): Promise<number> {
  return (await dropTimes(page, worker, name)).dropToCommit;
}

export async function dropTimes(page: Page, worker: Worker, name: string): Promise<{ dropToCommit: number; listenerLagMs: number; storeMs: number }> {
  const drops = await page.evaluate<[number, number][]>('window.__upwatchDrops.slice()');
  if (drops.length !== 1) throw new Error(`the page saw ${drops.length} drop events, not 1`);
  const [at, heard] = drops[0]!;
  if (heard < at - 1) throw new Error(`the drop event's timeStamp is ${at - heard} ms after its listener ran`);
  const committed = await waitCommitted(worker, name);
  const storeMs = await worker.evaluate<number>(`globalThis.__upwatchDropClock.storeMs.get(${JSON.stringify(name)}) ?? NaN`);
  return { dropToCommit: committed - at, listenerLagMs: heard - at, storeMs };
}

/**
 * How far the page's and the worker's epoch clocks disagree: each is read between two reads of
 * Node's, the tightest of 15 brackets kept; returns page minus worker and the bound on the error.
 */
export async function clockSkew(page: Page, worker: Worker): Promise<{ skewMs: number; boundMs: number }> {
  const offset = async (read: () => Promise<number>) => {
    let best = { offset: 0, half: Infinity };
    for (let i = 0; i < 15; i++) {
      const before = performance.timeOrigin + performance.now();
      const there = await read();
      const after = performance.timeOrigin + performance.now();
      if ((after - before) / 2 < best.half) best = { offset: there - (before + after) / 2, half: (after - before) / 2 };
    }
    return best;
  };
  const now = 'performance.timeOrigin + performance.now()';
  const inPage = await offset(() => page.evaluate<number>(now));
  const inWorker = await offset(() => worker.evaluate<number>(now));
  return { skewMs: inPage.offset - inWorker.offset, boundMs: inPage.half + inWorker.half };
}
