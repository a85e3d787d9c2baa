/**
 * Managed policy and settings sync in real Chromium: /etc/chromium/policies/managed, a policy with
 * wrong-typed and invalid values, a policy changed while the browser runs, and settings synced
 * from the console (new ETag in force within one interval, earlier events keeping their scores).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { pickPathsTrusted } from '../harness/actions';
import { badgeText, type ChromiumSession } from '../harness/chromium';
import { startChromiumRig, type Rig } from '../harness/extension-rig';
import type { RunningConsole } from '../harness/in-process-console';
import { SAMPLES as FORMATS } from '../harness/format-samples';
import { CHROME_EXTENSION_ID } from '../harness/paths';
import { ALL_HOURS_WORKING, type PolicyFile } from '../harness/policy-files';
import { scratchFiles } from '../harness/scratch-files';
import type { FileEvent } from '../../src/core/schema/event';

let rig: Rig<ChromiumSession>;
let console_: RunningConsole;
let policy: PolicyFile;
let browser: ChromiumSession;
const files = scratchFiles({
  'plan-a.pdf': Buffer.from(FORMATS.pdf!),
  'plan-b.pdf': Buffer.from(FORMATS.pdf!),
  'plan-c.pdf': Buffer.from(FORMATS.pdf!),
  'sync-1.xlsx': Buffer.from(FORMATS.xlsx!),
  'sync-2.xlsx': Buffer.from(FORMATS.xlsx!),
});

const basePolicy = (console: RunningConsole = console_) => ({
  backendUrl: console.ingestUrl,
  backendToken: console.token,
  userEmail: 'ana@acme.example',
  settingsSyncUrl: `${console.url}/api/v1/policy`,
  settingsSyncIntervalMinutes: 1,
  riskSettings: ALL_HOURS_WORKING,
});

beforeAll(async () => {
  rig = await startChromiumRig(`upwatch-e2e-policy-${process.pid}`, {
    prepare: (console) => console.api('/api/v1/policy', { method: 'PUT', body: { riskSettings: { version: 'sync-1' }, retentionDays: 21 } }),
    policy: basePolicy,
  });
  ({ console: console_, policy, browser } = rig);
});

afterAll(async () => {
  await rig?.close();
  files.remove();
});

async function options(): Promise<{ page: Page; row: (key: string) => Promise<{ value: string; source: string }> }> {
  const page = await browser.context.newPage();
  await page.goto(`chrome-extension://${CHROME_EXTENSION_ID}/options.html`);
  await page.waitForSelector('body[data-ready="true"]');
  return {
    page,
    row: async (key) => ({
      value: (await page.locator(`tr[data-key="${key}"] td.value`).textContent()) ?? '',
      source: (await page.locator(`tr[data-key="${key}"] td.source`).textContent()) ?? '',
    }),
  };
}

async function upload(name: string): Promise<FileEvent> {
  const page = await browser.context.newPage();
  await page.goto('https://www.dropbox.com/home');
  await pickPathsTrusted(page, "document.getElementById('picker')", [files.path(name)]);
  const all = await console_.waitForEvents((events) => events.some((e) => e.file.name === name));
  await page.close();
  return all.find((e) => e.file.name === name)!;
}

describe('Chromium: managed policy', () => {
  it('applies a valid policy and shows each value, its source, locked where managed', async () => {
    const event = await upload('plan-a.pdf');
    expect(event.user.email).toBe('ana@acme.example');
    const { page, row } = await options();
    await expect(row('backendUrl')).resolves.toEqual({ value: JSON.stringify(console_.ingestUrl), source: '🔒 managed policy' });
    await expect(row('backendToken')).resolves.toMatchObject({ value: '•••••• (set)' });
    await expect(row('retentionDays')).resolves.toEqual({ value: '21', source: 'synced from the backend' });
    await expect(row('keepUrlQuery')).resolves.toEqual({ value: 'false', source: 'default' });
    expect(await page.content()).not.toContain(console_.token);
    await page.close();
  });

  it('rejects wrong-typed and invalid values key by key, shows them, and keeps the last good ones', async () => {
    policy.update({ ...basePolicy(), userEmail: 42, retentionDays: 'thirty', backendUrl: 'not a url', minimumSeverityToForward: 'extreme' });
    const worker = await browser.worker();
    // Chrome drops values of the wrong type itself (chrome://policy shows them); values of the
    // right type that Upwatch refuses are reported by Upwatch: badge "!" and the options page.
    await expect.poll(() => badgeText(worker), { timeout: 30_000 }).toBe('!');
    const { page, row } = await options();
    const errors = (await page.locator('#errors').textContent()) ?? '';
    expect(errors).toContain('backendUrl');
    expect(errors).toContain('minimumSeverityToForward');
    await expect(row('backendUrl')).resolves.toEqual({ value: JSON.stringify(console_.ingestUrl), source: '🔒 managed policy' });
    await page.close();
    // Events still flow to the last good backend.
    expect((await upload('plan-b.pdf')).destination.serviceId).toBe('dropbox');
  });

  it('applies a policy changed while the browser runs', async () => {
    policy.update({ ...basePolicy(), userEmail: 'bo@acme.example' });
    const worker = await browser.worker();
    await expect.poll(() => badgeText(worker), { timeout: 30_000 }).not.toBe('!');
    expect((await upload('plan-c.pdf')).user.email).toBe('bo@acme.example');
  });
});

describe('Chromium: settings synced from the console', () => {
  it('puts a console change in force within one interval; later uploads use it, earlier events keep their scores', async () => {
    const before = await upload('sync-1.xlsx');
    expect(before.risk.settingsVersion).toBe('sync-1');
    const put = await console_.api('/api/v1/policy', {
      method: 'PUT',
      body: { riskSettings: { version: 'sync-2', scores: { destination: { cloud_storage: 9 } } }, retentionDays: 21 },
    });
    expect(put.status).toBe(200);
    // The interval is 1 minute: the new ETag is fetched within it.
    const started = Date.now();
    await expect
      .poll(
        async () => {
          const { page } = await options();
          const version = await page.locator('#version').textContent();
          await page.close();
          return version;
        },
        { timeout: 90_000, interval: 2_000 },
      )
      .toBe('Risk settings version: sync-2');
    expect(Date.now() - started).toBeLessThan(75_000);
    const after = await upload('sync-2.xlsx');
    expect(after.risk.settingsVersion).toBe('sync-2');
    expect(after.risk.indicators.find((i) => i.id === 'cloud_storage')?.weight).toBe(9);
    const stored = (await console_.events()).find((e) => e.id === before.id)!;
    expect(stored.risk).toEqual(before.risk);
  });
});
