/**
 * The departing watchlist reaches the browsers: a person added to it in the console gets the
 * `departing_watchlist` indicator on an upload within one settings-sync interval, and loses it the
 * same way when removed. In real Chromium (managed policy file) and real Firefox (policies.json),
 * each carrying only the console's ingest token; the membership changes are made with an API key,
 * as an analyst's automation would.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it, type ExpectStatic } from 'vitest';
import type { ElementHandle } from 'puppeteer-core';
import { pickPathsTrusted } from '../harness/actions';
import { launchChromium, type ChromiumSession } from '../harness/chromium';
import { startConsole, type RunningConsole } from '../harness/in-process-console';
import { SAMPLES as FORMATS } from '../harness/format-samples';
import { launchFirefox, type FirefoxSession } from '../harness/firefox';
import { ALL_HOURS_WORKING, writeChromiumPolicy, writeFirefoxPolicy, type PolicyFile } from '../harness/policy-files';
import { scratchFiles } from '../harness/scratch-files';
import { startSiteServer, type SiteServer } from '../harness/site-server';
import type { FileEvent } from '../../src/core/schema/event';

/** The smallest settingsSyncIntervalMinutes the policy schema allows. */
const SYNC_MINUTES = 1;
/** One interval, plus slack for alarm scheduling and the upload that shows the change. */
const WITHIN_ONE_INTERVAL_MS = SYNC_MINUTES * 60_000 + 30_000;
/** Between probe uploads while waiting for the next sync. */
const PROBE_EVERY_MS = 8_000;
/** Two intervals (added, then removed) and the uploads around them. */
const SCENARIO_TIMEOUT_MS = 2 * WITHIN_ONE_INTERVAL_MS + 90_000;

const CHROMIUM_USER = 'leaver.chromium@acme.example';
const FIREFOX_USER = 'leaver.firefox@acme.example';

let console_: RunningConsole;
let chromium: ChromiumSession | undefined;
let firefox: FirefoxSession | undefined;
let sites: SiteServer | undefined;
const policies: PolicyFile[] = [];
const files = scratchFiles({});

const syncedPolicy = (email: string) => ({
  backendUrl: console_.ingestUrl,
  backendToken: console_.token,
  userEmail: email,
  settingsSyncUrl: `${console_.url}/api/v1/policy`,
  settingsSyncIntervalMinutes: SYNC_MINUTES,
  riskSettings: ALL_HOURS_WORKING,
});

const onDeparting = (event: FileEvent) => event.risk.indicators.some((i) => i.id === 'departing_watchlist');

async function expectOk(response: Response, what: string): Promise<void> {
  if (!response.ok) throw new Error(`${what}: console answered ${response.status} ${await response.text()}`);
}

async function addToDeparting(email: string): Promise<void> {
  await expectOk(await console_.api('/api/v1/watchlists/departing/members', { method: 'POST', body: { email } }), `adding ${email} to departing`);
}

async function removeFromDeparting(email: string): Promise<void> {
  await expectOk(
    await console_.api(`/api/v1/watchlists/departing/members/${encodeURIComponent(email)}`, { method: 'DELETE' }),
    `removing ${email} from departing`,
  );
}

/** The console's stored event for one uploaded file name. */
async function delivered(name: string): Promise<FileEvent> {
  const events = await console_.waitForEvents((all) => all.some((e) => e.file.name === name), 45_000);
  return events.find((e) => e.file.name === name)!;
}

/**
 * Uploads a file on disk to Dropbox in one browser and keeps the page open until `stored` (the
 * console's copy of the event) resolves.
 */
type Pick = (path: string, stored: () => Promise<FileEvent>) => Promise<FileEvent>;

/**
 * The whole story for one person in one browser: not on the watchlist, added, removed. Each upload
 * is a new file, so each gives exactly one event to look at.
 */
async function watchlistScenario(expect: ExpectStatic, email: string, pick: Pick): Promise<void> {
  const prefix = email.split('@')[0]!;
  let uploads = 0;
  const upload = async (): Promise<FileEvent> => {
    const name = `${prefix}-${++uploads}.pdf`;
    writeFileSync(join(files.dir, name), Buffer.from(FORMATS.pdf!));
    return pick(files.path(name), () => delivered(name));
  };
  /** Uploads until an event satisfies `wanted`, within one sync interval; returns every event seen. */
  const uploadUntil = async (what: string, wanted: (event: FileEvent) => boolean): Promise<FileEvent[]> => {
    const deadline = Date.now() + WITHIN_ONE_INTERVAL_MS;
    const seen: FileEvent[] = [];
    for (;;) {
      const event = await upload();
      seen.push(event);
      if (wanted(event)) return seen;
      if (Date.now() > deadline) {
        const indicators = seen.map((e) => `${e.file.name}: ${e.risk.indicators.map((i) => i.id).join(' ')}`).join('\n');
        throw new Error(`${email}: no upload ${what} within one sync interval (${WITHIN_ONE_INTERVAL_MS} ms); uploads seen:\n${indicators}`);
      }
      await new Promise((resolve) => setTimeout(resolve, PROBE_EVERY_MS));
    }
  };

  // On no watchlist: no indicator.
  const first = await upload();
  expect(first.user.email).toBe(email);
  expect(onDeparting(first), 'before joining the watchlist').toBe(false);

  // Added in the console: an upload within one sync interval carries it (the managed policy has
  // no departingWatchlist, so only the console's watchlist can have put it there).
  await addToDeparting(email);
  const added = await uploadUntil('with departing_watchlist', onDeparting);
  expect(added.at(-1)!.user.email).toBe(email);
  expect(added.at(-1)!.risk.indicators).toContainEqual(expect.objectContaining({ id: 'departing_watchlist', group: 'user', weight: 4 }));

  // Removed: a later upload no longer carries it; the events that had it keep their scores.
  await removeFromDeparting(email);
  const removed = await uploadUntil('without departing_watchlist', (event) => !onDeparting(event));
  expect(removed.at(-1)!.risk.indicators.map((i) => i.id)).not.toContain('departing_watchlist');
  const kept = (await console_.events()).find((e) => e.id === added.at(-1)!.id)!;
  expect(kept.risk).toEqual(added.at(-1)!.risk);
}

beforeAll(async () => {
  console_ = await startConsole();
  policies.push(writeChromiumPolicy(`upwatch-e2e-watchlist-${process.pid}`, syncedPolicy(CHROMIUM_USER)));
  policies.push(writeFirefoxPolicy(syncedPolicy(FIREFOX_USER)));
  sites = await startSiteServer();
  chromium = await launchChromium();
  firefox = await launchFirefox({ sitePort: sites.port });
});

afterAll(async () => {
  try {
    await Promise.allSettled([chromium?.close(), firefox?.close(), sites?.close()]);
  } finally {
    // Policy files are system-wide: they go whatever happened (policy-files also removes them on exit).
    for (const policy of policies) policy.remove();
    await console_?.close();
    files.remove();
  }
});

// The two browsers wait out their sync intervals side by side; each has its own person.
describe('the departing watchlist reaches the browser within one settings-sync interval, and leaves it the same way', () => {
  it.concurrent(
    'Chromium (managed policy file)',
    ({ expect }) =>
      watchlistScenario(expect, CHROMIUM_USER, async (path, stored) => {
        const page = await chromium!.context.newPage();
        try {
          await page.goto('https://www.dropbox.com/home');
          await pickPathsTrusted(page, "document.getElementById('picker')", [path]);
          return await stored();
        } finally {
          await page.close();
        }
      }),
    SCENARIO_TIMEOUT_MS,
  );

  it.concurrent(
    'Firefox (policies.json)',
    ({ expect }) =>
      watchlistScenario(expect, FIREFOX_USER, async (path, stored) => {
        const page = await firefox!.newPage(firefox!.site('www.dropbox.com', '/home'));
        try {
          const input = (await page.$('#picker')) as ElementHandle<HTMLInputElement> | null;
          if (!input) throw new Error('no file input on the simulated Dropbox page');
          await input.uploadFile(path);
          return await stored();
        } finally {
          await page.close();
        }
      }),
    SCENARIO_TIMEOUT_MS,
  );
});
