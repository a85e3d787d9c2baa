/**
 * A watchlist-scoped block switched on and off from the console, in real Firefox (issue 14, item 5),
 * made by hand as docs/response.md describes it: the admin syncs a rule naming the `blocked_uploads`
 * list, marks the list for browsers and adds the person to it (before the browser starts, so the
 * browser's first settings sync brings all three); their pick is blocked before the page's own handler
 * has it, and once they are taken off, a pick within one settings-sync interval reaches the page
 * again with no response. Every change is in the audit log. (A change reaching a running Firefox
 * within one interval in the other direction, a person put on a list: test/e2e/watchlist-sync.test.ts;
 * starting on the list here saves CI one interval.) (Chromium: test/e2e/playbook.test.ts blocks and unblocks a person
 * through POST/DELETE /api/v1/users/{email}/block, which makes the same list and rule.)
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ElementHandle } from 'puppeteer-core';
import { startFirefoxRig } from '../harness/extension-rig';
import type { RunningConsole } from '../harness/in-process-console';
import { deliveringTo } from '../harness/policy-files';
import { scratchFiles } from '../harness/scratch-files';
import type { FileEvent } from '../../src/core/schema/event';
import { dialogShown, dismissDialogs, startWidgetsServer, UploadLog } from './response-support';

const USER = 'paused.firefox@acme.example';
const RULE = { id: 'paused', when: { watchlists: ['blocked_uploads'] }, action: 'block', message: 'Uploads are paused for your account.' };
/** The smallest settingsSyncIntervalMinutes the policy schema allows. */
const SYNC_MINUTES = 1;
/** One interval, plus slack for alarm scheduling and the upload that shows the change. */
const WITHIN_ONE_INTERVAL_MS = SYNC_MINUTES * 60_000 + 30_000;
const PROBE_EVERY_MS = 8_000;

let rig: Awaited<ReturnType<typeof startFirefoxRig>>;
let console_: RunningConsole;
const files = scratchFiles({});

async function call(method: string, path: string, body?: unknown): Promise<void> {
  const res = await console_.api(path, { method, ...(body !== undefined && { body }) });
  if (!res.ok) throw new Error(`${method} ${path}: console answered ${res.status} ${await res.text()}`);
}

beforeAll(async () => {
  rig = await startFirefoxRig({
    prepare: async (c) => {
      console_ = c;
      await call('PUT', '/api/v1/policy', { responseRules: [RULE] });
      await call('POST', '/api/v1/watchlists', { id: 'blocked_uploads', name: 'Uploads paused', syncToBrowsers: true });
      await call('POST', '/api/v1/watchlists/blocked_uploads/members', { email: USER });
    },
    policy: (c) => deliveringTo(c, { userEmail: USER, settingsSyncUrl: `${c.url}/api/v1/policy`, settingsSyncIntervalMinutes: SYNC_MINUTES }),
    sites: () => startWidgetsServer(new UploadLog()),
  });
}, 120_000);

afterAll(async () => {
  await rig?.close();
  files.remove();
});

interface Upload {
  event: FileEvent;
  /** What the page's own change handler received. */
  got: { via: string; names?: string[] }[];
  dialog: boolean;
}

let uploads = 0;
/** Picks a new file into the widgets page's plain input on Dropbox and waits for the console's copy of its event. */
async function upload(): Promise<Upload> {
  const name = `paused-${++uploads}.csv`;
  writeFileSync(join(files.dir, name), `id,value\n${uploads},1\n`);
  const page = await rig.browser.newPage(rig.browser.site('www.dropbox.com', '/response/widgets'));
  try {
    await page.focus('#plain');
    await ((await page.$('#plain')) as ElementHandle<HTMLInputElement>).uploadFile(files.path(name));
    const all = await console_.waitForEvents((events) => events.some((e) => e.file.name === name), 45_000);
    const event = all.find((e) => e.file.name === name)!;
    // A blocked pick's event is stored when the decision is made: the dialog may still be on its way.
    if (event.response?.outcome === 'blocked') await expect.poll(() => dialogShown(page), { timeout: 20_000 }).toBe(true);
    const dialog = await dialogShown(page);
    await dismissDialogs(page, 20_000);
    const got = await page.evaluate(() => (window as unknown as { got: Upload['got'] }).got);
    return { event, got, dialog };
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

it('blocks a person on blocked_uploads, and lets them through within one sync interval once taken off; all audited', async () => {
  // On the list from the start: the first settings sync brings the rule, the list and its member.
  const blocked = await uploadUntil('blocked', (u) => u.event.response?.outcome === 'blocked');
  expect(blocked.event.user.email).toBe(USER);
  expect(blocked.event.response).toMatchObject({ action: 'block', outcome: 'blocked', ruleId: 'paused' });
  expect(blocked.got).toEqual([]);
  expect(blocked.dialog).toBe(true);

  await call('DELETE', `/api/v1/watchlists/blocked_uploads/members/${encodeURIComponent(USER)}`);
  const through = await uploadUntil('let through', (u) => u.event.response === undefined);
  expect(through.got).toEqual([expect.objectContaining({ via: 'plain', names: [through.event.file.name] })]);
  expect(through.dialog).toBe(false);

  const res = await console_.api('/api/v1/audit?limit=200');
  const actions = ((await res.json()) as { entries: { action: string }[] }).entries.map((e) => e.action);
  expect(actions).toEqual(expect.arrayContaining(['policy.updated', 'watchlist.created', 'watchlist.member_added', 'watchlist.member_removed']));
}, 360_000);
