/**
 * Issue 15 item 5 in real Chromium: a page that removes the frame of its file input, or navigates
 * away, inside its own `change` handler does not lose the event. The observer reports the files in
 * its capture listener, before the page's handler runs and before any file is read; the heads
 * follow, and the background classifies by name when they never come. Chromium drops a message
 * whose frame is gone before the extension's worker took it (here, right after launch, the worker
 * starts after the page): unless the worker answered the frame lately, the page's listeners get the
 * event once the report was taken (src/content/observer.ts).
 * Pages: test/fixtures/pages/vanishing/ on www.dropbox.com.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { pickPathsTrusted } from '../harness/actions';
import { launchChromium, type ChromiumSession } from '../harness/chromium';
import { startConsole, type RunningConsole } from '../harness/in-process-console';
import { ROOT } from '../harness/paths';
import { ALL_HOURS_WORKING, writeChromiumPolicy, type PolicyFile } from '../harness/policy-files';
import { scratchFiles } from '../harness/scratch-files';
import { storedEvents } from '../harness/stored-events';
import type { FileEvent } from '../../src/core/schema/event';

let console_: RunningConsole;
let policy: PolicyFile;
let browser: ChromiumSession;
const files = scratchFiles({ 'vanishing-trusted.csv': 'id,salary\n1,91000\n' });

beforeAll(async () => {
  console_ = await startConsole();
  policy = writeChromiumPolicy(`upwatch-vanishing-${process.pid}`, {
    backendUrl: console_.ingestUrl,
    backendToken: console_.token,
    userEmail: 'ana@acme.example',
    riskSettings: ALL_HOURS_WORKING,
  });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  policy?.remove();
  await console_?.close();
  files.remove();
});

const fixture = (name: string) => readFileSync(`${ROOT}test/fixtures/pages/vanishing/${name}.html`, 'utf8');

/** A page on www.dropbox.com whose /vanish/<name> paths serve the fixtures. */
async function open(name: string): Promise<Page> {
  const page = await browser.context.newPage();
  await page.route('https://www.dropbox.com/vanish/**', (route) =>
    route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: fixture(new URL(route.request().url()).pathname.split('/')[2]!) }),
  );
  await page.goto(`https://www.dropbox.com/vanish/${name}`);
  return page;
}

async function delivered(name: string): Promise<FileEvent> {
  await console_.waitForEvents((all) => all.some((e) => e.file.name === name));
  return (await console_.events()).find((e) => e.file.name === name)!;
}

describe('Chromium: a page that goes away in its own change handler', () => {
  it('a frame removed by its change handler: the pick still reaches the backend', async () => {
    const page = await open('parent');
    const frame = page.frameLocator('#widget');
    await frame.locator('#picker').waitFor({ state: 'attached' });
    // A pick the page's own script makes (untrusted, never held): the page's change handler runs right after ours.
    await frame.locator('#picker').evaluate((input: HTMLInputElement) => {
      const dt = new DataTransfer();
      dt.items.add(new File(['id,iban\n1,DE00\n'], 'vanishing-frame.csv', { type: 'text/csv' }));
      input.files = dt.files;
      // After this evaluation returns: the frame is gone once the page's handler ran.
      setTimeout(() => input.dispatchEvent(new Event('change', { bubbles: true })));
    });
    // The page's handler runs once the background took the report: at a fresh launch the extension's worker starts first.
    await expect.poll(() => page.locator('#widget').count(), { timeout: 20_000 }).toBe(0);
    // Kept by the extension, then delivered.
    await expect
      .poll(async () => (await storedEvents(await browser.worker())).some((e) => e.file.name === 'vanishing-frame.csv'), { timeout: 15_000 })
      .toBe(true);
    const event = await delivered('vanishing-frame.csv');
    expect(event).toMatchObject({
      channel: 'file_picker',
      destination: { serviceId: 'dropbox' },
      file: { name: 'vanishing-frame.csv', category: 'spreadsheet' },
    });
    await page.close();
  });

  it('a trusted pick in a frame removed by its change handler reaches the backend', async () => {
    const page = await open('parent');
    await page.frameLocator('#widget').locator('#picker').waitFor({ state: 'attached' });
    await pickPathsTrusted(page, "document.getElementById('widget').contentDocument.getElementById('picker')", [files.path('vanishing-trusted.csv')]);
    // A trusted pick before the frame knows its plan waits for it (the first managed-storage read of a fresh profile takes seconds).
    await expect.poll(() => page.locator('#widget').count(), { timeout: 20_000 }).toBe(0);
    const event = await delivered('vanishing-trusted.csv');
    expect(event).toMatchObject({ channel: 'file_picker', trustedEvent: true, file: { name: 'vanishing-trusted.csv' } });
    await page.close();
  });

  it('a page that navigates away in its change handler: the pick still reaches the backend', async () => {
    const page = await open('navigate');
    await page.locator('#picker').evaluate((input: HTMLInputElement) => {
      const dt = new DataTransfer();
      dt.items.add(new File(['%PDF-1.7\n'], 'vanishing-navigation.pdf', { type: 'application/pdf' }));
      input.files = dt.files;
      input.dispatchEvent(new Event('change', { bubbles: true }));
    });
    await page.waitForURL('**/vanish/done');
    const event = await delivered('vanishing-navigation.pdf');
    expect(event).toMatchObject({ channel: 'file_picker', destination: { serviceId: 'dropbox' }, file: { name: 'vanishing-navigation.pdf', category: 'pdf' } });
    await page.close();
  });
});
