/**
 * The insider-risk playbook of the XSOAR seed (issue 18), end to end in real Chromium, each step
 * made the way a SOAR makes it — from fetching on, by the XSOAR integration's own commands
 * (integrations/xsoar, run with its stand-in runtime), with an analyst's API key for triage and
 * blocks and an admin's for the hold: a departing user is added through the API → their upload carries `departing_watchlist`
 * and opens an alert → a local XSOAR Generic Webhook receiver gets the incident and a local SMTP
 * server the manager's mail → incident fetching by cursor returns the alert once → the alert is
 * closed as a true positive → a legal hold is placed → the user is blocked → their next upload is
 * blocked in the browser before the page has the file, and goes through again once unblocked.
 *
 * Uploads after the first alert is closed open alerts of their own (a closed alert takes no new
 * events), so the end checks the invariant: one incident and one mail per alert, none twice.
 */
import { execFile } from 'node:child_process';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SmtpReceiver } from '../harness/smtp-receiver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pickPathsTrusted } from '../harness/actions';
import type { ChromiumSession } from '../harness/chromium';
import { startChromiumRig, type Rig } from '../harness/extension-rig';
import { SAMPLES as FORMATS } from '../harness/format-samples';
import type { RunningConsole } from '../harness/in-process-console';
import { ALL_HOURS_WORKING } from '../harness/policy-files';
import { scratchFiles } from '../harness/scratch-files';
import { ROOT } from '../harness/paths';
import { DIALOG_HOST_SCRIPT } from './response-support';
import type { FileEvent } from '../../src/core/schema/event';

const USER = 'leaver@acme.example';
const MANAGER = 'boss@acme.example';
const SYNC_MINUTES = 1;
/** One settings-sync interval, plus slack for alarm scheduling and the probe upload that shows it. */
const WITHIN_ONE_INTERVAL_MS = SYNC_MINUTES * 60_000 + 30_000;
const PROBE_EVERY_MS = 8_000;

/** A local XSOAR Generic Webhook: records each incident it is sent. */
class XsoarReceiver {
  readonly incidents: { headers: IncomingHttpHeaders; body: Record<string, unknown> }[] = [];
  #server?: Server;
  url = '';
  async start(): Promise<void> {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.incidents.push({ headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown> });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"1"}');
      });
    });
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/incident`;
  }
  async stop(): Promise<void> {
    this.#server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()));
  }
}

let rig: Rig<ChromiumSession>;
/** The rig's console, known from `prepare` on (before the rig itself is). */
let console_: RunningConsole;
let analystKey = '';
const xsoar = new XsoarReceiver();
const smtp = new SmtpReceiver();
const files = scratchFiles({});

/** A SOAR's call: the analyst's key unless `admin`. */
async function soar(path: string, init: { method?: string; body?: unknown; admin?: boolean } = {}): Promise<Record<string, unknown>> {
  const key = init.admin ? console_.adminKey : analystKey;
  const res = await fetch(`${console_.url}${path}`, {
    method: init.method ?? 'GET',
    headers: { authorization: `Bearer ${key}`, ...(init.body !== undefined && { 'content-type': 'application/json' }) },
    ...(init.body !== undefined && { body: JSON.stringify(init.body) }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${path}: ${res.status} ${text}`);
  return JSON.parse(text) as Record<string, unknown>;
}

async function prepare(c: RunningConsole): Promise<void> {
  console_ = c;
  await Promise.all([xsoar.start(), smtp.start()]);
  analystKey = (await c.built.services.credentials.create({ name: 'xsoar-playbook', role: 'analyst', createdBy: 'test' })).secret;
  const admin = { method: 'PUT', admin: true };
  await soar('/api/v1/notification-channels/xsoar', {
    ...admin,
    body: { name: 'XSOAR', rules: '*', config: { kind: 'xsoar', url: xsoar.url }, secret: 'xsoar:webhook-password' },
  });
  await soar('/api/v1/notification-channels/manager', {
    ...admin,
    body: {
      name: 'Managers',
      rules: '*',
      config: { kind: 'email', to: 'manager', smtp: { host: '127.0.0.1', port: smtp.port, from: 'upwatch@acme.example' } },
    },
  });
  await soar('/api/v1/alert-rules', {
    method: 'POST',
    body: { id: 'departing-uploads', name: 'Departing employee uploads', conditions: { watchlists: ['departing'] } },
  });
  // HR's ticket, through the API: the manager and the departure date, then the departing watchlist.
  await soar(`/api/v1/users/${USER}`, { method: 'PATCH', body: { managerEmail: MANAGER, departureDate: '2026-12-31' } });
  await soar('/api/v1/watchlists/departing/members', { method: 'POST', body: { email: USER, departureDate: '2026-12-31' } });
}

beforeAll(async () => {
  rig = await startChromiumRig(`upwatch-playbook-${process.pid}`, {
    prepare,
    policy: (c) => ({
      backendUrl: c.ingestUrl,
      backendToken: c.token,
      userEmail: USER,
      settingsSyncUrl: `${c.url}/api/v1/policy`,
      settingsSyncIntervalMinutes: SYNC_MINUTES,
      riskSettings: ALL_HOURS_WORKING,
    }),
  });
}, 120_000);

afterAll(async () => {
  try {
    await rig?.close();
  } finally {
    await Promise.allSettled([xsoar.stop(), smtp.stop()]);
    files.remove();
  }
});

interface Upload {
  event: FileEvent;
  /** Files the page's input holds after the pick (0 when the upload was blocked before the page had it). */
  pageFiles: number;
  dialog: boolean;
}

interface XsoarRun {
  results: { Type: number; Contents: unknown; EntryContext?: Record<string, unknown> }[];
  incidents: { name: string; dbotMirrorId: string; rawJSON: string }[] | null;
  lastRun: Record<string, unknown>;
}

/**
 * One command of the XSOAR integration (integrations/xsoar), run as XSOAR runs it with the
 * stand-in runtime, against this console; an error entry fails the step.
 */
function xsoarCommand(command: string, args: object = {}, options: { admin?: boolean; lastRun?: object } = {}): Promise<XsoarRun> {
  const env = {
    ...process.env,
    PYTHONDONTWRITEBYTECODE: '1',
    UPWATCH_URL: console_.url,
    UPWATCH_KEY: options.admin ? console_.adminKey : analystKey,
    UPWATCH_LAST_RUN: JSON.stringify(options.lastRun ?? {}),
  };
  return new Promise((resolve, reject) =>
    execFile('python3', [join(ROOT, 'integrations/xsoar/test/run_command.py'), command, JSON.stringify(args)], { env }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`${command}: ${error.message}\n${stderr}`));
      const run = JSON.parse(stdout) as XsoarRun;
      const failed = run.results.find((r) => r.Type === 4);
      return failed ? reject(new Error(`${command}: ${String(failed.Contents)}`)) : resolve(run);
    }),
  );
}

let uploads = 0;
/** Picks a new PDF on the simulated Dropbox page and waits for the console's copy of its event. */
async function upload(): Promise<Upload> {
  const name = `plan-${++uploads}.pdf`;
  writeFileSync(join(files.dir, name), Buffer.from(FORMATS.pdf!));
  const page = await rig.browser.context.newPage();
  try {
    await page.goto('https://www.dropbox.com/home');
    await pickPathsTrusted(page, "document.getElementById('picker')", [files.path(name)]);
    const all = await rig.console.waitForEvents((events) => events.some((e) => e.file.name === name), 45_000);
    const event = all.find((e) => e.file.name === name)!;
    const pageFiles = await page.evaluate(() => (document.getElementById('picker') as HTMLInputElement).files?.length ?? 0);
    return { event, pageFiles, dialog: (await page.evaluate(DIALOG_HOST_SCRIPT)) as boolean };
  } finally {
    await page.close();
  }
}

/** Uploads until one satisfies `wanted`, within one settings-sync interval. */
async function uploadUntil(what: string, wanted: (u: Upload) => boolean): Promise<Upload> {
  const deadline = Date.now() + WITHIN_ONE_INTERVAL_MS;
  for (;;) {
    const u = await upload();
    if (wanted(u)) return u;
    if (Date.now() > deadline) throw new Error(`no upload ${what} within one sync interval; the last: ${JSON.stringify(u.event.response ?? null)}`);
    await new Promise((resolve) => setTimeout(resolve, PROBE_EVERY_MS));
  }
}

const departing = (u: Upload) => u.event.risk.indicators.some((i) => i.id === 'departing_watchlist');
const poll = <T>(read: () => T | Promise<T>, timeout = 30_000) => expect.poll(read, { timeout, interval: 250 });

describe('the XSOAR seed playbook, end to end in Chromium', () => {
  it('detects, notifies, fetches once, closes, holds, blocks in the browser and unblocks', async () => {
    // 1. The departing user's upload carries the indicator and opens an alert.
    const first = await uploadUntil('with departing_watchlist', departing);
    expect(first.event.user.email).toBe(USER);
    expect(first.event.response).toBeUndefined();
    const alerts = async () => (await soar(`/api/v1/alerts?user=${USER}&limit=100`)).alerts as { id: string; state: string; createdAt: string }[];
    await poll(async () => (await alerts()).length).toBe(1);
    const [alert] = await alerts();

    // 2. The XSOAR webhook gets the incident; the manager gets the mail.
    await poll(() => xsoar.incidents.length).toBeGreaterThanOrEqual(1);
    const incident = xsoar.incidents[0]!;
    expect(incident.body).toMatchObject({ type: 'Upwatch Alert', dbotMirrorId: alert!.id });
    expect(incident.headers.authorization).toBe(`Basic ${Buffer.from('xsoar:webhook-password').toString('base64')}`);
    expect((incident.body.rawJson as { alert: { user: string } }).alert.user).toBe(USER);
    await poll(() => smtp.mails.length).toBeGreaterThanOrEqual(1);
    expect(smtp.mails[0]!.to).toEqual([MANAGER]);
    expect(smtp.mails[0]!.raw).toContain(USER);

    // 3. The XSOAR integration's fetch-incidents, by cursor: the alert once, then nothing.
    const fetched = await xsoarCommand('fetch-incidents');
    expect(fetched.incidents!.map((i) => i.dbotMirrorId)).toEqual([alert!.id]);
    expect(JSON.parse(fetched.incidents![0]!.rawJSON)).toMatchObject({ user: USER, state: 'OPEN' });
    const lastRun = fetched.lastRun;
    expect((await xsoarCommand('fetch-incidents', {}, { lastRun })).incidents).toEqual([]);

    // 4. Closed as a true positive; 5. a legal hold (an admin's key); 6. the user blocked: the
    // playbook's commands, checked through the API.
    await xsoarCommand('upwatch-alert-update', { id: alert!.id, state: 'CLOSED_TP', note: 'XSOAR: true positive' });
    expect(await soar(`/api/v1/alerts/${alert!.id}`)).toMatchObject({ state: 'CLOSED_TP' });
    await xsoarCommand('upwatch-legal-hold-add', { username: USER, matter: 'Departure review' }, { admin: true });
    const block = await xsoarCommand('upwatch-user-block', { username: USER, reason: 'XSOAR playbook' });
    expect(block.results[0]!.EntryContext!['Upwatch.UserBlock']).toMatchObject({ blocked: true, wasBlocked: false, cautions: [] });
    const profile = await soar(`/api/v1/users/${USER}`);
    expect((profile.legalHolds as { matter: string }[]).map((h) => h.matter)).toEqual(['Departure review']);
    expect((profile.watchlists as { watchlist: string }[]).map((w) => w.watchlist)).toEqual(['departing', 'blocked_uploads']);

    // 7. Within one sync interval their upload is blocked before the page has the file.
    const blocked = await uploadUntil('blocked', (u) => u.event.response?.outcome === 'blocked');
    expect(blocked.event.response).toMatchObject({ action: 'block', outcome: 'blocked', ruleId: 'upwatch-blocked-uploads' });
    expect(blocked.pageFiles).toBe(0);
    expect(blocked.dialog).toBe(true);

    // 8. Unblocked: within one interval an upload goes through again.
    const unblock = await xsoarCommand('upwatch-user-unblock', { username: USER });
    expect(unblock.results[0]!.EntryContext!['Upwatch.UserBlock']).toMatchObject({ blocked: false, wasBlocked: true });
    const through = await uploadUntil('let through', (u) => u.event.response === undefined);
    expect(through.pageFiles).toBe(1);
    expect(departing(through)).toBe(true);

    // The invariant over the whole run: one incident and one manager mail per alert, none twice;
    // the feed after the saved cursor holds only the later alerts, never the first again.
    const every = await alerts();
    await poll(() => xsoar.incidents.length, 45_000).toBe(every.length);
    await poll(() => smtp.mails.length, 45_000).toBe(every.length);
    expect(new Set(xsoar.incidents.map((i) => i.body.dbotMirrorId))).toEqual(new Set(every.map((a) => a.id)));
    const later = (await xsoarCommand('fetch-incidents', {}, { lastRun })).incidents!.map((i) => i.dbotMirrorId);
    expect(later).not.toContain(alert!.id);
    expect(later.length).toBe(every.length - 1);
    const audit = ((await soar('/api/v1/audit?limit=200')).entries as { action: string }[]).map((e) => e.action);
    expect(audit).toEqual(expect.arrayContaining(['user.uploads_blocked', 'user.uploads_unblocked', 'policy.block_rule_added']));
  }, 360_000);
});
