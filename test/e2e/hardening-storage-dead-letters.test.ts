/**
 * Issue 15, items 3 and 4, in real Chromium against the console:
 * - a full disk: the local event store's writes fail with QuotaExceededError inside the service
 *   worker, and the upload still reaches the console; the popup says what is wrong and what still
 *   works, the console shows the browser's storage trouble on the person's page API;
 * - a token rotated by policy: the console refuses the old one (401), the events wait as dead
 *   letters, and the new token in the managed policy delivers them without anyone clicking.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pickOnDropbox } from '../harness/actions';
import type { ChromiumSession } from '../harness/chromium';
import { startChromiumRig, type Rig } from '../harness/extension-rig';
import { SAMPLES } from '../harness/format-samples';
import type { RunningConsole } from '../harness/in-process-console';
import { CHROME_EXTENSION_ID } from '../harness/paths';
import { ALL_HOURS_WORKING } from '../harness/policy-files';
import { scratchFiles } from '../harness/scratch-files';

const EMAIL = 'ada.storage@example.com';
const NAMES = ['full-disk.pdf', 'disk-freed.pdf', 'rotated-a.pdf', 'rotated-b.pdf'];
const files = scratchFiles(Object.fromEntries(NAMES.map((n) => [n, Buffer.from(SAMPLES.pdf!)])));
let rig: Rig<ChromiumSession>;

/** The managed policy pointing at console `c`, with its token unless another is given. */
const policyWith = (c: RunningConsole, backendToken = c.token, extra: Record<string, unknown> = {}) => ({
  backendUrl: c.ingestUrl,
  backendToken,
  backendFormat: 'native',
  userEmail: EMAIL,
  riskSettings: ALL_HOURS_WORKING,
  ...extra,
});

beforeAll(async () => {
  rig = await startChromiumRig(`upwatch-e2e-storage-${process.pid}`, {
    policy: (c) => policyWith(c),
  });
});

afterAll(async () => {
  await rig?.close();
  files.remove();
});

const upload = (...names: string[]) =>
  pickOnDropbox(
    rig.browser.context,
    names.map((n) => files.path(n)),
  );

/** The text of one element of an extension page, read once the page has rendered. */
async function extensionText(page: 'popup' | 'options', selector: string): Promise<{ hidden: boolean; text: string }> {
  const tab = await rig.browser.context.newPage();
  try {
    await tab.goto(`chrome-extension://${CHROME_EXTENSION_ID}/${page}.html`);
    await tab.waitForSelector('body[data-ready="true"]');
    const box = tab.locator(selector);
    return { hidden: await box.isHidden(), text: (await box.textContent()) ?? '' };
  } finally {
    await tab.close();
  }
}

const consoleHas = (name: string) => rig.console.waitForEvents((all) => all.some((e) => e.file.name === name), 60_000);

async function browserHealth(): Promise<{ storage: { trouble: string | null }; deadLetters: { count: number } } | undefined> {
  const res = await rig.console.api(`/api/v1/users/${encodeURIComponent(EMAIL)}/browsers`);
  const { browsers } = (await res.json()) as { browsers: { health: { storage: { trouble: string | null }; deadLetters: { count: number } } | null }[] };
  return browsers[0]?.health ?? undefined;
}

/** Makes every put into the local event store fail as on a full disk, inside the service worker (the outbox and state stores still work). */
async function fillTheDisk(full: boolean): Promise<void> {
  const worker = await rig.browser.worker();
  await worker.evaluate((on) => {
    const g = globalThis as unknown as { __upwatchRealPut?: IDBObjectStore['put'] };
    g.__upwatchRealPut ??= IDBObjectStore.prototype.put;
    const real = g.__upwatchRealPut;
    IDBObjectStore.prototype.put = on
      ? function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
          if (this.name === 'events') throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
          return real.apply(this, args);
        }
      : real;
  }, full);
}

describe('Chromium: a full disk and a rotated token', () => {
  it('forwards an upload the local store cannot keep, and says so in the popup and the console', async () => {
    await fillTheDisk(true);
    await upload('full-disk.pdf');
    const events = await consoleHas('full-disk.pdf');
    expect(events.filter((e) => e.file.name === 'full-disk.pdf')).toHaveLength(1);

    await expect
      .poll(() => extensionText('popup', '#storage-trouble'), { timeout: 30_000 })
      .toMatchObject({ hidden: false, text: expect.stringContaining('QuotaExceededError') });
    const notice = await extensionText('popup', '#storage-trouble');
    expect(notice.text).toContain('Uploads are still sent to your organisation.');
    expect(notice.text).toContain('1 not kept in this list');
    expect(await extensionText('options', '#storage-trouble')).toMatchObject({ hidden: false, text: expect.stringContaining('QuotaExceededError') });
    await expect.poll(async () => (await browserHealth())?.storage.trouble ?? null, { timeout: 30_000 }).toMatch(/QuotaExceededError/);

    // Space again: the next upload is kept, the notice goes, and the console hears that too.
    await fillTheDisk(false);
    await upload('disk-freed.pdf');
    await consoleHas('disk-freed.pdf');
    await expect.poll(() => extensionText('popup', '#storage-trouble'), { timeout: 30_000 }).toMatchObject({ hidden: true });
    await expect.poll(async () => (await browserHealth())?.storage.trouble, { timeout: 30_000 }).toBeNull();
  });

  it('delivers the dead letters of a revoked token once the policy brings the new one, without a click', async () => {
    // The options page never shows the token: a visible key changed with it says when the policy is in force.
    rig.policy.update(policyWith(rig.console, 'revoked-token-not-known-to-the-console', { retentionDays: 29 }));
    await expect.poll(() => extensionText('options', 'tr[data-key="retentionDays"] td.value'), { timeout: 30_000 }).toMatchObject({ text: '29' });
    await upload('rotated-a.pdf', 'rotated-b.pdf');
    await expect
      .poll(async () => (await extensionText('options', '#delivery')).text, { timeout: 60_000 })
      .toContain('2 refused by the backend (kept as dead letters)');
    expect((await rig.console.events()).some((e) => e.file.name.startsWith('rotated-'))).toBe(false);

    rig.policy.update(policyWith(rig.console));
    const events = await rig.console.waitForEvents((all) => ['rotated-a.pdf', 'rotated-b.pdf'].every((n) => all.some((e) => e.file.name === n)), 60_000);
    for (const n of ['rotated-a.pdf', 'rotated-b.pdf']) expect(events.filter((e) => e.file.name === n)).toHaveLength(1);
    await expect.poll(async () => (await extensionText('options', '#delivery')).text, { timeout: 30_000 }).not.toContain('refused by the backend');
    await expect.poll(async () => (await browserHealth())?.deadLetters.count, { timeout: 30_000 }).toBe(0);
  });
});
