/**
 * bench/intelligence-files-drop (issue 16, item 2): in real Chromium, a trusted drop → stored event
 * for one file that asks the content model (Haskell named .txt: text analysis reads it as prose;
 * a short one, whose model input is mostly padding, and one of 8 KiB, whose input is full) and one
 * that does not (CSV), and a 1,000-file folder of such Haskell files, for each extension
 * build named in UPWATCH_EXTENSION_DIRS (`name=dir,name=dir`; default: the built one), in one run,
 * so a build without the model is the baseline of a build with it. Plus each build's packed size.
 *
 * The baseline without the model is a build of the commit before the wiring (docs/content-model.md
 * gives the command): `git archive <commit> | tar -x -C <dir>`, then `npx wxt build -b chrome` there.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Page, Worker } from 'playwright-core';
import { dropPaths } from '../test/harness/actions';
import { launchChromium } from '../test/harness/chromium';
import { CHROME_EXTENSION_DIR } from '../test/harness/paths';
import { storedEvents } from '../test/harness/stored-events';
import { fmt, printResult } from './lib';

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

async function dropOne(page: Page, worker: Worker, path: string): Promise<number> {
  const before = (await storedEvents(worker)).length;
  const start = performance.now();
  await dropPaths(page, '#dropzone', [path]);
  await waitForEvents(worker, 1, before, 60_000);
  return performance.now() - start;
}

interface BenchFiles {
  model: string[];
  large: string[];
  plain: string[];
  folder: string;
  sizes: { model: number; large: number };
}

async function measure(name: string, dir: string, files: BenchFiles): Promise<[string, string][]> {
  const browser = await launchChromium({ extensionDir: dir });
  try {
    const worker = await browser.worker();
    const page = await browser.context.newPage();
    await page.goto('https://www.dropbox.com/home');
    const cold = await dropOne(page, worker, files.model[DROPS]!);
    const model: number[] = [];
    const large: number[] = [];
    const plain: number[] = [];
    for (let i = 0; i < DROPS; i++) {
      model.push(await dropOne(page, worker, files.model[i]!));
      large.push(await dropOne(page, worker, files.large[i]!));
      plain.push(await dropOne(page, worker, files.plain[i]!));
    }
    const before = (await storedEvents(worker)).length;
    const start = performance.now();
    await dropPaths(page, '#dropzone', [files.folder]);
    await waitForEvents(worker, FOLDER_FILES, before, 120_000);
    const folderMs = performance.now() - start;
    const events = (await storedEvents(worker)).slice(before);
    const byModel = events.filter((e) => e.file.evidence?.some((l) => l.startsWith('content model ('))).length;
    const zip = join(tmpdir(), `upwatch-${name}-${process.pid}.zip`);
    execFileSync('zip', ['-qr', '-9', zip, '.'], { cwd: dir });
    const packed = statSync(zip).size;
    rmSync(zip);
    return [
      [`${name}: first drop after start, Haskell .txt`, `${fmt(cold, 1)} ms`],
      [`${name}: drop → stored, Haskell .txt, ${files.sizes.model} bytes (median of ${DROPS})`, `${fmt(median(model), 1)} ms`],
      [`${name}: drop → stored, Haskell .txt, ${files.sizes.large} bytes (median of ${DROPS})`, `${fmt(median(large), 1)} ms`],
      [`${name}: drop → stored, CSV (median of ${DROPS})`, `${fmt(median(plain), 1)} ms`],
      [`${name}: ${FOLDER_FILES}-file folder → all stored`, `${fmt(folderMs)} ms (${byModel} named by the model)`],
      [`${name}: packed (zip -9)`, `${fmt(packed / 1e6, 2)} MB`],
    ];
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
      model: Array.from({ length: DROPS + 1 }, (_, i) => write(`words-${i}.txt`, haskell(i))),
      large: Array.from({ length: DROPS }, (_, i) => write(`modules-${i}.txt`, large(i))),
      plain: Array.from({ length: DROPS }, (_, i) => write(`people-${i}.csv`, csv)),
      folder: join(dir, 'folder'),
      sizes: { model: Buffer.byteLength(haskell(0)), large: Buffer.byteLength(large(0)) },
    };
    mkdirSync(files.folder);
    for (let i = 0; i < FOLDER_FILES; i++) writeFileSync(join(files.folder, `module-${i}.txt`), haskell(i + 100));
    const rows: [string, string][] = [];
    for (const [name, extensionDir] of builds) rows.push(...(await measure(name, extensionDir, files)));
    printResult('content model in Chromium: drop → stored event (one run, builds one after another)', rows, []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
