/**
 * The demo: a console on loopback, a managed policy giving Chromium's Upwatch the console's ingest
 * token, and a person uploading sample files to Dropbox, Gmail, GitHub, ChatGPT and the trusted
 * intranet (real host names, served from local fixtures). Before the uploads, an analyst's calls
 * (made here with an admin API key) put the person on the departing watchlist and create an alert
 * rule; after them, the demo prints the events as the console stored them, the alerts they raised,
 * a filtered forensic search and the audit log. Then it signs in to the console's web interface in
 * the same browser with a throw-away demo account, saves the dashboard to demo-output/console.png,
 * and prints the console's address and that sign-in; with --keep the console stays up until Ctrl-C.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import type { BrowserContext, Worker } from 'playwright-core';
import type { ApiEvent } from '../console/events/store';
import { dropPaths, pickPathsTrusted } from '../test/harness/actions';
import { launchChromium } from '../test/harness/chromium';
import { startConsole, type RunningConsole } from '../test/harness/in-process-console';
import { ROOT } from '../test/harness/paths';
import { writeChromiumPolicy } from '../test/harness/policy-files';
import { SAMPLES as FORMATS } from '../test/harness/format-samples';
import { scratchFiles } from '../test/harness/scratch-files';
import type { FileEvent } from '../src/core/schema/event';

// UPWATCH_DEMO_OUT: another folder for what the demo saves (its test keeps the user's demo-output untouched).
const OUT = process.env.UPWATCH_DEMO_OUT ?? `${ROOT}demo-output`;
const DEMO_USER = 'demo.user@acme.example';

const UPLOADS: { url: string; how: 'pick' | 'drop'; files: string[] }[] = [
  { url: 'https://www.dropbox.com/home', how: 'pick', files: ['payroll-2026.xlsx', 'holiday-photo.jpg'] },
  { url: 'https://mail.google.com/mail/u/0/#inbox?compose=new', how: 'drop', files: ['customer-list.csv'] },
  { url: 'https://github.com/personal-account/side-project/upload/main', how: 'drop', files: ['payments-service'] },
  { url: 'https://chatgpt.com/', how: 'pick', files: ['board-strategy.pdf'] },
  { url: 'https://intranet.acme.example/documents', how: 'pick', files: ['team-handbook.docx'] },
];

const real = (ext: string) => Buffer.from(FORMATS[ext]!);

const SAMPLES: Record<string, string | Buffer> = {
  'payroll-2026.xlsx': real('xlsx'),
  // Source code renamed to look like a photo: the content says otherwise (file_mismatch).
  'holiday-photo.jpg': real('py'),
  'customer-list.csv': 'id,name,email\n1,Ana,ana@example.com\n',
  'payments-service/src/charge.py': 'def charge(card, amount):\n    return gateway.charge(card, amount)\n',
  'payments-service/src/refund.py': 'def refund(charge_id):\n    return gateway.refund(charge_id)\n',
  'payments-service/config/prod.env': 'STRIPE_KEY=sk_live_example\n',
  'board-strategy.pdf': real('pdf'),
  'team-handbook.docx': real('docx'),
};

function renderTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

function eventTable(events: FileEvent[]): string {
  return renderTable(
    ['file', 'destination', 'category', 'indicators', 'score', 'severity'],
    events.map((e) => [
      e.file.relativePath ?? e.file.name,
      e.destination.serviceName ?? e.destination.host,
      e.destination.trusted ? `${e.destination.category} (trusted)` : e.destination.category,
      e.risk.indicators.map((i) => `${i.id}+${i.weight}`).join(' ') || '-',
      String(e.risk.score),
      e.risk.severity,
    ]),
  );
}

/** A secret as `token list` shows it: its first 12 characters, never the whole. */
const masked = (secret: string) => `${secret.slice(0, 12)}…`;

/** The console's JSON answer to an API-key call, or an error naming the call and the answer. */
async function call<T>(console_: RunningConsole, method: string, path: string, body?: unknown): Promise<T> {
  const response = await console_.api(path, { method, body });
  if (!response.ok) throw new Error(`${method} ${path}: console answered ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** The watchlists the extension last synced for its user, read from its IndexedDB (none before the first sync). */
function syncedWatchlists(worker: Worker): Promise<string[]> {
  return worker.evaluate(async () => {
    // Opening a database that does not exist yet would create it empty, ahead of the extension's own schema.
    if (!(await indexedDB.databases()).some((d) => d.name === 'upwatch')) return [];
    return new Promise<string[]>((resolve, reject) => {
      const open = indexedDB.open('upwatch');
      open.onerror = () => reject(open.error);
      open.onsuccess = () => {
        const db = open.result;
        const request = db.transaction('state').objectStore('state').get('syncedSettings');
        request.onsuccess = () => {
          db.close();
          resolve((request.result as { user?: { watchlists?: string[] } } | undefined)?.user?.watchlists ?? []);
        };
        request.onerror = () => reject(request.error);
      };
    });
  });
}

async function waitFor(what: string, condition: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

interface Alert {
  ruleName: string;
  user: string | null;
  severity: string;
  eventCount: number;
  state: string;
}

/** An analyst's preparation, before anyone uploads: the person is leaving, and the team wants an alert. */
async function prepareConsole(console_: RunningConsole): Promise<void> {
  const departure = new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10);
  await call(console_, 'POST', '/api/v1/watchlists/departing/members', {
    email: DEMO_USER,
    departureDate: departure,
    notes: 'Resigned; last day in two weeks.',
  });
  console.log(`  put ${DEMO_USER} on the departing watchlist (departure ${departure})`);
  const rule = { id: 'departing-high-risk', name: 'Departing employee: high-risk upload', conditions: { watchlists: ['departing'], minSeverity: 'high' } };
  await call(console_, 'POST', '/api/v1/alert-rules', rule);
  console.log(`  created the alert rule "${rule.name}" (watchlist departing, severity high or above)`);
}

/** What the console shows the team after the uploads. */
async function showConsole(console_: RunningConsole): Promise<void> {
  const { alerts } = await call<{ alerts: Alert[] }>(console_, 'GET', '/api/v1/alerts?state=OPEN');
  console.log('\nOpen alerts (GET /api/v1/alerts?state=OPEN): events of one user matching one rule within an hour join one alert\n');
  const alertRows = alerts.map((a) => [a.ruleName, a.user ?? '-', a.severity, String(a.eventCount), a.state]);
  console.log(renderTable(['rule', 'user', 'severity', 'events', 'state'], alertRows));

  const search = `/api/v1/events?user=${encodeURIComponent(DEMO_USER)}&destinationCategory=source_code_repository,ai_tools&minSeverity=critical`;
  const { events } = await call<{ events: ApiEvent[] }>(console_, 'GET', search);
  console.log(`\nForensic search: critical uploads to code hosts and AI tools (GET ${search})\n`);
  const found = events.map((e) => [
    e.file.relativePath ?? e.file.name,
    e.destination.serviceName ?? e.destination.host,
    String(e.risk.score),
    e.received.at,
    e.received.credential ?? '-',
  ]);
  console.log(renderTable(['file', 'destination', 'score', 'received', 'delivered with'], found));

  const { entries } = await call<{ entries: { at: string; actor: string; action: string; target: string }[] }>(console_, 'GET', '/api/v1/audit?limit=10');
  console.log('\nAudit log, newest first (GET /api/v1/audit):\n');
  console.log(
    renderTable(
      ['at', 'actor', 'action', 'target'],
      entries.map((e) => [e.at, e.actor, e.action, e.target]),
    ),
  );
}

const KEEP = process.argv.includes('--keep');
const DEMO_ANALYST = 'analyst@acme.example';

/** A throw-away analyst account, signed in through the console's own sign-in page; the dashboard saved as a PNG. */
async function showWebConsole(console_: RunningConsole, context: BrowserContext): Promise<{ email: string; password: string }> {
  // Random each run: the account exists only in this demo's data folder.
  const password = randomBytes(12).toString('base64url');
  await console_.built.services.auth.accounts.createLocal({ email: DEMO_ANALYST, name: 'Demo analyst', role: 'analyst', password }, 'system', 'demo');
  const page = await context.newPage();
  await page.setViewportSize({ width: 1440, height: 960 });
  await page.goto(`${console_.url}/?range=7d`);
  await page.getByLabel('Email').fill(DEMO_ANALYST);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('heading', { name: 'Risk exposure' }).waitFor();
  // The dashboard has drawn the demo's events once its top users list the person who uploaded.
  await page
    .getByRole('table', { name: /Top users/ })
    .getByRole('link', { name: DEMO_USER })
    .waitFor({ timeout: 30_000 });
  await page.screenshot({ path: `${OUT}/console.png`, fullPage: true });
  await page.close();
  return { email: DEMO_ANALYST, password };
}

async function main() {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  const files = scratchFiles(SAMPLES);
  const console_ = await startConsole({ dataDir: `${OUT}/console-data` });
  const policy = writeChromiumPolicy('upwatch-demo', {
    backendUrl: console_.ingestUrl,
    backendToken: console_.token,
    userEmail: DEMO_USER,
    // Settings sync names the user, and the console answers with their watchlists.
    settingsSyncUrl: `${console_.url}/api/v1/policy`,
    trustedDomains: ['intranet.acme.example'],
  });
  let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;
  try {
    console.log(`Console on ${console_.url} (data: ${console_.dataDir})`);
    console.log(
      `  the browser carries the ingest token ${masked(console_.token)} (managed policy ${policy.path}): it can only send events and read the policy`,
    );
    console.log(`  this demo calls the API as an analyst would, with an admin API key ${masked(console_.adminKey)}\n`);
    await prepareConsole(console_);
    browser = await launchChromium();
    const worker = await browser.worker();
    await waitFor('the extension to sync the departing watchlist', async () => (await syncedWatchlists(worker)).includes('departing'));
    console.log('  the extension synced its settings: its user is on the departing watchlist\n');
    let expected = 0;
    for (const upload of UPLOADS) {
      const page = await browser.context.newPage();
      await page.goto(upload.url);
      const paths = upload.files.map((f) => files.path(f));
      if (upload.how === 'pick') await pickPathsTrusted(page, "document.getElementById('picker')", paths);
      else await dropPaths(page, '#dropzone', paths);
      // A dropped folder gives one event per file inside it.
      expected += Object.keys(SAMPLES).filter((p) => upload.files.some((f) => p === f || p.startsWith(`${f}/`))).length;
      console.log(`  ${upload.how === 'pick' ? 'picked' : 'dropped'} ${upload.files.join(', ')} on ${upload.url}`);
      await console_.waitForEvents((all) => all.length >= expected, 60_000);
      await page.close();
    }
    const events = await console_.events();
    console.log(`\nThe console stored ${events.length} events (newest first):\n`);
    console.log(eventTable(events));

    await showConsole(console_);

    const popup = await browser.openPopup();
    await popup.setViewportSize({ width: 400, height: 600 });
    await popup.screenshot({ path: `${OUT}/popup.png`, fullPage: true });
    console.log(`\nPopup screenshot: ${OUT}/popup.png`);

    const signIn = await showWebConsole(console_, browser.context);
    console.log(`Console screenshot (the dashboard): ${OUT}/console.png`);
    console.log(`\nThe console: ${console_.url}/`);
    console.log(`  sign in as ${signIn.email} with the password ${signIn.password} (a throw-away analyst account of this demo)`);
    if (KEEP) {
      await browser.close();
      browser = undefined;
      console.log('\n--keep: the console stays up; open the address above. Ctrl-C to stop.');
      await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
    } else {
      console.log('  (npm run demo -- --keep leaves it running)');
    }
  } finally {
    await browser?.close();
    policy.remove();
    await console_.close();
    files.remove();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
