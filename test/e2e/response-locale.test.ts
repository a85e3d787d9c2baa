/**
 * The response dialog speaks the browser's language (issue 14): Chromium started in German
 * (`--lang=de`) shows the German strings of public/_locales/de, read from the accessibility tree
 * (the dialog is in a closed shadow root). Launched here rather than through the harness, which
 * takes no browser flags.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { pickPathsTrusted } from '../harness/actions';
import { startConsole, type RunningConsole } from '../harness/in-process-console';
import { CHROME_EXTENSION_DIR, chromiumPath } from '../harness/paths';
import { ALL_HOURS_WORKING, writeChromiumPolicy, type PolicyFile } from '../harness/policy-files';
import { isSimulatedSite } from '../harness/sites';
import { scratchFiles } from '../harness/scratch-files';
import { DIALOG_HOST_SCRIPT, RESPONSE_RULES, widgetsPage } from './response-support';

let console_: RunningConsole;
let policy: PolicyFile;
let context: BrowserContext;
const profile = mkdtempSync(join(tmpdir(), 'upwatch-chromium-de-'));
const files = scratchFiles({ 'gesperrt.csv': 'a,b\n' });

beforeAll(async () => {
  console_ = await startConsole();
  policy = writeChromiumPolicy(`upwatch-response-de-${process.pid}`, {
    backendUrl: console_.ingestUrl,
    backendToken: console_.token,
    riskSettings: ALL_HOURS_WORKING,
    responseRules: RESPONSE_RULES,
  });
  context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath(),
    headless: true,
    args: [
      `--disable-extensions-except=${CHROME_EXTENSION_DIR}`,
      `--load-extension=${CHROME_EXTENSION_DIR}`,
      '--lang=de',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  await context.route(isSimulatedSite, (route) =>
    route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: widgetsPage(new URL(route.request().url()).hostname) }),
  );
});

afterAll(async () => {
  await context?.close();
  policy?.remove();
  await console_?.close();
  rmSync(profile, { recursive: true, force: true });
  files.remove();
});

it('a block in German: title, buttons and labels from _locales/de', async () => {
  const page = await context.newPage();
  await page.goto('https://www.dropbox.com/response/widgets');
  await page.focus('#plain');
  await pickPathsTrusted(page, "document.getElementById('plain')", [files.path('gesperrt.csv')]);
  await expect.poll(() => page.evaluate(DIALOG_HOST_SCRIPT), { timeout: 20_000 }).toBe(true);
  const cdp = await page.context().newCDPSession(page);
  const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as { nodes: { role?: { value: string }; name?: { value: string } }[] };
  await cdp.detach();
  const names = nodes.map((n) => `${n.role?.value}:${n.name?.value ?? ''}`);
  expect(names).toContain('alertdialog:Hochladen blockiert');
  expect(names).toContain('button:OK');
  expect(names.some((n) => n.startsWith('link:Mehr erfahren'))).toBe(true);
  await page.keyboard.press('Escape');
  await expect.poll(() => page.evaluate(DIALOG_HOST_SCRIPT)).toBe(false);
  await page.close();
});
