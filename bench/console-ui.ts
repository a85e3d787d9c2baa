/**
 * bench/console-ui (`npm run bench -- console-ui`): the console's web interface over 1,000,000 stored
 * events (UPWATCH_BENCH_EVENTS=<n> scales it down; UPWATCH_BENCH_DATA=<dir> keeps the loaded folder
 * for the next run) in headless Chromium, each figure beside the API time of the same query in the
 * same run. "Rendered" is navigation start (or the search form's submit) → the UI's performance mark,
 * set in an effect once the data is on screen (console/ui/src/marks.ts).
 * (a) the dashboard, last 30 and 90 days: the chart drawn and the top tables rendered (goal ≤ 1 s);
 * (b) a filtered search: the filter form submitted on /events → the rows shown (goal ≤ 300 ms), and
 *     the search's URL opened anew → the rows shown.
 * Beside each: the API call's own time inside the page (Resource Timing: request start → response
 * end) and the same query sent from Node. The warm figures are p50/p95 over RUNS page loads after
 * one cold load (empty cache), which is shown too. Needs `npm run build:console-ui` (run here).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { chromium, type Page } from 'playwright-core';
import { buildConsole, type BuiltConsole } from '../console/server';
import { chromiumPath, ROOT } from '../test/harness/paths';
import { makeWorkload, type Workload } from './console-data';
import { fmt, printResult } from './lib';

const TOTAL = Number(process.env.UPWATCH_BENCH_EVENTS ?? 1_000_000);
const RUNS = Number(process.env.UPWATCH_BENCH_RUNS ?? 20);
const LOAD_BATCH = 5_000;
const PASSWORD = 'bench password, not a secret';
const VIEWPORT = { width: 1280, height: 900 };

interface Timing {
  /** Navigation start (or submit) → the UI's mark. */
  rendered: number;
  /** The API call in the page: request start → response end. */
  api: number;
}
interface Spread {
  p50: number;
  p95: number;
}

function spread(values: number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
  return { p50: at(0.5), p95: at(0.95) };
}
const ms = (s: Spread) => `p50 ${fmt(s.p50)} ms, p95 ${fmt(s.p95)} ms`;

/** A data folder holding TOTAL events: UPWATCH_BENCH_DATA's if it has them already, else loaded now. */
async function dataFolder(workload: Workload): Promise<{ dir: string; keep: boolean; loadSeconds?: number }> {
  const kept = process.env.UPWATCH_BENCH_DATA;
  const dir = kept ?? mkdtempSync(join(tmpdir(), 'upwatch-bench-ui-'));
  mkdirSync(dir, { recursive: true });
  const { app, services } = await buildConsole({ dataDir: dir, ingestRateLimit: false });
  try {
    const stored = await services.events.count();
    if (stored >= TOTAL) return { dir, keep: Boolean(kept) };
    const start = performance.now();
    for (let i = stored; i < TOTAL; i += LOAD_BATCH) {
      const { events, receivedAt } = workload.batch(i, Math.min(LOAD_BATCH, TOTAL - i));
      await services.events.ingest(events, { credentialId: 'bench', clientIp: '10.1.2.3', receivedAt });
    }
    return { dir, keep: Boolean(kept), loadSeconds: (performance.now() - start) / 1000 };
  } finally {
    await app.close();
  }
}

/**
 * In the page, once `mark` is set: its time and the API call's (the newest resource whose URL has
 * `api`), both counted from `since` (navigation start when 0). A string, not a function: tsx's
 * helpers for named functions do not exist in the page (see bench/files.ts).
 */
const readTiming = (mark: string, api: string, since: number) => `(async () => {
  const marks = () => performance.getEntriesByName('upwatch:${mark}').filter((m) => m.startTime >= ${since});
  while (marks().length === 0) await new Promise((r) => setTimeout(r, 5));
  const call = performance.getEntriesByType('resource').filter((r) => r.name.includes('${api}') && r.startTime >= ${since}).pop();
  return { rendered: marks()[0].startTime - ${since}, api: call ? call.responseEnd - call.startTime : NaN };
})()`;

async function openTimed(page: Page, path: string, mark: string, api: string): Promise<Timing> {
  await page.goto(path);
  return (await page.evaluate(readTiming(mark, api, 0))) as Timing;
}

/** On /events: the filters typed into the form and submitted; timed from the submit. */
async function submitTimed(page: Page, query: Record<string, string>): Promise<Timing> {
  await page.goto('/events');
  await page.evaluate(readTiming('search', '/api/v1/events', 0));
  const since = (await page.evaluate(`(() => {
    const form = document.querySelector('form[aria-label="Search filters"]');
    for (const [name, value] of Object.entries(${JSON.stringify(query)})) form.elements.namedItem(name).value = value;
    const t0 = performance.now();
    form.requestSubmit();
    return t0;
  })()`)) as number;
  return (await page.evaluate(readTiming('search', '/api/v1/events', since))) as Timing;
}

/** The same query from Node with an API key: RUNS times after one warm-up. */
async function nodeApi(url: string, key: string): Promise<Spread> {
  const times: number[] = [];
  for (let i = 0; i <= RUNS; i++) {
    const start = performance.now();
    const res = await fetch(url, { headers: { authorization: `Bearer ${key}` } });
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`${url}: ${res.status}`);
    if (i > 0) times.push(performance.now() - start);
  }
  return spread(times);
}

/** One run in a fresh context (the session cookie, an empty HTTP cache), then RUNS in the warm page. */
async function measure(page: Page, baseURL: string, run: (page: Page) => Promise<Timing>) {
  const context = page.context();
  const fresh = await context.browser()!.newContext({ baseURL, storageState: await context.storageState(), viewport: VIEWPORT });
  const cold = await run(await fresh.newPage());
  await fresh.close();
  const warm: Timing[] = [];
  for (let i = 0; i < RUNS; i++) warm.push(await run(page));
  return { cold, rendered: spread(warm.map((t) => t.rendered)), api: spread(warm.map((t) => t.api)) };
}

async function bench(built: BuiltConsole, url: string, workload: Workload) {
  const { services } = built;
  const email = `bench-${Date.now()}@example.test`;
  await services.auth.accounts.createLocal({ email, role: 'read_only', password: PASSWORD }, 'system', 'bench');
  const key = (await services.credentials.create({ name: `bench-ui-${Date.now()}`, role: 'read_only', createdBy: 'bench' })).secret;
  const browser = await chromium.launch({ executablePath: chromiumPath(), headless: true });
  try {
    const context = await browser.newContext({ baseURL: url, viewport: VIEWPORT });
    const page = await context.newPage();
    await page.goto('/');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();

    const rows: [string, string][] = [];
    const goals: { label: string; met: boolean }[] = [];
    const now = Date.now();
    for (const [range, days] of [
      ['30d', 30],
      ['90d', 90],
    ] as const) {
      const t = await measure(page, url, (p) => openTimed(p, `/?range=${range}`, 'dashboard', '/api/v1/exposure'));
      const query = `from=${new Date(now - days * 86_400_000).toISOString()}&to=${new Date(now).toISOString()}&bucket=day`;
      const node = await nodeApi(`${url}/api/v1/exposure?${query}`, key);
      rows.push(
        [`dashboard, last ${days} days: rendered`, `${ms(t.rendered)} (first, cold cache: ${fmt(t.cold.rendered)} ms)`],
        [`  its exposure call in the page`, ms(t.api)],
        [`  the same query from Node`, ms(node)],
      );
      goals.push({ label: `dashboard (${days} days) rendered ≤ 1 s (p95)`, met: t.rendered.p95 <= 1000 });
    }
    const user = workload.users[37]!;
    const searches: [string, Record<string, string>][] = [
      ['user + minSeverity=high', { user, minSeverity: 'high' }],
      ['destinationCategory + minSeverity=high', { destinationCategory: 'cloud_storage', minSeverity: 'high' }],
      ['fileName substring', { fileName: 'payroll' }],
    ];
    for (const [label, query] of searches) {
      const submitted = await measure(page, url, (p) => submitTimed(p, query));
      const opened = await measure(page, url, (p) => openTimed(p, `/events?${new URLSearchParams(query)}`, 'search', '/api/v1/events'));
      const node = await nodeApi(`${url}/api/v1/events?${new URLSearchParams({ ...query, limit: '100' })}`, key);
      rows.push(
        [`search, ${label}: submitted → rows shown`, ms(submitted.rendered)],
        [`  its events call in the page`, ms(submitted.api)],
        [`  the URL opened anew → rows shown`, `${ms(opened.rendered)} (first: ${fmt(opened.cold.rendered)} ms)`],
        [`  the same query from Node (limit 100)`, ms(node)],
      );
      goals.push({ label: `search (${label}) shown ≤ 300 ms after submit (p95)`, met: submitted.rendered.p95 <= 300 });
    }
    return { rows, goals };
  } finally {
    await browser.close();
  }
}

export async function run(): Promise<void> {
  execFileSync('npm', ['run', '--silent', 'build:console-ui'], { cwd: ROOT, stdio: 'inherit' });
  if (!existsSync(chromiumPath())) throw new Error('no Chromium: run scripts/ensure-setup.sh');
  const workload = makeWorkload(TOTAL);
  await workload.ready;
  const { dir, keep, loadSeconds } = await dataFolder(workload);
  const built = await buildConsole({ dataDir: dir, ingestRateLimit: false });
  try {
    const url = await built.app.listen({ host: '127.0.0.1', port: 0 });
    const { rows, goals } = await bench(built, url, workload);
    printResult(
      `console UI over ${fmt(await built.services.events.count())} stored events in headless Chromium (${RUNS} warm runs each${loadSeconds ? `; loaded in ${fmt(loadSeconds)} s` : ''})`,
      [
        ...rows,
        [
          'machine',
          `${cpus().length} CPUs, load average ${loadavg()
            .map((l) => fmt(l, 1))
            .join(' / ')} (1 / 5 / 15 min)`,
        ],
      ],
      goals,
    );
  } finally {
    await built.app.close();
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
}
