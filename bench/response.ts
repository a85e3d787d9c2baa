/**
 * bench/response: how long a held file waits for its decision (issue 14), in real Chromium with the
 * built extension, beside the same pick on a page where nothing is held, in the same run.
 *
 * - Two tabs of test/fixtures/pages/response/widgets.html: github.com, where a rule could act (a block
 *   of executables there: the page's plan says hold, the .csv files picked are allowed), and
 *   mail.google.com, where no rule applies (the plan says no hold: today's observation, untouched).
 * - Each turn picks a new file into each tab's plain input through CDP DOM.setFileInputFiles (the
 *   trusted events of the browser's own file chooser) and times the handover (stamped here, just
 *   before the command) until the page's own change handler has the file (stamped in the page, on
 *   the same epoch clock: this process also runs the console that receives the events, and its own
 *   delays are no part of the decision). On the no-rule tab the handler runs at the handover, so its
 *   time is the measuring path's own cost (CDP, the event's dispatch); on the held tab the
 *   handler runs when the decision is known in the content script (the re-dispatch is synchronous).
 *   The decision time is the difference within each turn. Warm-up turns are discarded.
 * - Also prints the background's own decidedInMs from the stored events.
 * Writes a Chromium policy file: run it alone, like the e2e tests (flock /tmp/e2e.lock npm run bench -- response).
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { CDPSession, Page } from 'playwright-core';
import { startChromiumRig } from '../test/harness/extension-rig';
import { ALL_HOURS_WORKING } from '../test/harness/policy-files';
import { isSimulatedSite } from '../test/harness/sites';
import { scratchFiles } from '../test/harness/scratch-files';
import { storedEvents } from '../test/harness/stored-events';
import { widgetsPage } from '../test/e2e/response-support';
import { fmt, printResult } from './lib';

const N = Math.max(10, Number(process.env.UPWATCH_RESPONSE_N ?? 100));
const WARMUP = 5;

const percentile = (xs: readonly number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};

interface Tab {
  page: Page;
  cdp: CDPSession;
  objectId: string;
  arrived: Map<string, number>;
  waiting: Map<string, () => void>;
}

async function openTab(open: () => Promise<Page>, host: string): Promise<Tab> {
  const page = await open();
  const arrived = new Map<string, number>();
  const waiting = new Map<string, () => void>();
  await page.exposeFunction('benchArrived', (name: string, at: number) => {
    arrived.set(name, at);
    waiting.get(name)?.();
  });
  await page.goto(`https://${host}/response/widgets`);
  await page.evaluate(() =>
    document.getElementById('plain')!.addEventListener('change', (e) => {
      for (const f of Array.from((e.target as HTMLInputElement).files ?? []))
        (window as unknown as { benchArrived(n: string, at: number): void }).benchArrived(f.name, performance.timeOrigin + performance.now());
    }),
  );
  // A person clicks the input before the chooser opens: the frame asks for its plan then.
  await page.focus('#plain');
  const cdp = await page.context().newCDPSession(page);
  const { result } = await cdp.send('Runtime.evaluate', { expression: "document.getElementById('plain')" });
  return { page, cdp, objectId: result.objectId!, arrived, waiting };
}

/** The same clock in this process and in the page (the time since the epoch, in ms, sub-millisecond). */
const epochNow = () => performance.timeOrigin + performance.now();

/** Handover → the page's handler has the file, in ms (the page stamps the end itself: this process may be busy meanwhile). */
async function pickOnce(tab: Tab, path: string, name: string): Promise<number> {
  const got = new Promise<void>((resolve) => tab.waiting.set(name, resolve));
  const start = epochNow();
  await tab.cdp.send('DOM.setFileInputFiles', { files: [path], objectId: tab.objectId });
  await got;
  return tab.arrived.get(name)! - start;
}

export async function run(): Promise<void> {
  const loadBefore = loadavg()[0]!;
  const names = Array.from({ length: 2 * (N + WARMUP) }, (_, i) => `bench-${i}.csv`);
  const files = scratchFiles(Object.fromEntries(names.map((n) => [n, `id,value\n${n},1\n`])));
  const rig = await startChromiumRig(`upwatch-bench-response-${process.pid}`, {
    policy: (c) => ({
      backendUrl: c.ingestUrl,
      backendToken: c.token,
      riskSettings: ALL_HOURS_WORKING,
      responseRules: [{ id: 'no-executables-to-github', when: { serviceIds: ['github'], fileCategories: ['executable'] }, action: 'block' }],
    }),
  });
  try {
    await rig.browser.context.route(
      (url) => isSimulatedSite(url) && url.pathname.startsWith('/response/'),
      (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: widgetsPage(new URL(route.request().url()).hostname) }),
    );
    const open = () => rig.browser.context.newPage();
    const held = await openTab(open, 'github.com');
    const plain = await openTab(open, 'mail.google.com');
    const times = { held: [] as number[], plain: [] as number[], paired: [] as number[] };
    let next = 0;
    for (let turn = 0; turn < N + WARMUP; turn++) {
      // Alternating which tab goes first, so neither always follows the other.
      const order: ['held' | 'plain', Tab][] =
        turn % 2
          ? [
              ['plain', plain],
              ['held', held],
            ]
          : [
              ['held', held],
              ['plain', plain],
            ];
      const took: Record<string, number> = {};
      for (const [key, tab] of order) {
        const name = names[next++]!;
        took[key] = await pickOnce(tab, files.path(name), name);
      }
      if (turn < WARMUP) continue;
      times.held.push(took.held!);
      times.plain.push(took.plain!);
      times.paired.push(took.held! - took.plain!);
    }
    // The background's side of each held decision, from the events it stored: waits (at most 10 s)
    // until every held pick's event is stored, rather than for a fixed time.
    const worker = await rig.browser.worker();
    const readDecided = async () =>
      (await storedEvents(worker))
        .filter((e) => e.destination.host === 'github.com' && e.response?.decidedInMs !== undefined)
        .map((e) => e.response!.decidedInMs);
    let decided = await readDecided();
    for (const until = performance.now() + 10_000; decided.length < N + WARMUP && performance.now() < until; decided = await readDecided()) {
      await new Promise((r) => setTimeout(r, 100));
    }
    const row = (xs: number[]) => `p50 ${fmt(percentile(xs, 50), 1)} ms, p95 ${fmt(percentile(xs, 95), 1)} ms (n=${xs.length})`;
    const decisionP95 = percentile(times.paired, 95);
    printResult(
      `response: one picked file, handover → the page's change handler, ${N} turns per tab after ${WARMUP} warm-up, alternating`,
      [
        ['held (a rule could act: decision, then the file given back)', row(times.held)],
        ['baseline: no rule on the page (plain observation, untouched)', row(times.plain)],
        ['decision time (held − baseline of the same turn)', row(times.paired)],
        ['background decidedInMs (stored events)', decided.length ? row(decided) : 'none stored'],
        // The machine is shared: the figures are only comparable at a similar load.
        ['load average (1 min) before / after', `${fmt(loadBefore, 2)} / ${fmt(loadavg()[0]!, 2)}`],
      ],
      [{ label: 'decision time p95 ≤ 50 ms', met: decisionP95 <= 50 }],
    );
  } finally {
    await rig.close();
    files.remove();
  }
}
