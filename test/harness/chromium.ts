/** Real Chromium with the built extension loaded, driven by Playwright. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page, type Worker } from 'playwright-core';
import { CHROME_EXTENSION_DIR, CHROME_EXTENSION_ID, chromiumPath } from './paths';
import { HANGING_PATH, isSimulatedSite, renderSite, siteFile } from './sites';

export interface ChromiumSession {
  context: BrowserContext;
  extensionId: string;
  worker(): Promise<Worker>;
  openPopup(): Promise<Page>;
  close(): Promise<void>;
}

export async function launchChromium(
  options: { extensionDir?: string; headless?: boolean; downloadsDir?: string; profileDir?: string } = {},
): Promise<ChromiumSession> {
  // A given profile directory outlives the session (a browser restart); a fresh one is removed.
  const profile = options.profileDir ?? mkdtempSync(join(tmpdir(), 'upwatch-chromium-'));
  if (options.downloadsDir) {
    // Where a person's browser saves downloads: the profile preference (CDP's downloadPath is not
    // honoured for the default context).
    mkdirSync(join(profile, 'Default'), { recursive: true });
    writeFileSync(
      join(profile, 'Default', 'Preferences'),
      JSON.stringify({ download: { default_directory: options.downloadsDir, prompt_for_download: false, directory_upgrade: true } }),
    );
  }
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
  await context.route(isSimulatedSite, (route) => {
    const url = new URL(route.request().url());
    // Never answered (sites.ts): the request stays pending.
    if (url.pathname === HANGING_PATH) return;
    const file = siteFile(url);
    if (file) {
      return route.fulfill({
        status: 200,
        contentType: file.contentType,
        headers: { 'Content-Disposition': `attachment; filename="${file.fileName}"` },
        body: file.body,
      });
    }
    return route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: renderSite(url)! });
  });
  if (options.downloadsDir) {
    // Playwright saves downloads under random names; a person's browser keeps the real name, which
    // is what download provenance matches on. Browser.setDownloadBehavior restores that.
    const page = context.pages()[0] ?? (await context.newPage());
    const cdp = await context.newCDPSession(page);
    await cdp.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: options.downloadsDir });
    await cdp.detach();
  }
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
      // Settled: shaped by the settings in force, not only by the last known ones (a popup opened right after launch).
      await page.waitForSelector('body[data-settled="true"]');
      return page;
    },
    async close() {
      await context.close();
      if (!options.profileDir) rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** The extension's badge text, read inside its service worker. */
export function badgeText(worker: Worker): Promise<string> {
  return worker.evaluate(() =>
    (globalThis as unknown as { chrome: { action: { getBadgeText(details: object): Promise<string> } } }).chrome.action.getBadgeText({}),
  );
}

/** Terminates the extension's service worker, as Chrome does to an idle one (CDP Target.closeTarget). */
export async function stopServiceWorker(session: ChromiumSession): Promise<void> {
  const page = session.context.pages()[0] ?? (await session.context.newPage());
  const cdp = await session.context.newCDPSession(page);
  try {
    const { targetInfos } = await cdp.send('Target.getTargets');
    const worker = targetInfos.find((t) => t.type === 'service_worker' && t.url.startsWith(`chrome-extension://${CHROME_EXTENSION_ID}/`));
    if (!worker) throw new Error('the extension service worker is not running');
    await cdp.send('Target.closeTarget', { targetId: worker.targetId });
  } finally {
    await cdp.detach();
  }
}
