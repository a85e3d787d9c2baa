/**
 * Response (issue 14) in real Chromium: the decision comes before the page has the file. Each test
 * proves what the page's own handler received (window.got), what the receiving server got, what the
 * dialog said (the accessibility tree, which sees into the closed shadow root) and what the backend
 * recorded. The dialog is driven by keyboard alone: a page cannot click it, and Playwright cannot
 * reach into a closed shadow root either.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { dropPaths, pickPathsTrusted } from '../harness/actions';
import type { ChromiumSession } from '../harness/chromium';
import { startChromiumRig, type Rig } from '../harness/extension-rig';
import { deliveringTo } from '../harness/policy-files';
import { isSimulatedSite } from '../harness/sites';
import { scratchFiles } from '../harness/scratch-files';
import { BLOCK_MESSAGE, dialogShown, dismissDialogs, RESPONSE_RULES, responseEventFor, UploadLog, WARN_MESSAGE, widgetsPage } from './response-support';

let rig: Rig<ChromiumSession>;
const uploads = new UploadLog();
const files = scratchFiles({
  'blocked-pick.csv': 'id,iban\n1,DE00\n',
  'blocked-drop.csv': 'id,iban\n2,DE01\n',
  'warned-cancel.csv': 'a,b\n',
  'bypassed.csv': 'a,b\n1,2\n',
  'temporary.csv': 'a,b\n3,4\n',
  'noticed.py': 'print("hello")\n',
  'noticed-shadow.py': 'print("shadow")\n',
  'noticed-detached.py': 'print("detached")\n',
  'blocked-shadow.csv': 'a,b\n',
  'blocked-detached.csv': 'a,b\n',
});

beforeAll(async () => {
  rig = await startChromiumRig(`upwatch-response-${process.pid}`, {
    policy: (c) => deliveringTo(c, { userEmail: 'ana@acme.example', responseRules: RESPONSE_RULES }),
  });
  // Registered after the harness's route, so it is asked first: the widgets page and the receiving server.
  await rig.browser.context.route(
    (url) => isSimulatedSite(url) && url.pathname.startsWith('/response/'),
    (route) => {
      const url = new URL(route.request().url());
      if (url.pathname === '/response/upload') {
        uploads.add(route.request().postDataBuffer() ?? Buffer.alloc(0));
        return route.fulfill({ status: 200, body: 'stored' });
      }
      return route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: widgetsPage(url.hostname) });
    },
  );
});

afterAll(async () => {
  await rig?.close();
  files.remove();
});

async function open(host: string): Promise<Page> {
  const page = await rig.browser.context.newPage();
  await page.goto(`https://${host}/response/widgets`);
  return page;
}

type Got = { via: string; names?: string[]; error?: string; isTrusted?: boolean };
const got = (page: Page) => page.evaluate(() => (window as unknown as { got: Got[] }).got);

/** The dialog's role, accessible name and every text in it, read from the accessibility tree. */
async function dialogText(page: Page): Promise<{ role: string; name: string; text: string } | undefined> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as {
      nodes: { nodeId: string; parentId?: string; role?: { value: string }; name?: { value: string } }[];
    };
    const box = nodes.find((n) => n.role?.value === 'alertdialog' || (n.role?.value === 'status' && n.name?.value));
    if (!box) return undefined;
    const inside = new Set([box.nodeId]);
    for (const n of nodes) if (n.parentId && inside.has(n.parentId)) inside.add(n.nodeId);
    const text = nodes.filter((n) => inside.has(n.nodeId) && n.name?.value).map((n) => n.name!.value);
    return { role: box.role!.value, name: box.name?.value ?? '', text: text.join(' | ') };
  } finally {
    await cdp.detach();
  }
}

/** Waits for a condition the page or the dialog reaches (the first decision waits for the managed policy to load). */
const until = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 20_000 });

const dismissAll = (page: Page) => dismissDialogs(page, 20_000);
const eventFor = (name: string) => responseEventFor(rig.console, name);

describe('Chromium: blocked before the page has the file', () => {
  it('a picked file: the page handler never sees it, the dialog says why, the backend records blocked', async () => {
    const page = await open('www.dropbox.com');
    await page.focus('#plain');
    await pickPathsTrusted(page, "document.getElementById('plain')", [files.path('blocked-pick.csv')]);
    await until(() => dialogShown(page)).toBe(true);
    const dialog = await dialogText(page);
    expect(dialog).toMatchObject({ role: 'alertdialog', name: 'Upload blocked' });
    expect(dialog!.text).toContain(BLOCK_MESSAGE);
    expect(dialog!.text).toContain('blocked-pick.csv');
    expect(dialog!.text).toContain('Dropbox (www.dropbox.com)');
    expect(dialog!.text).toContain('Learn more');
    expect(await page.evaluate(() => (document.getElementById('plain') as HTMLInputElement).files!.length)).toBe(0);
    await page.keyboard.press('Enter');
    await until(() => dialogShown(page)).toBe(false);
    expect(await got(page)).toEqual([]);
    expect((await eventFor('blocked-pick.csv')).response).toMatchObject({ action: 'block', outcome: 'blocked', ruleId: 'no-personal-cloud' });
    await page.close();
  });

  it('an input in a closed shadow root and one made by script and never attached: their handlers never see the file', async () => {
    const page = await open('www.dropbox.com');
    await page.focus('#widget');
    await pickPathsTrusted(page, 'window.__shadowInput', [files.path('blocked-shadow.csv')]);
    await until(() => dialogShown(page)).toBe(true);
    await dismissAll(page);
    await page.evaluate(() => (window as unknown as { detached(): void }).detached());
    await pickPathsTrusted(page, 'window.__detached', [files.path('blocked-detached.csv')]);
    await until(() => dialogShown(page)).toBe(true);
    await dismissAll(page);
    expect(await got(page)).toEqual([]);
    for (const name of ['blocked-shadow.csv', 'blocked-detached.csv']) expect((await eventFor(name)).response, name).toMatchObject({ outcome: 'blocked' });
    await page.close();
  });

  it('a drop and a paste: the drop zone and the paste handler never see the file', async () => {
    const page = await open('www.dropbox.com');
    await dropPaths(page, '#dropzone', [files.path('blocked-drop.csv')]);
    await until(() => dialogShown(page)).toBe(true);
    await dismissAll(page);
    // A trusted paste of an image, as a person copying a screenshot: the system clipboard, then Ctrl+V.
    await rig.browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: 'https://www.dropbox.com' });
    await page.click('#paste-target');
    await page.evaluate(async () => {
      const canvas = document.createElement('canvas');
      canvas.width = canvas.height = 8;
      const png = await new Promise<Blob>((resolve) => canvas.toBlob((b) => resolve(b!), 'image/png'));
      await navigator.clipboard.write([new ClipboardItem({ 'image/png': png })]);
    });
    await page.keyboard.press('Control+V');
    await until(() => dialogShown(page)).toBe(true);
    await dismissAll(page);
    expect(await got(page)).toEqual([]);
    expect((await eventFor('blocked-drop.csv')).response).toMatchObject({ outcome: 'blocked' });
    const pasted = (await rig.console.waitForEvents((all) => all.some((e) => e.channel === 'paste' && e.response))).find((e) => e.channel === 'paste');
    expect(pasted).toMatchObject({ trustedEvent: true, destination: { serviceId: 'dropbox' }, response: { outcome: 'blocked' } });
    await page.close();
  });

  it('script uploads: fetch rejects, XHR fails as on a network error, and the server gets no bytes', async () => {
    const page = await open('www.dropbox.com');
    type Upload = { fetchFile(n: string): Promise<string>; xhrFile(n: string): Promise<string>; beacon(n: string): boolean };
    const fetched = page.evaluate(() => (window as unknown as { upload: Upload }).upload.fetchFile('script-fetch.csv'));
    await until(() => dialogShown(page)).toBe(true);
    await dismissAll(page);
    expect(await fetched).toBe('TypeError');
    const sent = page.evaluate(() => (window as unknown as { upload: Upload }).upload.xhrFile('script-xhr.csv'));
    await until(() => dialogShown(page)).toBe(true);
    await dismissAll(page);
    expect(await sent).toBe('error readyState 4 status 0');
    expect(await page.evaluate(() => (window as unknown as { upload: Upload }).upload.beacon('script-beacon.csv'))).toBe(true);
    await until(() => dialogShown(page)).toBe(true);
    await dismissAll(page);
    for (const name of ['script-fetch.csv', 'script-xhr.csv', 'script-beacon.csv']) {
      expect((await eventFor(name)).response, name).toMatchObject({ outcome: 'blocked' });
      expect(uploads.bytesFor(name), name).toBe(0);
    }
    // The same page's upload to a destination no rule blocks goes through as before.
    const github = await open('github.com');
    expect(await github.evaluate(() => (window as unknown as { upload: Upload }).upload.fetchFile('script-allowed.py'))).toBe('status 200');
    expect(uploads.bytesFor('script-allowed.py')).toBeGreaterThan(0);
    await github.close();
    await page.close();
  });
});

describe('Chromium: warn, notify, temporary allow', () => {
  it('warn then cancel: nothing reaches the page, the event says warned', async () => {
    const page = await open('wetransfer.com');
    await page.focus('#plain');
    await pickPathsTrusted(page, "document.getElementById('plain')", [files.path('warned-cancel.csv')]);
    await until(() => dialogShown(page)).toBe(true);
    const dialog = await dialogText(page);
    expect(dialog).toMatchObject({ role: 'alertdialog', name: 'Check before you upload' });
    expect(dialog!.text).toContain(WARN_MESSAGE);
    await page.keyboard.press('Escape');
    await until(() => dialogShown(page)).toBe(false);
    expect(await got(page)).toEqual([]);
    expect((await eventFor('warned-cancel.csv')).response).toMatchObject({ action: 'warn', outcome: 'warned', ruleId: 'think-twice' });
    await page.close();
  });

  it('warn then proceed with a justification: the page gets the file, the event says bypassed with the text; the next upload there passes', async () => {
    const page = await open('wetransfer.com');
    await page.focus('#plain');
    await pickPathsTrusted(page, "document.getElementById('plain')", [files.path('bypassed.csv')]);
    await until(() => dialogShown(page)).toBe(true);
    // The justification is required: Enter does nothing until there is text.
    await page.keyboard.press('Enter');
    expect(await dialogShown(page)).toBe(true);
    await page.keyboard.type('Signed contract for the notary, agreed with legal');
    await page.keyboard.press('Enter');
    await until(() => got(page)).toEqual([expect.objectContaining({ via: 'plain', names: ['bypassed.csv'] })]);
    expect(await dialogShown(page)).toBe(false);
    expect((await eventFor('bypassed.csv')).response).toMatchObject({
      action: 'warn',
      outcome: 'bypassed',
      justification: 'Signed contract for the notary, agreed with legal',
    });
    // Temporary allow: the same destination passes without a dialog for the rule's 30 minutes.
    await pickPathsTrusted(page, "document.getElementById('plain')", [files.path('temporary.csv')]);
    await until(() => got(page)).toHaveLength(2);
    expect((await got(page))[1]).toMatchObject({ names: ['temporary.csv'] });
    expect(await dialogShown(page)).toBe(false);
    expect((await eventFor('temporary.csv')).response).toMatchObject({ outcome: 'allowed' });
    await page.close();
  });

  it('notify: a drop zone like react-dropzone gets the file (with its File System Access handle) and a notice shows, then goes', async () => {
    const page = await open('github.com');
    await dropPaths(page, '#dropzone', [files.path('noticed.py')]);
    await until(() => got(page)).toEqual([expect.objectContaining({ via: 'dropzone', names: ['noticed.py'] })]);
    await until(() => dialogShown(page)).toBe(true);
    expect(await dialogText(page)).toMatchObject({ role: 'status' });
    expect((await eventFor('noticed.py')).response).toMatchObject({ action: 'notify', outcome: 'notified' });
    await until(() => dialogShown(page)).toBe(false);
    // Allowed files reach a closed shadow root's input and a never-attached one the same way.
    await pickPathsTrusted(page, 'window.__shadowInput', [files.path('noticed-shadow.py')]);
    await page.evaluate(() => (window as unknown as { detached(): void }).detached());
    await pickPathsTrusted(page, 'window.__detached', [files.path('noticed-detached.py')]);
    await until(async () => (await got(page)).map((g) => `${g.via}:${g.names?.join()}`)).toEqual([
      'dropzone:noticed.py',
      'shadow:noticed-shadow.py',
      'detached:noticed-detached.py',
    ]);
    await page.close();
  });
});
