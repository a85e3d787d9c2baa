/**
 * bench/frame-start: what Upwatch's content scripts cost each frame when they start, in CPU time on
 * the frame's main thread. bench/page-load gives the whole effect on a heavy page, but at 1–3 % its
 * intervals are as wide as the effect; this measures the cause directly and with little noise.
 *
 * In one Chromium (no extension), each script is run in a fresh same-origin iframe as an inline
 * script, timed by the frame's own performance.now() around it: parse, compile and the start-up
 * work (capturing natives, wrapping the page's functions, the front line's listeners). Scripts and
 * builds are interleaved frame by frame, each round in a shuffled order, R frames each, so drift hits them alike; an empty script
 * is the baseline, and bare pass-through wraps of the hooks (bench/bare-wraps.ts) show the
 * least any implementation pays. The ISOLATED-world script runs in the page's world here (an approximation: in the
 * browser it starts in its own world, which is itself a cost, measured by bench/page-load as the
 * empty scripts). A frame pays for the scripts whose manifest entry has all_frames; the top frame
 * pays for all. UPWATCH_FRAME_START_BASELINE=<dir of a built chrome-mv3> adds another build (the
 * previous release). UPWATCH_FRAME_START_FRAMES sets R (default 300).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { CHROME_EXTENSION_DIR, chromiumPath } from '../test/harness/paths';
import { BARE_WRAPS_SOURCE } from './bare-wraps';
import { fmt, printResult } from './lib';

const FRAMES = Math.max(20, Number(process.env.UPWATCH_FRAME_START_FRAMES ?? 300));

interface Script {
  label: string;
  source: string;
  everyFrame: boolean;
}

function scriptsOf(dir: string, build: string): Script[] {
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as {
    content_scripts?: { js?: string[]; all_frames?: boolean; world?: string }[];
  };
  return (manifest.content_scripts ?? []).flatMap((entry) =>
    (entry.js ?? []).map((js) => ({
      label: `${build}/${js} (${entry.world ?? 'ISOLATED'}, ${entry.all_frames ? 'every frame' : 'top frame'})`,
      source: readFileSync(join(dir, js), 'utf8'),
      everyFrame: entry.all_frames === true,
    })),
  );
}

/**
 * Checks that the bare wraps do wrap (a baseline that wrapped nothing would flatter every build):
 * in a fresh frame, each listed function is replaced, keeps its name and length, and still shows
 * native source.
 */
async function checkBareWraps(page: Page): Promise<void> {
  const problems = await page.evaluate((source) => {
    const frame = document.createElement('iframe');
    document.body.append(frame);
    const win = frame.contentWindow as Window & typeof globalThis;
    const targets: [object, string][] = [
      [win.Element.prototype, 'attachShadow'],
      [win.HTMLElement.prototype, 'click'],
      [win, 'fetch'],
      [win.XMLHttpRequest.prototype, 'send'],
      [win.Navigator.prototype, 'sendBeacon'],
      [win.WebSocket.prototype, 'send'],
      [win.Blob.prototype, 'slice'],
      [win.Document.prototype, 'open'],
    ];
    const before = targets.map(([owner, key]) => (owner as Record<string, unknown>)[key]);
    const script = win.document.createElement('script');
    script.textContent = source;
    win.document.head.append(script);
    const found = targets.flatMap(([owner, key], i) => {
      const fn = (owner as Record<string, (...a: unknown[]) => unknown>)[key]!;
      const old = before[i] as (...a: unknown[]) => unknown;
      const native = win.Function.prototype.toString.call(fn).includes('[native code]');
      return fn !== old && fn.name === old.name && fn.length === old.length && native ? [] : [key];
    });
    frame.remove();
    return found;
  }, BARE_WRAPS_SOURCE);
  if (problems.length) throw new Error(`bench/bare-wraps.ts does not wrap ${problems.join(', ')} as the issue's hooks would`);
}

/** Mean start time per frame of each source, in ms, interleaved frame by frame. */
async function startTimes(sources: string[]): Promise<number[]> {
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage();
    await page.setContent('<!doctype html><body></body>');
    await checkBareWraps(page);
    return await page.evaluate(
      ({ sources, frames }) => {
        const totals = sources.map(() => 0);
        // Each round in its own order (seeded), so that no script always follows the same one.
        // (No named function here: tsx would wrap it in a helper the page does not have.)
        let seed = 13;
        const order = sources.map((_, i) => i);
        for (let round = 0; round < frames; round++) {
          for (let k = order.length - 1; k > 0; k--) {
            seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
            const j = Math.floor((seed / 4294967296) * (k + 1));
            [order[k], order[j]] = [order[j]!, order[k]!];
          }
          for (const i of order) {
            const frame = document.createElement('iframe');
            document.body.append(frame);
            const win = frame.contentWindow as Window & { __start?: number; __end?: number };
            const script = win.document.createElement('script');
            script.textContent = `window.__start=performance.now();${sources[i]}\n;window.__end=performance.now();`;
            win.document.head.append(script);
            totals[i]! += (win.__end ?? NaN) - (win.__start ?? NaN);
            frame.remove();
          }
        }
        return totals.map((t) => t / frames);
      },
      { sources, frames: FRAMES },
    );
  } finally {
    await browser.close();
  }
}

export async function run(): Promise<void> {
  if (!existsSync(join(CHROME_EXTENSION_DIR, 'manifest.json'))) throw new Error(`build the extension first (${CHROME_EXTENSION_DIR})`);
  const builds: { name: string; scripts: Script[] }[] = [{ name: 'upwatch', scripts: scriptsOf(CHROME_EXTENSION_DIR, 'upwatch') }];
  const baseline = process.env.UPWATCH_FRAME_START_BASELINE;
  if (baseline) builds.push({ name: 'baseline', scripts: scriptsOf(baseline, 'baseline') });
  const scripts = builds.flatMap((b) => b.scripts);
  const [empty, bare, ...times] = await startTimes(['', BARE_WRAPS_SOURCE, ...scripts.map((s) => s.source)]);
  const ms = (t: number) => `${fmt(t, 3)} ms`;
  const rows: [string, string][] = [
    ['empty script (baseline)', ms(empty!)],
    // The least any implementation of issue 13's hooks does in every frame (bench/bare-wraps.ts).
    ['bare pass-through wraps of the hooks (every frame)', ms(bare! - empty!)],
  ];
  scripts.forEach((s, i) => rows.push([s.label, ms(times[i]! - empty!)]));
  let at = 0;
  for (const build of builds) {
    const own = times.slice(at, at + build.scripts.length).map((t) => t - empty!);
    at += build.scripts.length;
    const subframe = own.filter((_, i) => build.scripts[i]!.everyFrame).reduce((a, b) => a + b, 0);
    rows.push([`${build.name}: a subframe's start`, ms(subframe)]);
    rows.push([`${build.name}: the top frame's start`, ms(own.reduce((a, b) => a + b, 0))]);
    rows.push([`${build.name}: a page with 20 subframes (bench/page-load's heavy page)`, ms(own.reduce((a, b) => a + b, 0) + 20 * subframe)]);
  }
  printResult(`frame-start: content scripts' start per frame, mean of ${FRAMES} frames each, in Chromium (beyond an empty script)`, rows, []);
}
