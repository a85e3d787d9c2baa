/**
 * bench/page-load: what Upwatch costs every page (issue 13), measured as ENGINEERING-NOTES
 * "Measuring page-load cost" says.
 *
 * - Plain `chromium --headless` processes, no CDP attached (CDP adds cost per frame), one per
 *   configuration: no extension, no extension again (the noise floor), Upwatch (.output/chrome-mv3),
 *   Upwatch's content-script entries with empty scripts (what injecting two scripts into every frame
 *   costs before any of our code runs), the same entries with bare pass-through wraps of the issue's
 *   hooks in the MAIN world (bench/bare-wraps.ts: the least any implementation pays), and optionally
 *   other builds (UPWATCH_PAGE_LOAD_OTHER=<name>=<dir>,…, e.g. the previous release).
 * - The heavy page (~1,900 elements, 20 same-site iframes) on a real host name
 *   (https://en.wikipedia.org) mapped by --host-resolver-rules to a local HTTPS server.
 * - Without CDP the pages drive themselves: each browser waits on /next (long poll) for its turn;
 *   turns are handed out one at a time, round-robin in a shuffled order per round; the page reports
 *   its navigation timing's loadEventEnd to /report and goes back to waiting.
 * - Warm-up turns are discarded; N measured turns per configuration (UPWATCH_PAGE_LOAD_N, default
 *   100); medians with bootstrap 95% intervals of the ratio to the first no-extension browser.
 * Also prints the content scripts' sizes in .output (both browsers, bench/content-size): the budget is 10 KB per frame.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONTENT_SCRIPTS } from '../src/content/content-scripts';
import { CHROME_EXTENSION_DIR, FIREFOX_EXTENSION_DIR, ROOT, chromiumPath } from '../test/harness/paths';
import { writeSelfSignedCert } from '../test/unit/support/self-signed-cert';
import { BARE_WRAPS_SOURCE } from './bare-wraps';
import { buildSizes } from './content-size';
import { fmt, printResult, seededRandom } from './lib';

const HOST = 'en.wikipedia.org';
const N = Math.max(5, Number(process.env.UPWATCH_PAGE_LOAD_N ?? 100));
const WARMUP = 5;
const FRAMES = 20;
const BOOTSTRAP = 2_000;

interface Config {
  name: string;
  extensionDir?: string;
}

/** ~1,900 elements: navigation, an article of sections with paragraphs, lists, a table, a form, and 20 iframes. */
function heavyPage(turn: string): string {
  const parts: string[] = ['<header><nav><ul>'];
  for (let i = 0; i < 60; i++) parts.push(`<li><a href="/wiki/Topic_${i}">Topic ${i}</a></li>`);
  parts.push('</ul></nav></header><main><article>');
  for (let s = 0; s < 40; s++) {
    parts.push(`<section id="s${s}"><h2>Section ${s}</h2>`);
    for (let p = 0; p < 4; p++) parts.push(`<p>Paragraph ${p} with <a href="/wiki/L${s}_${p}">a link</a>, <b>bold</b> and <i>italic</i> text.</p>`);
    parts.push('<ul>');
    for (let l = 0; l < 4; l++) parts.push(`<li><span>item ${l}</span></li>`);
    parts.push('</ul></section>');
  }
  parts.push('<table><tbody>');
  for (let r = 0; r < 40; r++) parts.push(`<tr><td>${r}</td><td>row</td><td><a href="#r${r}">#</a></td></tr>`);
  parts.push('</tbody></table><form><input name="q"><input type="file" id="upload"><button>Go</button></form>');
  for (let f = 0; f < FRAMES; f++) parts.push(`<iframe src="/frame?f=${f}" width="200" height="60"></iframe>`);
  parts.push('</article></main>');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Heavy page - Wikipedia</title></head><body>${parts.join('')}
<script>
addEventListener('load', () => setTimeout(() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const body = JSON.stringify({ turn: ${JSON.stringify(turn)}, load: nav.loadEventEnd, dcl: nav.domContentLoadedEventEnd, elements: document.getElementsByTagName('*').length });
  fetch('/report', { method: 'POST', body, headers: { 'content-type': 'application/json' } }).finally(() => location.replace('/wait?c=' + ${JSON.stringify(turn.split(':')[0])}));
}, 0));
</script></body></html>`;
}

function framePage(): string {
  const items = Array.from({ length: 10 }, (_, i) => `<li><a href="/wiki/F${i}">frame link ${i}</a></li>`).join('');
  return `<!doctype html><html><head><meta charset="utf-8"></head><body><ul>${items}</ul><p>An embedded widget.</p></body></html>`;
}

const WAIT_PAGE = `<!doctype html><html><head><meta charset="utf-8"></head><body><script>
const c = new URLSearchParams(location.search).get('c');
(async function next() {
  try {
    const url = await (await fetch('/next?c=' + c, { cache: 'no-store' })).text();
    if (url === 'done') return;
    location.replace(url);
  } catch { setTimeout(next, 200); }
})();
</script></body></html>`;

function selfSignedCert(dir: string): { key: Buffer; cert: Buffer } {
  writeSelfSignedCert({ commonName: HOST, subjectAltName: `DNS:${HOST}`, keyFile: join(dir, 'key.pem'), certFile: join(dir, 'cert.pem') });
  return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
}

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** Bootstrap 95% interval of median(xs) / median(base). */
function ratioInterval(xs: readonly number[], base: readonly number[], random: () => number): [number, number] {
  const resample = (v: readonly number[]) => Array.from(v, () => v[Math.floor(random() * v.length)]!);
  const ratios = Array.from({ length: BOOTSTRAP }, () => median(resample(xs)) / median(resample(base))).sort((a, b) => a - b);
  return [ratios[Math.floor(BOOTSTRAP * 0.025)]!, ratios[Math.floor(BOOTSTRAP * 0.975)]!];
}

/**
 * An extension with Upwatch's content-script entries (every frame, both worlds, document_start)
 * whose scripts are empty, or whose MAIN-world script is `main` (bench/bare-wraps.ts).
 */
function stubExtension(dir: string, main = ''): string {
  mkdirSync(dir, { recursive: true });
  const scripts = CONTENT_SCRIPTS.map((script) => ({ ...script, matches: [...script.matches], js: [...script.js] }));
  for (const script of scripts) for (const file of script.js) writeFileSync(join(dir, file), script.world === 'MAIN' ? main : '');
  const manifest = { manifest_version: 3, name: 'stub content scripts', version: '1.0', host_permissions: ['<all_urls>'], content_scripts: scripts };
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
  return dir;
}

export async function run(): Promise<void> {
  if (!existsSync(`${CHROME_EXTENSION_DIR}/manifest.json`)) execFileSync('npx', ['wxt', 'build', '-b', 'chrome'], { cwd: ROOT, stdio: 'inherit' });
  const work = mkdtempSync(join(tmpdir(), 'upwatch-page-load-'));
  const configs: Config[] = [
    { name: 'none' },
    { name: 'none-again' },
    { name: 'upwatch', extensionDir: CHROME_EXTENSION_DIR },
    // What injection alone costs: Upwatch's content scripts, empty; and what the least implementation
    // of the hooks costs: the same with pass-through wraps only (UPWATCH_PAGE_LOAD_EMPTY=0 leaves both out).
    ...(process.env.UPWATCH_PAGE_LOAD_EMPTY === '0'
      ? []
      : [
          { name: 'empty-scripts', extensionDir: stubExtension(join(work, 'empty-scripts-extension')) },
          { name: 'bare-wraps', extensionDir: stubExtension(join(work, 'bare-wraps-extension'), BARE_WRAPS_SOURCE) },
        ]),
  ];
  // More builds to compare, as name=dir pairs separated by commas (a bare dir is named "other").
  for (const entry of (process.env.UPWATCH_PAGE_LOAD_OTHER ?? '').split(',').filter(Boolean)) {
    const [name, dir] = entry.includes('=') ? entry.split('=', 2) : ['other', entry];
    configs.push({ name: name!, extensionDir: dir! });
  }
  const random = seededRandom(13);

  // The schedule: rounds of one turn per configuration, each round in a shuffled order.
  const schedule: string[] = [];
  for (let round = 0; round < WARMUP + N; round++) {
    const order = configs.map((c) => c.name);
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (const name of order) schedule.push(`${name}:${round}`);
  }
  const waiting = new Map<string, ServerResponse>();
  const results = new Map<string, number[]>(configs.map((c) => [c.name, []]));
  let next = 0;
  let finished: () => void = () => undefined;
  const allDone = new Promise<void>((resolve) => (finished = resolve));
  const handOut = () => {
    const turn = schedule[next];
    if (turn === undefined) {
      for (const res of waiting.values()) res.end('done');
      waiting.clear();
      finished();
      return;
    }
    const res = waiting.get(turn.split(':')[0]!);
    if (!res) return;
    waiting.delete(turn.split(':')[0]!);
    next += 1;
    res.end(`/page?turn=${encodeURIComponent(turn)}`);
  };

  const server = createServer(selfSignedCert(work), (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', `https://${HOST}`);
    const html = (body: string) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(body);
    if (url.pathname === '/wait') return html(WAIT_PAGE);
    if (url.pathname === '/frame') return html(framePage());
    if (url.pathname === '/page') return html(heavyPage(url.searchParams.get('turn') ?? 'x:0'));
    if (url.pathname === '/next') {
      waiting.set(url.searchParams.get('c') ?? '', res.writeHead(200, { 'content-type': 'text/plain', 'cache-control': 'no-store' }));
      return handOut();
    }
    if (url.pathname === '/report') {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        res.writeHead(204).end();
        const { turn, load } = JSON.parse(body) as { turn: string; load: number };
        const [name, round] = turn.split(':');
        if (Number(round) >= WARMUP) results.get(name!)!.push(load);
      });
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  const browsers: ChildProcess[] = configs.map((config) =>
    spawn(
      chromiumPath(),
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-quic',
        '--ignore-certificate-errors',
        `--host-resolver-rules=MAP ${HOST} 127.0.0.1:${port}`,
        `--user-data-dir=${join(work, config.name)}`,
        ...(config.extensionDir ? [`--disable-extensions-except=${config.extensionDir}`, `--load-extension=${config.extensionDir}`] : []),
        `https://${HOST}/wait?c=${config.name}`,
      ],
      { stdio: 'ignore' },
    ),
  );
  const timeout = setTimeout(() => finished(), (WARMUP + N) * configs.length * 10_000);
  try {
    await allDone;
  } finally {
    clearTimeout(timeout);
    for (const b of browsers) b.kill('SIGTERM');
    server.close();
    await new Promise((r) => setTimeout(r, 500));
    rmSync(work, { recursive: true, force: true });
  }

  const base = results.get('none')!;
  const rows: [string, string][] = [];
  let upwatch: { ratio: number; interval: [number, number] } | undefined;
  for (const config of configs) {
    const xs = results.get(config.name)!;
    if (xs.length === 0) {
      rows.push([config.name, 'no loads reported']);
      continue;
    }
    const ratio = median(xs) / median(base);
    const interval = ratioInterval(xs, base, random);
    if (config.name === 'upwatch') upwatch = { ratio, interval };
    rows.push([
      `${config.name} (n=${xs.length})`,
      `load median ${fmt(median(xs), 1)} ms, ratio ${fmt(ratio, 3)} (95% CI ${fmt(interval[0], 2)}–${fmt(interval[1], 2)})`,
    ]);
  }
  const builds = [CHROME_EXTENSION_DIR, FIREFOX_EXTENSION_DIR].filter((dir) => existsSync(`${dir}/manifest.json`)).map((dir) => buildSizes(dir));
  const sizes = builds.flatMap((b) => b.rows);
  printResult(
    `page-load: heavy page on https://${HOST} (${FRAMES} same-site iframes), loadEventEnd, ${N} interleaved loads per configuration after ${WARMUP} warm-up`,
    [...rows, ...sizes],
    [
      { label: 'Upwatch load ratio ≤ 1.02', met: upwatch !== undefined && upwatch.ratio <= 1.02 },
      { label: 'content scripts ≤ 10 KB per frame', met: builds.length > 0 && builds.every((b) => b.perFrame <= 10_000) },
    ],
  );
}
