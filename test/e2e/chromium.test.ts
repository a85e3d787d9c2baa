/**
 * The built extension in real Chromium: real host names served from fixtures, a managed policy
 * file under /etc/chromium/policies/managed pointing at a console on loopback. Every user action
 * must give exactly one stored, forwarded event per file, scored as the recommended defaults say.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { dropPaths, pasteFiles, pickFiles, pickPathsTrusted } from '../harness/actions';
import { badgeText, launchChromium, type ChromiumSession } from '../harness/chromium';
import { startChromiumRig, type Rig } from '../harness/extension-rig';
import type { RunningConsole } from '../harness/in-process-console';
import { ALL_HOURS_WORKING } from '../harness/policy-files';
import type { FileEvent } from '../../src/core/schema/event';
import { SAMPLES as FORMATS } from '../harness/format-samples';
import { scratchFiles } from '../harness/scratch-files';
import { storedEvents, storedRecords } from '../harness/stored-events';

/** The extension's chrome.* namespace, as seen inside its service worker. */

let rig: Rig<ChromiumSession>;
let console_: RunningConsole;
let browser: ChromiumSession;
const files = scratchFiles({
  'q3-forecast.xlsx': Buffer.from(FORMATS.xlsx!),
  'payments.py': 'import os\nprint(os.environ)\n',
  'board-deck.pptx': Buffer.from(FORMATS.pptx!),
  'project/src/app.ts': 'export const x = 1;\n',
  'project/README.md': '# project\n',
  'project/data/customers.csv': 'id,name\n1,Ana\n',
  'handbook.pdf': Buffer.from(FORMATS.pdf!),
  'holiday.jpg': Buffer.from(FORMATS.py!),
});

beforeAll(async () => {
  rig = await startChromiumRig(`upwatch-e2e-${process.pid}`, {
    policy: (console) => ({
      backendUrl: console.ingestUrl,
      backendToken: console.token,
      userEmail: 'ana@acme.example',
      trustedDomains: ['intranet.acme.example'],
      riskSettings: ALL_HOURS_WORKING,
    }),
  });
  ({ console: console_, browser } = rig);
});

afterAll(async () => {
  await rig?.close();
  files.remove();
});

async function open(url: string): Promise<Page> {
  const page = await browser.context.newPage();
  await page.goto(url);
  return page;
}

/** Waits until the console has events for exactly these names, and returns them. */
async function delivered(names: string[]): Promise<FileEvent[]> {
  const all = await console_.waitForEvents((events) => names.every((n) => events.some((e) => e.file.name === n)));
  return all.filter((e) => names.includes(e.file.name));
}

async function storedNamed(name: string): Promise<FileEvent[]> {
  return (await storedEvents(await browser.worker())).filter((e) => e.file.name === name);
}

describe('Chromium: every way a file reaches a page gives one event per file', () => {
  it('file picker (trusted): one event, Dropbox, cloud storage, scored', async () => {
    const page = await open('https://www.dropbox.com/home');
    await pickPathsTrusted(page, "document.getElementById('picker')", [files.path('q3-forecast.xlsx')]);
    const [event] = await delivered(['q3-forecast.xlsx']);
    expect(event).toMatchObject({
      channel: 'file_picker',
      trustedEvent: true,
      user: { email: 'ana@acme.example' },
      file: { extension: 'xlsx', category: 'spreadsheet', categoryByContent: 'spreadsheet', mismatch: false },
      destination: { serviceId: 'dropbox', serviceName: 'Dropbox', category: 'cloud_storage', host: 'www.dropbox.com', tabTitle: 'Files - Dropbox' },
      risk: { score: 9, severity: 'critical' },
    });
    // Dropbox was never used in this profile: first use (+2), for every upload in the next hour too.
    expect(event!.risk.indicators.map((i) => i.id)).toEqual(['first_use_of_destination', 'cloud_storage', 'spreadsheet']);
    expect(await storedNamed('q3-forecast.xlsx')).toHaveLength(1);
    await page.close();
  });

  it('drag and drop (trusted) on Gmail', async () => {
    const page = await open('https://mail.google.com/mail/u/0/#inbox');
    await dropPaths(page, '#dropzone', [files.path('payments.py')]);
    const [event] = await delivered(['payments.py']);
    expect(event).toMatchObject({
      channel: 'drag_drop',
      trustedEvent: true,
      destination: { serviceId: 'gmail', category: 'email', url: 'https://mail.google.com/mail/u/0/' },
      file: { category: 'source_code' },
      risk: { score: 2 + 3 + 3, severity: 'high' },
    });
    await page.close();
  });

  it('a dropped file is classified by its content: source code named .jpg is a mismatch', async () => {
    const page = await open('https://www.dropbox.com/home');
    await dropPaths(page, '#dropzone', [files.path('holiday.jpg')]);
    const [event] = await delivered(['holiday.jpg']);
    expect(event!.file).toMatchObject({
      extension: 'jpg',
      categoryByExtension: 'image',
      categoryByContent: 'source_code',
      category: 'source_code',
      mimeByContent: 'text/x-python',
      mismatch: true,
    });
    expect(event!.risk.indicators.find((i) => i.id === 'file_mismatch')?.reason).toBe('File named as an image but its content is source code');
    await page.close();
  });

  it('folder drop on GitHub: one event per file, with relative paths', async () => {
    const page = await open('https://github.com/acme/payments/upload/main');
    await dropPaths(page, '#dropzone', [`${files.dir}/project`]);
    const events = await delivered(['app.ts', 'README.md', 'customers.csv']);
    expect(events.map((e) => e.file.relativePath).sort()).toEqual(['project/README.md', 'project/data/customers.csv', 'project/src/app.ts']);
    expect(new Set(events.map((e) => e.actionId)).size).toBe(1);
    for (const e of events) expect(e.destination).toMatchObject({ serviceId: 'github', category: 'source_code_repository' });
    expect(events.find((e) => e.file.name === 'app.ts')?.risk.score).toBe(2 + 5 + 3);
    await page.close();
  });

  it('paste of a file on ChatGPT, synthesised by the page: recorded as untrusted, not dropped', async () => {
    const page = await open('https://chatgpt.com/');
    await pasteFiles(page, '#paste-target', [{ name: 'pasted-notes.txt', mimeType: 'text/plain', text: 'secret plans' }]);
    const [event] = await delivered(['pasted-notes.txt']);
    expect(event).toMatchObject({
      channel: 'paste',
      trustedEvent: false,
      destination: { serviceId: 'chatgpt', category: 'ai_tools' },
      risk: { score: 2 + 5 + 1, severity: 'high' },
    });
    await page.close();
  });

  it('inputs in open and closed shadow roots', async () => {
    const page = await open('https://wetransfer.com/');
    await pickFiles(page, '#open-host >> #shadow-picker', [{ name: 'open-shadow.csv', mimeType: 'text/csv', buffer: Buffer.from('a,b') }]);
    await page.locator('#closed-host').click();
    await pickPathsTrusted(page, 'window.__closedInput', [files.path('board-deck.pptx')]);
    const events = await delivered(['open-shadow.csv', 'board-deck.pptx']);
    expect(events).toHaveLength(2);
    for (const e of events) expect(e.destination).toMatchObject({ serviceId: 'wetransfer', category: 'cloud_storage' });
    expect(await storedNamed('open-shadow.csv')).toHaveLength(1);
    expect(await storedNamed('board-deck.pptx')).toHaveLength(1);
    await page.close();
  });

  it('srcdoc iframe: the tab decides the destination, the frame is recorded', async () => {
    const page = await open('https://mail.google.com/mail/u/0/#compose');
    await pickPathsTrusted(page, "document.getElementById('srcdoc-frame').contentDocument.getElementById('inner-picker')", [files.path('handbook.pdf')]);
    const [event] = await delivered(['handbook.pdf']);
    expect(event).toMatchObject({ destination: { serviceId: 'gmail', frameUrl: 'about:srcdoc' }, risk: { score: 2 + 3 + 1 } });
    await page.close();
  });

  it('third-party iframe of a known service on an unknown site goes to that service', async () => {
    const page = await open('https://blog.example.org/post/1');
    const frame = page.frameLocator('#third-party');
    await frame.locator('#frame-picker').setInputFiles({ name: 'embedded.docx', mimeType: 'application/octet-stream', buffer: Buffer.from('PK') });
    const [event] = await delivered(['embedded.docx']);
    expect(event).toMatchObject({
      destination: { url: 'https://blog.example.org/post/1', frameUrl: 'https://www.dropbox.com/embed/chooser', serviceId: 'dropbox' },
    });
    await page.close();
  });

  it('trusted domain from the policy scores 0', async () => {
    const page = await open('https://intranet.acme.example/docs');
    await pickPathsTrusted(page, "document.getElementById('picker')", [files.path('payments.py')]);
    const events = await console_.waitForEvents((all) => all.some((e) => e.destination.host === 'intranet.acme.example'));
    const event = events.find((e) => e.destination.host === 'intranet.acme.example');
    expect(event).toMatchObject({ destination: { trusted: true, category: 'other' }, risk: { score: 0, severity: 'none', indicators: [] } });
    await page.close();
  });

  it('one pick of several files gives one event per file, none twice', async () => {
    const page = await open('https://www.dropbox.com/home');
    await pickPathsTrusted(page, "document.getElementById('picker')", [files.path('handbook.pdf'), files.path('board-deck.pptx')]);
    const before = await console_.events();
    await console_.waitForEvents((all) => all.length >= before.length + 2);
    await new Promise((r) => setTimeout(r, 1000));
    const mine = (await storedEvents(await browser.worker())).filter(
      (e) => e.destination.serviceId === 'dropbox' && ['handbook.pdf', 'board-deck.pptx'].includes(e.file.name),
    );
    expect(mine).toHaveLength(2);
    expect(new Set(mine.map((e) => e.actionId)).size).toBe(1);
    await page.close();
  });
});

describe('Chromium: a hostile page', () => {
  it('cannot hide an upload, and its names and title render as text in the popup', async () => {
    const page = await open('https://hostile.example.net/');
    const hostileName = '<img src=x onerror="window.__pwned=1">.pdf';
    await pickFiles(page, '#picker', [{ name: hostileName, mimeType: 'application/pdf', buffer: Buffer.from('%PDF') }]);
    await dropPaths(page, '#dropzone', [files.path('q3-forecast.xlsx')]);
    const events = await console_.waitForEvents((all) => all.filter((e) => e.destination.host === 'hostile.example.net').length >= 2);
    const hostile = events.filter((e) => e.destination.host === 'hostile.example.net');
    expect(hostile.map((e) => e.file.name).sort()).toEqual([hostileName, 'q3-forecast.xlsx'].sort());
    expect(hostile[0]!.destination.tabTitle).toContain('<img src=x');

    const popup = await browser.openPopup();
    const item = popup.locator('li.event', { hasText: hostileName });
    await expect(item.count()).resolves.toBe(1);
    expect(await popup.locator('#events img, #events script').count()).toBe(0);
    expect(await popup.evaluate(() => (window as { __pwned?: unknown }).__pwned)).toBeUndefined();
    await popup.close();
    await page.close();
  });
});

describe('Chromium: the popup and the badge', () => {
  it('lists recent risky uploads newest first with their indicators, then clears the badge', async () => {
    const worker = await browser.worker();
    const page = await open('https://www.dropbox.com/home');
    await pickPathsTrusted(page, "document.getElementById('picker')", [files.path('q3-forecast.xlsx')]);
    await console_.waitForEvents((all) => all.filter((e) => e.file.name === 'q3-forecast.xlsx').length >= 3);
    await page.close();
    await expect.poll(() => badgeText(worker)).toBe('1');

    const popup = await browser.openPopup();
    const names = await popup.locator('li.event .file').allTextContents();
    const stored = (await storedEvents(worker))
      .filter((e) => e.risk.score > 0)
      .sort((a, b) => b.observedAt.localeCompare(a.observedAt) || b.id.localeCompare(a.id));
    expect(names).toEqual(stored.slice(0, 50).map((e) => e.file.name));
    expect(names[0]).toBe('q3-forecast.xlsx');
    const first = popup.locator('li.event').first();
    expect(await first.getAttribute('class')).toContain('new');
    await expect(first.locator('.sev').textContent()).resolves.toBe('critical');
    await expect(first.locator('.indicators li').allTextContents()).resolves.toEqual([
      'First upload to Dropbox since monitoring began +2',
      'Uploaded to Dropbox (cloud storage) +5',
      'File is a spreadsheet +2',
    ]);
    await popup.close();
    await expect.poll(() => badgeText(worker)).toBe('');
  });

  it('shows the empty state when nothing risky happened', async () => {
    const fresh = await launchChromium();
    try {
      const popup = await fresh.openPopup();
      await expect(popup.locator('#events').textContent()).resolves.toBe('No risky uploads yet.');
    } finally {
      await fresh.close();
    }
  });
});

describe('Chromium: where a file came from', () => {
  it('a file downloaded from Workday and uploaded to WeTransfer carries the HR source and first use; the popup gives each reason', async () => {
    const downloads = join(files.dir, 'downloads');
    mkdirSync(downloads, { recursive: true });
    // A fresh profile: WeTransfer has never been used in it.
    const fresh = await launchChromium({ downloadsDir: downloads });
    try {
      const worker = await fresh.worker();
      const workday = await fresh.context.newPage();
      await workday.goto('https://wd5.myworkday.com/acme/d/home.htmld');
      await workday.click('#export');
      const path = join(downloads, 'payroll-q4.xlsx');
      await expect.poll(() => existsSync(path), { timeout: 20_000 }).toBe(true);
      // The extension records the download, with its sources, when the browser says it is complete.
      // Every recorded download as "name:state", so a failure shows what the extension saw.
      const recorded = async () =>
        (await storedRecords<{ fileName: string; completedAt?: number }>(worker, 'downloads')).map(
          (d) => `${d.fileName}:${d.completedAt ? 'complete' : 'started'}`,
        );
      await expect.poll(recorded, { timeout: 20_000 }).toContain('payroll-q4.xlsx:complete');

      const upload = await fresh.context.newPage();
      await upload.goto('https://wetransfer.com/');
      await pickPathsTrusted(upload, "document.getElementById('picker')", [path]);
      const [event] = await delivered(['payroll-q4.xlsx']);
      expect(event!.source).toMatchObject({ category: 'hr', serviceId: 'workday', serviceName: 'Workday' });
      expect(event!.file).toMatchObject({ category: 'spreadsheet', categoryByContent: 'spreadsheet', mismatch: false });
      const ids = event!.risk.indicators.map((i) => i.id);
      expect(ids).toEqual(expect.arrayContaining(['first_use_of_destination', 'cloud_storage', 'hr', 'spreadsheet']));
      expect(ids).toEqual(['first_use_of_destination', 'cloud_storage', 'hr', 'spreadsheet']);
      expect(event!.risk).toMatchObject({ score: 2 + 5 + 4 + 2, severity: 'critical' });

      const popup = await fresh.openPopup();
      const reasons = await popup.locator('li.event', { hasText: 'payroll-q4.xlsx' }).locator('.indicators li').allTextContents();
      expect(reasons).toEqual(
        expect.arrayContaining([
          'First upload to WeTransfer since monitoring began +2',
          'Uploaded to WeTransfer (cloud storage) +5',
          'File came from Workday (HR system) +4',
          'File is a spreadsheet +2',
        ]),
      );
    } finally {
      await fresh.close();
    }
  });
});
