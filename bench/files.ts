/**
 * bench/files:
 * 1. classifyFile over mixed 4 KiB heads (every sample format, under its own name and under a
 *    misleading one), beside two baselines from the same run: the name alone (extension table) and
 *    file-type alone. Goal: ≥ 20,000 classifications/s.
 * 2. In real Chromium with the built extension: the time from a trusted drop to the stored event
 *    for a 1 KiB, a 64 KiB and a 2 GiB sparse file (goal: 2 GiB / 1 KiB ≤ 1.2), beside a baseline in the same
 *    run where the page reads the whole file, as a classifier that hashed or scanned it would.
 *    The 64 KiB and 2 GiB files hold 1 KiB of CSV and then zeros: their heads are no text to our
 *    analysis, so the content model is asked (issue 16), which the 1 KiB file never is. A fourth
 *    file, 2 GiB sparse with CSV through its whole head, is the like-for-like figure: the same
 *    path as the 1 KiB file, 64 KiB and a tail read instead of 1 KiB. The bench says which
 *    files the model was asked about (from their stored evidence).
 *    Two figures: from the start of the CDP drop until the harness's poll sees the event (as
 *    before), and from the page's drop event to the commit of the event in the worker's store, on
 *    the browser's own clocks (drop-clock.ts), which is what issue 16's "single-file drop → stored
 *    event ≤ 60 ms" names; for the 1 KiB file also on drops where the harness waits without polling.
 *    `npx tsx -e 'import("./bench/files.ts").then((m) => m.dropLatency())'` runs this part alone
 *    (UPWATCH_EXTENSION_DIR=<dir> on another build of the extension).
 * 3. In real Chromium: a folder drop until every event is stored, on an empty store and again with
 *    100,000 stored risky events the popup has not shown (issue 15, item 9: 5.0 s against 59 s for
 *    1,000 files before the unseen count was kept as a number). Goal: with history / empty ≤ 1.5.
 *    UPWATCH_BENCH_FOLDER_FILES sets the folder's size (default 500).
 */
import { execSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync, ftruncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { FileTypeParser } from 'file-type/core';
import type { Page, Worker } from 'playwright-core';
import { categoryOfExtension, classifyFile, extensionOf } from '../src/core/files/classify';
import { dropPaths } from '../test/harness/actions';
import { launchChromium } from '../test/harness/chromium';
import { SAMPLES, randomBytes } from '../test/harness/format-samples';
import { CHROME_EXTENSION_DIR, ROOT } from '../test/harness/paths';
import { storedEvents } from '../test/harness/stored-events';
import { clearDrops, dropToCommit, installDropClock, waitCommitted } from './drop-clock';
import { fmt, printResult, seededRandom, pick } from './lib';

const HEAD = 4096;
const CLASSIFICATIONS = 100_000;
const DROPS = 7;

interface Input {
  name: string;
  size: number;
  head: Uint8Array;
}

function makeInputs(): Input[] {
  const random = seededRandom(3);
  const misleading = ['jpg', 'pdf', 'txt', 'docx', 'zip', 'png', 'csv'];
  const inputs: Input[] = [];
  for (const [ext, bytes] of Object.entries(SAMPLES)) {
    const head = new Uint8Array(HEAD);
    if (bytes.length >= HEAD) head.set(bytes.subarray(0, HEAD));
    else if (/^[\t\n\r\x20-\x7e]*$/.test(Buffer.from(bytes).toString('latin1'))) {
      for (let at = 0; at < HEAD; at += bytes.length) head.set(bytes.subarray(0, Math.min(bytes.length, HEAD - at)), at);
    } else {
      head.set(randomBytes(HEAD, ext.length));
      head.set(bytes);
    }
    inputs.push({ name: `file.${ext}`, size: 10_000_000, head });
    inputs.push({ name: `file.${pick(random, misleading)}`, size: 10_000_000, head });
  }
  return inputs;
}

async function rate(inputs: Input[], fn: (input: Input) => unknown): Promise<number> {
  for (let i = 0; i < 2_000; i++) await fn(inputs[i % inputs.length]!);
  const start = performance.now();
  for (let i = 0; i < CLASSIFICATIONS; i++) await fn(inputs[i % inputs.length]!);
  return CLASSIFICATIONS / ((performance.now() - start) / 1000);
}

async function classificationThroughput(): Promise<void> {
  const inputs = makeInputs();
  const parser = new FileTypeParser();
  const byName = await rate(inputs, (i) => categoryOfExtension(extensionOf(i.name).extension));
  const fileTypeOnly = await rate(inputs, (i) => parser.fromBuffer(i.head));
  const full = await rate(inputs, (i) => classifyFile(i));
  printResult(
    `files: classifyFile over ${fmt(inputs.length)} mixed 4 KiB heads, ${fmt(CLASSIFICATIONS)} classifications`,
    [
      ['classifyFile (name + signatures + text analysis)', `${fmt(full)} classifications/s`],
      ['baseline: file-type alone', `${fmt(fileTypeOnly)} /s`],
      ['baseline: extension table alone', `${fmt(byName)} /s`],
      ['classifyFile vs file-type alone', `${fmt(full / fileTypeOnly, 2)}×`],
    ],
    [{ label: '≥ 20,000 classifications/s', met: full >= 20_000 }],
  );
}

/** A file whose first `csvBytes` (1 KiB unless given) are real CSV and whose length is `size`; sparse beyond them. */
function writeSample(path: string, size: number, csvBytes = 1024): void {
  const fd = openSync(path, 'w');
  try {
    const row = 'id,name,email,salary\n1,Ana Silva,ana@acme.com,91000\n';
    const csv = Buffer.from(row.repeat(Math.ceil(csvBytes / row.length)).slice(0, csvBytes));
    writeSync(fd, csv);
    ftruncateSync(fd, size);
  } finally {
    closeSync(fd);
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** The drop → stored figures of one drop (dropLatency): by the harness's polling, and by the browser's clocks. */
async function timedDrop(page: Page, worker: Worker, path: string, name: string, poll: boolean): Promise<{ harness: number; inBrowser: number }> {
  await clearDrops(page);
  const start = performance.now();
  if (poll) await timeToStoredEvent(page, worker, path, name);
  else {
    await dropPaths(page, '#dropzone', [path]);
    await waitCommitted(worker, name);
  }
  const harness = performance.now() - start;
  return { harness, inBrowser: await dropToCommit(page, worker, name) };
}

async function timeToStoredEvent(page: Page, worker: Worker, path: string, name: string): Promise<number> {
  const start = performance.now();
  await dropPaths(page, '#dropzone', [path]);
  for (;;) {
    if ((await storedEvents(worker)).some((e) => e.file.name === name)) return performance.now() - start;
    if (performance.now() - start > 120_000) throw new Error(`no stored event for ${name}`);
  }
}

/** The page reads the whole dropped file (as a hash-the-file classifier would) and records when it is done. */
async function timeToWholeRead(page: Page, path: string): Promise<number> {
  await page.evaluate(() => {
    (window as unknown as { readDone?: number }).readDone = undefined;
  });
  const start = performance.now();
  await dropPaths(page, '#dropzone', [path]);
  await page.waitForFunction(() => (window as unknown as { readDone?: number }).readDone !== undefined, undefined, { timeout: 300_000, polling: 5 });
  return performance.now() - start;
}

export async function dropLatency(): Promise<void> {
  // UPWATCH_EXTENSION_DIR: another build (a before and an after measured turn about, at one load).
  const extensionDir = process.env.UPWATCH_EXTENSION_DIR;
  if (!extensionDir && !existsSync(`${CHROME_EXTENSION_DIR}/manifest.json`)) execSync('npx wxt build -b chrome', { cwd: ROOT, stdio: 'inherit' });
  const dir = mkdtempSync(join(tmpdir(), 'upwatch-bench-files-'));
  const browser = await launchChromium({ extensionDir });
  try {
    // 64 KiB, the most the content script reads, shows where the cost stops growing; csvHead is
    // 2 GiB whose whole head is CSV (no content model, as for the 1 KiB file).
    const sizes: Record<string, number> = { small: 1024, mid: 65_536, large: 2 * 1024 ** 3, csvHead: 2 * 1024 ** 3 };
    const paths: Record<string, string[]> = Object.fromEntries(Object.keys(sizes).map((k) => [k, []]));
    for (const [label, size] of Object.entries(sizes)) {
      for (let i = 0; i <= 2 * DROPS; i++) {
        const path = join(dir, `${label}-${i}.csv`);
        writeSample(path, size, label === 'csvHead' ? 65_536 : 1024);
        paths[label]!.push(path);
      }
    }
    const worker = await browser.worker();
    const page = await browser.context.newPage();
    await page.goto('https://www.dropbox.com/home');
    await installDropClock(page, worker);
    // Warm-up: service worker start, first policy read, first classification.
    await timeToStoredEvent(page, worker, paths.small![2 * DROPS]!, `small-${2 * DROPS}.csv`);
    const extension: Record<string, number[]> = Object.fromEntries(Object.keys(sizes).map((k) => [k, []]));
    const inBrowser: Record<string, number[]> = Object.fromEntries(Object.keys(sizes).map((k) => [k, []]));
    const quiet: number[] = [];
    const polled = async (label: string, i: number) => {
      const times = await timedDrop(page, worker, paths[label]![i]!, `${label}-${i}.csv`, true);
      extension[label]!.push(times.harness);
      inBrowser[label]!.push(times.inBrowser);
    };
    for (let i = 0; i < DROPS; i++) {
      for (const label of ['small', 'mid', 'large']) await polled(label, i);
      quiet.push((await timedDrop(page, worker, paths.small![DROPS + i]!, `small-${DROPS + i}.csv`, false)).inBrowser);
    }
    // After the others, so that their figures are taken with as many stored events as before (each
    // poll reads them all); these are then taken with more, which can only make them slower.
    for (let i = 0; i < DROPS; i++) await polled('csvHead', i);

    const reader = await browser.context.newPage();
    await reader.goto('https://www.dropbox.com/home');
    await reader.evaluate(() => {
      // No named function inside page.evaluate: tsx (esbuild keepNames) would wrap it in a
      // __name() helper that exists only in Node. Fire-and-forget: timeToWholeRead polls readDone.
      document.querySelector('#dropzone')!.addEventListener('drop', (e) => {
        void (async (file: File) => {
          const r = file.stream().getReader();
          let bytes = 0;
          for (;;) {
            const { done, value } = await r.read();
            if (done) break;
            bytes += value.length;
          }
          (window as unknown as { readDone?: number }).readDone = bytes;
        })((e as DragEvent).dataTransfer!.files[0]!);
      });
    });
    const whole: Record<string, number[]> = { small: [], large: [] };
    for (let i = 0; i < 3; i++) {
      for (const label of ['small', 'large']) whole[label]!.push(await timeToWholeRead(reader, paths[label]![i]!));
    }

    const ratio = median(extension.large!) / median(extension.small!);
    const likeRatio = median(extension.csvHead!) / median(extension.small!);
    const wholeRatio = median(whole.large!) / median(whole.small!);
    // Which files the content model was asked about, by the evidence of their stored events.
    const described: Record<string, string> = { small: '1 KiB', mid: '64 KiB', large: '2 GiB', csvHead: '2 GiB with a CSV head' };
    const modelAsked = new Set<string>();
    for (const e of await storedEvents(worker)) {
      if (e.file.evidence?.some((line) => line.startsWith('content model'))) modelAsked.add(described[e.file.name.split('-')[0]!] ?? e.file.name);
    }
    printResult(
      `files: drop → stored event in Chromium, median of ${DROPS} drops each`,
      [
        ['Upwatch, 1 KiB file: CDP dispatch → harness sees it (as before)', `${fmt(median(extension.small!), 1)} ms`],
        ['Upwatch, 2 GiB sparse file: CDP dispatch → harness sees it', `${fmt(median(extension.large!), 1)} ms`],
        ['Upwatch ratio 2 GiB / 1 KiB', `${fmt(ratio, 2)}`],
        ['Upwatch, 64 KiB file (a whole head): CDP dispatch → harness sees it', `${fmt(median(extension.mid!), 1)} ms`],
        [
          "Upwatch, 1 KiB file: page's drop event → committed in the worker",
          `${fmt(median(quiet), 1)} ms (${fmt(median(inBrowser.small!), 1)} ms while the harness polls)`,
        ],
        ["Upwatch, 2 GiB sparse file: page's drop event → committed (harness polling)", `${fmt(median(inBrowser.large!), 1)} ms`],
        ['Upwatch, 2 GiB sparse file, CSV through its head: CDP dispatch → harness sees it', `${fmt(median(extension.csvHead!), 1)} ms`],
        ["Upwatch, 2 GiB sparse file, CSV through its head: page's drop event → committed (polling)", `${fmt(median(inBrowser.csvHead!), 1)} ms`],
        ['Upwatch ratio, like for like: 2 GiB with a CSV head / 1 KiB', `${fmt(likeRatio, 2)}`],
        ['files the content model was asked about (stored evidence)', [...modelAsked].join(', ') || 'none'],
        ['baseline: page reads the whole 1 KiB file', `${fmt(median(whole.small!), 1)} ms`],
        ['baseline: page reads the whole 2 GiB file', `${fmt(median(whole.large!), 1)} ms`],
        ['baseline ratio 2 GiB / 1 KiB', `${fmt(wholeRatio, 1)}`],
      ],
      [
        { label: 'ratio ≤ 1.2', met: ratio <= 1.2 },
        { label: "single-file drop (1 KiB CSV, no model), page's drop event → committed, median ≤ 60 ms", met: median(quiet) <= 60 },
      ],
    );
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const HISTORY_EVENTS = Number(process.env.UPWATCH_BENCH_HISTORY_EVENTS ?? 100_000);

/** Events stored since `sinceIso`, counted on the observedAt index: the cost of asking does not grow with older history. */
function storedSince(worker: Worker, sinceIso: string): Promise<number> {
  return worker.evaluate(
    (since) =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open('upwatch');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const request = open.result.transaction('events').objectStore('events').index('observedAt').count(IDBKeyRange.lowerBound(since));
          request.onsuccess = () => resolve(request.result);
          request.onerror = () => reject(request.error);
        };
      }),
    sinceIso,
  );
}

/**
 * Copies of one stored risky event, observed before `beforeIso`, put straight into the store; the
 * unseen count is left to be taken again. No named function inside: tsx would wrap it in a
 * __name() helper that exists only in Node (see dropLatency).
 */
function seedHistory(worker: Worker, count: number, beforeIso: string): Promise<number> {
  return worker.evaluate(
    async ({ count, before }) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const open = indexedDB.open('upwatch');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => resolve(open.result);
      });
      const template = await new Promise<Record<string, unknown>>((resolve, reject) => {
        const read = db.transaction('events').objectStore('events').getAll(null, 1);
        read.onerror = () => reject(read.error);
        read.onsuccess = () => resolve((read.result as Record<string, unknown>[])[0]!);
      });
      const end = Date.parse(before);
      let written = 0;
      while (written < count) {
        await new Promise<void>((resolve, reject) => {
          const tx = db.transaction('events', 'readwrite');
          const store = tx.objectStore('events');
          for (let i = 0; i < 10_000 && written < count; i++, written++) {
            store.put({ ...template, id: crypto.randomUUID(), observedAt: new Date(end - 1000 - written).toISOString() });
          }
          tx.oncomplete = () => resolve();
          tx.onabort = () => reject(tx.error ?? new Error('seeding aborted'));
        });
      }
      await new Promise<void>((resolve, reject) => {
        const reset = db.transaction('state', 'readwrite');
        reset.objectStore('state').put(null, 'unseenRisky');
        reset.oncomplete = () => resolve();
        reset.onabort = () => reject(reset.error ?? new Error('seeding aborted'));
      });
      db.close();
      return written;
    },
    { count, before: beforeIso },
  );
}

/** The unseen count the badge reads, from the state store (null until taken). */
function unseenCount(worker: Worker): Promise<number | null> {
  return worker.evaluate(
    () =>
      new Promise<number | null>((resolve, reject) => {
        const open = indexedDB.open('upwatch');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const request = open.result.transaction('state').objectStore('state').get('unseenRisky');
          request.onsuccess = () => resolve((request.result as { count?: number } | null)?.count ?? null);
          request.onerror = () => reject(request.error);
        };
      }),
  );
}

async function timeFolderDrop(page: Page, worker: Worker, folder: string, files: number): Promise<number> {
  const since = new Date(Date.now() - 1000).toISOString();
  const before = await storedSince(worker, since);
  const start = performance.now();
  await dropPaths(page, '#dropzone', [folder]);
  while ((await storedSince(worker, since)) < before + files) {
    if (performance.now() - start > 600_000) throw new Error(`the ${files} events of ${folder} were not all stored`);
  }
  return performance.now() - start;
}

export async function dropWithHistory(): Promise<void> {
  if (!existsSync(`${CHROME_EXTENSION_DIR}/manifest.json`)) execSync('npx wxt build -b chrome', { cwd: ROOT, stdio: 'inherit' });
  const files = Number(process.env.UPWATCH_BENCH_FOLDER_FILES ?? 500);
  const dir = mkdtempSync(join(tmpdir(), 'upwatch-bench-history-'));
  const browser = await launchChromium();
  try {
    const folders = ['empty', 'history'].map((label) => {
      const folder = join(dir, label);
      mkdirSync(folder);
      for (let i = 0; i < files; i++) writeSample(join(folder, `${label}-${i}.csv`), 1024);
      return folder;
    });
    writeSample(join(dir, 'warm-a.csv'), 1024);
    writeSample(join(dir, 'warm-b.csv'), 1024);
    const worker = await browser.worker();
    const page = await browser.context.newPage();
    await page.goto('https://www.dropbox.com/home');
    await timeToStoredEvent(page, worker, join(dir, 'warm-a.csv'), 'warm-a.csv');
    const empty = await timeFolderDrop(page, worker, folders[0]!, files);

    const seeded = await seedHistory(worker, HISTORY_EVENTS, new Date(Date.now() - 3_600_000).toISOString());
    // One upload after seeding: its badge refresh takes the unseen count once (as after an update).
    // (Counted on the index: reading every stored event back would measure the harness, not Upwatch.)
    await timeFolderDrop(page, worker, join(dir, 'warm-b.csv'), 1);
    const start = performance.now();
    while (((await unseenCount(worker)) ?? 0) < seeded) {
      if (performance.now() - start > 300_000) throw new Error('the unseen count was never taken');
    }
    const withHistory = await timeFolderDrop(page, worker, folders[1]!, files);
    const ratio = withHistory / empty;
    printResult(
      `files: drop of a ${fmt(files)}-file folder → every event stored, in Chromium`,
      [
        ['empty store', `${fmt(empty / 1000, 2)} s`],
        [`${fmt(seeded)} stored risky events, none seen`, `${fmt(withHistory / 1000, 2)} s`],
        ['with history / empty', `${fmt(ratio, 2)}×`],
        ['before (issue 15, 1,000 files)', '5.0 s empty, 59 s with 100,000 unseen'],
      ],
      [{ label: 'with history / empty ≤ 1.5', met: ratio <= 1.5 }],
    );
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(): Promise<void> {
  await classificationThroughput();
  await dropLatency();
  await dropWithHistory();
}
