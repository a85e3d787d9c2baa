/** Real Chromium with the built extension loaded, driven by Playwright. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page, type Worker } from 'playwright-core';
import { CHROME_EXTENSION_DIR, CHROME_EXTENSION_ID, chromiumPath } from './paths';
import { isSimulatedSite, renderSite } from './sites';

export interface ChromiumSession {
  context: BrowserContext;
  extensionId: string;
  worker(): Promise<Worker>;
  openPopup(): Promise<Page>;
  close(): Promise<void>;
}

export async function launchChromium(options: { extensionDir?: string; headless?: boolean } = {}): Promise<ChromiumSession> {
  const profile = mkdtempSync(join(tmpdir(), 'upwatch-chromium-'));
  const ext = options.extensionDir ?? CHROME_EXTENSION_DIR;
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath(),
    headless: options.headless ?? true,
    args: [
      `--disable-extensions-except=${ext}`,
      `--load-extension=${ext}`,
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  await context.route(
    isSimulatedSite,
    (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: renderSite(new URL(route.request().url()))! }),
  );
  const worker = async () =>
    context.serviceWorkers().find((w) => w.url().startsWith(`chrome-extension://${CHROME_EXTENSION_ID}/`)) ??
    (await context.waitForEvent('serviceworker', { predicate: (w) => w.url().startsWith(`chrome-extension://${CHROME_EXTENSION_ID}/`) }));
  return {
    context,
    extensionId: CHROME_EXTENSION_ID,
    worker,
    async openPopup() {
      const page = await context.newPage();
      await page.goto(`chrome-extension://${CHROME_EXTENSION_ID}/popup.html`);
      await page.waitForSelector('body[data-ready="true"]');
      return page;
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
