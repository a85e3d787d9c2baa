/**
 * Where a 1,000-file folder drop's time goes in Chromium (issue 16, item 2), for the extension build
 * in UPWATCH_EXTENSION_DIR (default: the built one): when each message of the drop reaches the
 * service worker (`upload/observed` with the files' facts, `upload/heads` with their first and last
 * bytes, one of each per 50 files), when each part's events are committed, and the CPU time each
 * Chromium process spent meanwhile (from /proc: the browser process, which also runs IndexedDB and
 * the file reads, the extension's renderer, the page's renderer). The harness never reads the store
 * while the extension works: it looks at the worker's in-memory list of commits (drop-clock.ts).
 *
 * Run: `flock /tmp/e2e.lock npx tsx bench/intelligence-files-drop-profile.ts` (Linux; every Chromium
 * process on the machine is counted, so it wants the e2e lock like the browser tests).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dropPaths } from '../test/harness/actions';
import { launchChromium } from '../test/harness/chromium';
import { clearDrops, folderDropToCommit, installDropClock, waitCommitted } from './drop-clock';
import { fmt, printResult } from './lib';

const FILES = 1000;
const TICKS_PER_SECOND = 100;

const haskell = (i: number) =>
  `module Main${i} where\n\nimport qualified Data.Map as M\n\n-- | Count words, variant ${i}\n` +
  `wordCount :: String -> M.Map String Int\nwordCount = foldr (\\w -> M.insertWith (+) w ${i}) M.empty . words\n\n` +
  `main :: IO ()\nmain = getContents >>= mapM_ print . M.toList . wordCount\n`;

/** CPU milliseconds of every Chromium process, by pid, with its kind (zygote children rewrite their argv as one string). */
function chromiumCpu(): Map<number, { kind: string; ms: number }> {
  const out = new Map<number, { kind: string; ms: number }>();
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split(/[\0 ]/);
      if (!args[0]?.includes('chrom')) continue;
      const type = args.find((a) => a.startsWith('--type='))?.slice(7) ?? 'browser';
      const kind = type === 'renderer' ? (args.includes('--extension-process') ? 'extension renderer (worker)' : 'page renderer') : type;
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(Number(pid), { kind, ms: ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND });
    } catch {
      // The process ended meanwhile.
    }
  }
  return out;
}

const WORKER_LOG = `(() => {
  if (globalThis.__upwatchMessages) return;
  globalThis.__upwatchMessages = [];
  chrome.runtime.onMessage.addListener((m) => { globalThis.__upwatchMessages.push([performance.timeOrigin + performance.now(), m && m.type, m && m.part]); });
})()`;

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'upwatch-bench-drop-profile-'));
  const browser = await launchChromium({ extensionDir: process.env.UPWATCH_EXTENSION_DIR });
  try {
    const folder = join(dir, 'folder');
    mkdirSync(folder);
    for (let i = 0; i < FILES; i++) writeFileSync(join(folder, `part-${i}.txt`), haskell(i));
    const worker = await browser.worker();
    const page = await browser.context.newPage();
    await page.goto('https://www.dropbox.com/home');
    await installDropClock(page, worker);
    await worker.evaluate(WORKER_LOG);
    // Two single drops first: the response plan is known and the model loaded, as in a working browser.
    for (const name of ['warm-1.txt', 'warm-2.txt']) {
      writeFileSync(join(dir, name), haskell(0));
      await clearDrops(page);
      await dropPaths(page, '#dropzone', [join(dir, name)]);
      await waitCommitted(worker, name);
    }
    await worker.evaluate('globalThis.__upwatchMessages.length = 0');
    await clearDrops(page);
    const before = chromiumCpu();
    await dropPaths(page, '#dropzone', [folder]);
    const total = await folderDropToCommit(page, worker, 'part-', FILES);
    const after = chromiumCpu();
    const dropAt = (await page.evaluate<[number, number][]>('window.__upwatchDrops.slice()'))[0]![0];
    const messages = await worker.evaluate<[number, string, number | undefined][]>('globalThis.__upwatchMessages');
    const commits = await worker.evaluate<number[]>(`[...globalThis.__upwatchDropClock.committed].filter(([n]) => n.startsWith('part-')).map(([, at]) => at)`);
    const at = (t: number) => fmt(t - dropAt);
    const times = (type: string) =>
      messages
        .filter(([, t]) => t === type)
        .map(([time]) => at(time))
        .join(' ');
    const cpu = new Map<string, number>();
    for (const [pid, { kind, ms }] of after) cpu.set(kind, (cpu.get(kind) ?? 0) + ms - (before.get(pid)?.ms ?? 0));
    printResult(
      `${FILES}-file folder drop in Chromium: where the time goes (ms after the page's drop event)`,
      [
        ['all committed', `${fmt(total)} ms`],
        ['upload/observed reach the worker', times('upload/observed')],
        ['upload/heads reach the worker', times('upload/heads')],
        ['parts committed', [...new Set(commits.map(at))].join(' ')],
        ...[...cpu].filter(([, ms]) => ms > 0).map(([kind, ms]): [string, string] => [`CPU: ${kind}`, `${fmt(ms)} ms`]),
      ],
      [],
    );
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
