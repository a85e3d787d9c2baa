/**
 * bench/intelligence-files-drop (issue 16, item 2): in real Chromium, a trusted drop → stored event
 * for one file that asks the content model (Haskell named .txt: text analysis reads it as prose;
 * a short one, whose model input is mostly padding, and one of 8 KiB, whose input is full) and one
 * that does not (CSV, the baseline of the same run), and a 1,000-file folder of such Haskell files,
 * for each extension build named in UPWATCH_EXTENSION_DIRS (`name=dir,name=dir`; default: the built
 * one), in one run, so an older build is the baseline of a newer one. Plus each build's packed size.
 *
 * The 1,000-file folder is dropped twice, once while the harness polls the store as before (each
 * poll reads every stored event through CDP, in a loop, and loads the worker and the browser while
 * they work), once under other names while it waits on the commits (below): the second is the
 * goal's figure (≤ 6 s, nothing lost).
 *
 * Two figures per file, each a median of 7 drops:
 * - "CDP dispatch → harness's poll sees it" is the figure this bench printed before: Node's clock
 *   from the start of the CDP drag (three round trips, about 20 ms before the page has the event)
 *   until a poll of the store, which reads every stored event, finds it (up to a poll late, and the
 *   polls load the worker while it works).
 * - "page's drop event → committed in the worker" is the goal's figure ("a single-file drop →
 *   stored event ≤ 60 ms"): from the moment the page has the drop, which is where the browser hands
 *   a person's drop to the page and the extension can first act, to the commit of the transaction
 *   that put the event in the store, the moment it can no longer be lost. Both ends are the
 *   browser's own clocks (drop-clock.ts: the event's timeStamp, the transaction's `complete`, as
 *   epoch times through performance.timeOrigin; a clock check line prints how far the page's and the
 *   worker's epoch clocks disagree), measured on drops where the harness waits without polling; the
 *   same figure on the polled drops is printed beside it. What the harness pays is in neither end.
 *
 * The baseline without the model is a build of the commit before the wiring (docs/content-model.md
 * gives the command): `git archive <commit> | tar -x -C <dir>`, then `npx wxt build -b chrome` there.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Page, Worker } from 'playwright-core';
import { dropPaths } from '../test/harness/actions';
import { launchChromium } from '../test/harness/chromium';
import { CHROME_EXTENSION_DIR } from '../test/harness/paths';
import { storedEvents } from '../test/harness/stored-events';
import { clearDrops, clockSkew, dropTimes, folderDropToCommit, installDropClock, waitCommitted } from './drop-clock';
import { fmt, printResult, type Goal } from './lib';

const DROPS = 7;
const FOLDER_FILES = 1000;

const haskell = (i: number) =>
  `module Main${i} where\n\nimport Data.List (sortBy)\nimport qualified Data.Map as M\n\n-- | Count words, variant ${i}\n` +
  `wordCount :: String -> M.Map String Int\nwordCount = foldr (\\w -> M.insertWith (+) w ${i}) M.empty . words\n\n` +
  `main :: IO ()\nmain = do\n  input <- getContents\n  mapM_ print (M.toList (wordCount input))\n`;
const csv = 'id,name,email,salary\n' + Array.from({ length: 30 }, (_, i) => `${i},Person ${i},p${i}@acme.com,${50_000 + i}`).join('\n') + '\n';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function waitForEvents(worker: Worker, count: number, since: number, timeoutMs: number): Promise<number> {
  const start = performance.now();
  for (;;) {
    const stored = (await storedEvents(worker)).length - since;
    if (stored >= count) return performance.now() - start;
    if (performance.now() - start > timeoutMs) throw new Error(`${stored} of ${count} events stored after ${timeoutMs} ms`);
  }
}

interface DropTimes {
  /** CDP dispatch starts → the harness sees the event (Node's clock). */
  harness: number;
  /** The page's drop event → the event's transaction committed in the worker (browser clocks). */
  inBrowser: number;
  /** The drop event's timeStamp → its first listener in the page. */
  listenerLag: number;
  /** The store step: first read-write transaction of the upload → the event committed. */
  store: number;
}

/** As before this figure had a second one: the harness polls the store until the event is there. */
async function dropPolled(page: Page, worker: Worker, path: string): Promise<DropTimes> {
  await clearDrops(page);
  const before = (await storedEvents(worker)).length;
  const start = performance.now();
  await dropPaths(page, '#dropzone', [path]);
  await waitForEvents(worker, 1, before, 60_000);
  const harness = performance.now() - start;
  const times = await dropTimes(page, worker, basename(path));
  return { harness, inBrowser: times.dropToCommit, listenerLag: times.listenerLagMs, store: times.storeMs };
}

/** The harness waits for the commit without polling: nothing of it runs in the worker meanwhile. */
async function dropQuiet(page: Page, worker: Worker, path: string): Promise<DropTimes> {
  await clearDrops(page);
  const start = performance.now();
  await dropPaths(page, '#dropzone', [path]);
  await waitCommitted(worker, basename(path));
  const harness = performance.now() - start;
  const times = await dropTimes(page, worker, basename(path));
  return { harness, inBrowser: times.dropToCommit, listenerLag: times.listenerLagMs, store: times.storeMs };
}

interface BenchFiles {
  model: string[];
  large: string[];
  plain: string[];
  folder: string;
  /** The same folder under other names, dropped while the harness waits without polling. */
  quietFolder: string;
  sizes: { model: number; large: number };
}

type Kind = 'model' | 'large' | 'plain';
const KINDS: Kind[] = ['model', 'large', 'plain'];

async function measure(name: string, dir: string, files: BenchFiles): Promise<{ rows: [string, string][]; goals: Goal[] }> {
  const browser = await launchChromium({ extensionDir: dir });
  try {
    const worker = await browser.worker();
    const page = await browser.context.newPage();
    await page.goto('https://www.dropbox.com/home');
    await installDropClock(page, worker);
    const cold = await dropPolled(page, worker, files.model[2 * DROPS]!);
    const polled: Record<Kind, DropTimes[]> = { model: [], large: [], plain: [] };
    const quiet: Record<Kind, DropTimes[]> = { model: [], large: [], plain: [] };
    for (let i = 0; i < DROPS; i++) {
      for (const kind of KINDS) {
        polled[kind].push(await dropPolled(page, worker, files[kind][i]!));
        quiet[kind].push(await dropQuiet(page, worker, files[kind][DROPS + i]!));
      }
    }
    const skew = await clockSkew(page, worker);
    const before = (await storedEvents(worker)).length;
    const start = performance.now();
    await dropPaths(page, '#dropzone', [files.folder]);
    await waitForEvents(worker, FOLDER_FILES, before, 120_000);
    const folderMs = performance.now() - start;
    const events = (await storedEvents(worker)).slice(before);
    const byModel = events.filter((e) => e.file.evidence?.some((l) => l.startsWith('content model ('))).length;
    await clearDrops(page);
    const quietStart = performance.now();
    await dropPaths(page, '#dropzone', [files.quietFolder]);
    const quietMs = await folderDropToCommit(page, worker, 'quiet-', FOLDER_FILES);
    const quietHarnessMs = performance.now() - quietStart;
    const stored = (await storedEvents(worker)).length - before;
    const zip = join(tmpdir(), `upwatch-${name}-${process.pid}.zip`);
    execFileSync('zip', ['-qr', '-9', zip, '.'], { cwd: dir });
    const packed = statSync(zip).size;
    rmSync(zip);
    const label: Record<Kind, string> = {
      model: `Haskell .txt, ${files.sizes.model} bytes`,
      large: `Haskell .txt, ${files.sizes.large} bytes`,
      plain: 'CSV (no model)',
    };
    const ms = (xs: DropTimes[], key: keyof DropTimes) => `${fmt(median(xs.map((x) => x[key])), 1)} ms`;
    const goalFigure = median(quiet.model.map((x) => x.inBrowser));
    return {
      rows: [
        [`${name}: first drop after start, Haskell .txt (harness; drop event → committed)`, `${fmt(cold.harness, 1)} ms; ${fmt(cold.inBrowser, 1)} ms`],
        ...KINDS.map((kind): [string, string] => [`${name}: ${label[kind]}: CDP dispatch → harness's poll sees it (as before)`, ms(polled[kind], 'harness')]),
        ...KINDS.map((kind): [string, string] => [
          `${name}: ${label[kind]}: page's drop event → committed in the worker`,
          `${ms(quiet[kind], 'inBrowser')} (${ms(polled[kind], 'inBrowser')} while the harness polls)`,
        ]),
        [`${name}: clock check, page − worker epoch clocks`, `${fmt(skew.skewMs, 2)} ms (± ${fmt(skew.boundMs, 2)})`],
        [
          `${name}: of which the store step (first write transaction → commit), all drops`,
          ms(
            KINDS.flatMap((kind) => [...polled[kind], ...quiet[kind]]),
            'store',
          ),
        ],
        [
          `${name}: clock check, drop event's timeStamp → its first page listener (median)`,
          `${fmt(median(KINDS.flatMap((kind) => [...polled[kind], ...quiet[kind]]).map((x) => x.listenerLag)), 2)} ms`,
        ],
        [`${name}: ${FOLDER_FILES}-file folder: CDP dispatch → harness's poll sees all (as before)`, `${fmt(folderMs)} ms (${byModel} named by the model)`],
        [
          `${name}: ${FOLDER_FILES}-file folder: page's drop event → all committed (no polling)`,
          `${fmt(quietMs)} ms (CDP dispatch → harness knows: ${fmt(quietHarnessMs)} ms; ${stored} of ${2 * FOLDER_FILES} events stored in both folders)`,
        ],
        [`${name}: packed (zip -9)`, `${fmt(packed / 1e6, 2)} MB`],
      ],
      goals: [
        {
          label: `${name}: ${FOLDER_FILES}-file folder, page's drop event → all committed, ${fmt(quietMs)} ms ≤ 6 s, none lost`,
          met: quietMs <= 6000 && stored === 2 * FOLDER_FILES,
        },
        {
          label: `${name}: single-file drop (${label.model}, asks the model), page's drop event → committed, median ${fmt(goalFigure, 1)} ≤ 60 ms`,
          met: goalFigure <= 60,
        },
      ],
    };
  } finally {
    await browser.close();
  }
}

export async function run(): Promise<void> {
  const builds = (process.env.UPWATCH_EXTENSION_DIRS ?? `build=${CHROME_EXTENSION_DIR}`).split(',').map((pair) => pair.split('=') as [string, string]);
  const dir = mkdtempSync(join(tmpdir(), 'upwatch-bench-intel-'));
  try {
    const write = (name: string, text: string) => (writeFileSync(join(dir, name), text), join(dir, name));
    const large = (i: number) => Array.from({ length: 26 }, (_, j) => haskell(i * 100 + j)).join('\n');
    const files: BenchFiles = {
      model: Array.from({ length: 2 * DROPS + 1 }, (_, i) => write(`words-${i}.txt`, haskell(i))),
      large: Array.from({ length: 2 * DROPS }, (_, i) => write(`modules-${i}.txt`, large(i))),
      plain: Array.from({ length: 2 * DROPS }, (_, i) => write(`people-${i}.csv`, csv)),
      folder: join(dir, 'folder'),
      quietFolder: join(dir, 'quiet-folder'),
      sizes: { model: Buffer.byteLength(haskell(0)), large: Buffer.byteLength(large(0)) },
    };
    mkdirSync(files.folder);
    mkdirSync(files.quietFolder);
    for (let i = 0; i < FOLDER_FILES; i++) {
      writeFileSync(join(files.folder, `module-${i}.txt`), haskell(i + 100));
      writeFileSync(join(files.quietFolder, `quiet-${i}.txt`), haskell(i + 100));
    }
    const rows: [string, string][] = [];
    const goals: Goal[] = [];
    for (const [name, extensionDir] of builds) {
      const measured = await measure(name, extensionDir, files);
      rows.push(...measured.rows);
      goals.push(...measured.goals);
    }
    printResult(`content model in Chromium: drop → stored event, medians of ${DROPS} (one run, builds one after another)`, rows, goals);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
