/**
 * Issue 15 item 5 in real Firefox ESR: a page that removes the frame of its file input, or
 * navigates away, inside its own `change` handler does not lose the event (the observer reports in
 * its capture listener, before the page's handler runs and before any file is read). The pages are
 * the observer lab on www.dropbox.com, given such handlers by script; the picks are the page's own
 * (untrusted events, which are never held, so the page's handler runs right after ours).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchFirefox, type FirefoxSession } from '../harness/firefox';
import { startConsole, type RunningConsole } from '../harness/in-process-console';
import { ALL_HOURS_WORKING, writeFirefoxPolicy, type PolicyFile } from '../harness/policy-files';
import { startSiteServer, type SiteServer } from '../harness/site-server';
import type { FileEvent } from '../../src/core/schema/event';

let console_: RunningConsole;
let sites: SiteServer;
let policy: PolicyFile;
let firefox: FirefoxSession;

beforeAll(async () => {
  console_ = await startConsole();
  sites = await startSiteServer();
  policy = writeFirefoxPolicy({ backendUrl: console_.ingestUrl, backendToken: console_.token, userEmail: 'ff@acme.example', riskSettings: ALL_HOURS_WORKING });
  firefox = await launchFirefox({ sitePort: sites.port });
});

afterAll(async () => {
  await firefox?.close();
  policy?.remove();
  await sites?.close();
  await console_?.close();
});

async function delivered(name: string): Promise<FileEvent> {
  await console_.waitForEvents((all) => all.some((e) => e.file.name === name), 45_000);
  return (await console_.events()).find((e) => e.file.name === name)!;
}

describe('Firefox: a page that goes away in its own change handler', () => {
  it('a frame removed by its change handler: the pick still reaches the backend', async () => {
    const page = await firefox.newPage(firefox.site('www.dropbox.com', '/observer/lab'));
    await page.evaluate(
      () =>
        new Promise<void>((resolve) => {
          const frame = document.createElement('iframe');
          frame.id = 'widget';
          frame.src = '/observer/lab';
          frame.onload = () => resolve();
          document.body.append(frame);
        }),
    );
    await page.evaluate(() => {
      const frame = document.getElementById('widget') as HTMLIFrameElement;
      const input = frame.contentDocument!.createElement('input');
      input.type = 'file';
      frame.contentDocument!.body.append(input);
      input.addEventListener('change', () => frame.remove());
      const dt = new DataTransfer();
      dt.items.add(new File(['id,iban\n1,DE00\n'], 'ff-vanishing-frame.csv', { type: 'text/csv' }));
      input.files = dt.files;
      input.dispatchEvent(new Event('change', { bubbles: true }));
    });
    // The page's handler runs once the background took the report (src/content/observer.ts).
    await expect.poll(() => page.evaluate(() => document.getElementById('widget') === null), { timeout: 20_000 }).toBe(true);
    expect(await delivered('ff-vanishing-frame.csv')).toMatchObject({
      channel: 'file_picker',
      destination: { serviceId: 'dropbox' },
      file: { category: 'spreadsheet' },
    });
    await page.close();
  });

  it('a page that navigates away in its change handler: the pick still reaches the backend', async () => {
    const page = await firefox.newPage(firefox.site('www.dropbox.com', '/observer/lab'));
    await Promise.all([
      page.waitForNavigation(),
      page.evaluate(() => {
        const input = document.createElement('input');
        input.type = 'file';
        document.body.append(input);
        input.addEventListener('change', () => location.replace('/home'));
        const dt = new DataTransfer();
        dt.items.add(new File(['%PDF-1.7\n'], 'ff-vanishing-navigation.pdf', { type: 'application/pdf' }));
        input.files = dt.files;
        setTimeout(() => input.dispatchEvent(new Event('change', { bubbles: true })));
      }),
    ]);
    expect(await delivered('ff-vanishing-navigation.pdf')).toMatchObject({
      channel: 'file_picker',
      destination: { serviceId: 'dropbox' },
      file: { category: 'pdf' },
    });
    await page.close();
  });
});
