/**
 * Observer v2 (issue 13) in real Chromium: every way in that has no DOM event of its own, seen by
 * the MAIN-world hooks, one event per user action, the receiving host and frame trust, a rewritten
 * document, and a page flooding made-up drops. Pages are test/fixtures/pages/observer/lab.html on
 * real host names.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { dropPaths, pickPathsTrusted } from '../harness/actions';
import type { ChromiumSession } from '../harness/chromium';
import { startChromiumRig, type Rig } from '../harness/extension-rig';
import { deliveringTo } from '../harness/policy-files';
import { scratchFiles } from '../harness/scratch-files';
import { storedEvents } from '../harness/stored-events';
import type { FileEvent } from '../../src/core/schema/event';

let rig: Rig<ChromiumSession>;
const files = scratchFiles({
  'detached-pick.csv': 'id,name\n1,Ana\n',
  'picked-then-xhr.csv': 'id,salary\n1,91000\n',
  'picked-chunks.txt': 'chunk '.repeat(2000),
  'dropped-handle.txt': 'dropped through a FileSystemHandle\n',
  'after-rewrite.txt': 'picked after document.open\n',
  'framed.csv': 'a,b\n',
  'real-pick.csv': 'real,pick\n',
  'after-tamper.csv': 'a,b\n',
  'intranet-pick.csv': 'id,secret\n1,x\n',
});

beforeAll(async () => {
  rig = await startChromiumRig(`upwatch-observer-${process.pid}`, {
    policy: (c) => deliveringTo(c, { userEmail: 'ana@acme.example', trustedDomains: ['intranet.acme.example'] }),
  });
});

afterAll(async () => {
  await rig?.close();
  files.remove();
});

async function open(url: string): Promise<Page> {
  const page = await rig.browser.context.newPage();
  await page.goto(url);
  return page;
}

/** The delivered events for one file name, once there is at least one; then waits a moment for strays. */
async function deliveredOnce(name: string): Promise<FileEvent[]> {
  await rig.console.waitForEvents((all) => all.some((e) => e.file.name === name));
  await new Promise((r) => setTimeout(r, 1500));
  return (await rig.console.events()).filter((e) => e.file.name === name);
}

const storedNamed = async (name: string) => (await storedEvents(await rig.browser.worker())).filter((e) => e.file.name === name);

describe('Chromium: ways in without a DOM event of their own', () => {
  it('an input created by script, clicked and never attached', async () => {
    const page = await open('https://www.dropbox.com/observer/lab');
    await page.evaluate(() => (window as unknown as { lab: { detached(): void } }).lab.detached());
    await pickPathsTrusted(page, 'window.__detached', [files.path('detached-pick.csv')]);
    const events = await deliveredOnce('detached-pick.csv');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ channel: 'file_picker', trustedEvent: true, destination: { serviceId: 'dropbox' } });
    expect(events[0]!.bridged).toBeUndefined();
    await page.close();
  });

  it('fetch(FormData) of a file made by script: programmatic, bridged, with where it went', async () => {
    const page = await open('https://www.dropbox.com/observer/lab');
    await page.evaluate(() => (window as unknown as { lab: { fetchForm(n: string): Promise<string> } }).lab.fetchForm('fetched-ledger.csv'));
    const [event] = await deliveredOnce('fetched-ledger.csv');
    expect(event).toMatchObject({
      channel: 'programmatic',
      trustedEvent: false,
      bridged: true,
      destination: { serviceId: 'dropbox', host: 'www.dropbox.com' },
      transfers: [{ host: 'www.dropbox.com', via: 'fetch', url: 'https://www.dropbox.com/observer/upload' }],
      file: { category: 'spreadsheet' },
    });
    await page.close();
  });

  it('fetch of a Request carrying the FormData (ky, axios), through a clone: programmatic, with the request URL', async () => {
    const page = await open('https://www.dropbox.com/observer/lab');
    const sent = await page.evaluate(() =>
      (window as unknown as { lab: { requestFetch(n: string): Promise<string> } }).lab.requestFetch('requested-ledger.csv'),
    );
    expect(sent).toBe('sent');
    const events = await deliveredOnce('requested-ledger.csv');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ channel: 'programmatic', transfers: [{ via: 'fetch', url: 'https://www.dropbox.com/observer/upload' }] });
    await page.close();
  });

  it('a page that replaced File, Blob and FormData and moved its objects off their prototypes still has its fetch(FormData) reported', async () => {
    const page = await open('https://www.dropbox.com/observer/lab');
    const result = await page.evaluate(() =>
      (window as unknown as { lab: { disguisedFetch(n: string): Promise<string> } }).lab.disguisedFetch('disguised-ledger.csv'),
    );
    expect(result).toBe('sent');
    const [event] = await deliveredOnce('disguised-ledger.csv');
    expect(event).toMatchObject({ channel: 'programmatic', file: { name: 'disguised-ledger.csv', category: 'spreadsheet' }, transfers: [{ via: 'fetch' }] });
    await page.close();
  });

  it('XMLHttpRequest.send(Blob) above the policy size is an unnamed upload; beacons and small posts are not', async () => {
    const page = await open('https://github.com/observer/lab');
    await page.evaluate(async () => {
      const lab = (window as unknown as { lab: { smallTraffic(): Promise<unknown>; xhrBlob(n: number): Promise<unknown> } }).lab;
      await lab.smallTraffic();
      await lab.xhrBlob(2 * 1024 * 1024);
    });
    await rig.console.waitForEvents((all) => all.some((e) => e.destination.host === 'github.com' && e.file.anonymous === true));
    await new Promise((r) => setTimeout(r, 1500));
    const fromPage = (await rig.console.events()).filter((e) => e.destination.host === 'github.com');
    expect(fromPage).toHaveLength(1);
    expect(fromPage[0]).toMatchObject({
      channel: 'programmatic',
      file: { name: 'blob', size: 2 * 1024 * 1024, anonymous: true },
      transfers: [{ via: 'xhr', bytes: 2 * 1024 * 1024 }],
    });
    await page.close();
  });

  it('navigator.sendBeacon of a named file', async () => {
    const page = await open('https://chatgpt.com/observer/lab');
    expect(await page.evaluate(() => (window as unknown as { lab: { beacon(n: string): boolean } }).lab.beacon('beacon-report.pdf'))).toBe(true);
    const [event] = await deliveredOnce('beacon-report.pdf');
    expect(event).toMatchObject({ channel: 'programmatic', transfers: [{ via: 'beacon', host: 'chatgpt.com' }], destination: { serviceId: 'chatgpt' } });
    await page.close();
  });

  it('a picked file sent with XMLHttpRequest is one event, with the send recorded on it', async () => {
    const page = await open('https://www.dropbox.com/observer/lab');
    await pickPathsTrusted(page, "document.getElementById('picker')", [files.path('picked-then-xhr.csv')]);
    await expect.poll(async () => (await storedNamed('picked-then-xhr.csv'))[0]?.transfers?.length ?? 0, { timeout: 15_000 }).toBe(1);
    const stored = await storedNamed('picked-then-xhr.csv');
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ channel: 'file_picker', trustedEvent: true, transfers: [{ host: 'www.dropbox.com', via: 'xhr' }] });
    expect(await deliveredOnce('picked-then-xhr.csv')).toHaveLength(1);
    await page.close();
  });

  it('a chunked upload (Blob.slice) of a picked file, and of a file made by script, is one event each', async () => {
    const page = await open('https://www.dropbox.com/observer/lab');
    await pickPathsTrusted(page, "document.getElementById('chunk-picker')", [files.path('picked-chunks.txt')]);
    await page.evaluate(() => (window as unknown as { lab: { chunkedScriptFile(n: string): Promise<unknown> } }).lab.chunkedScriptFile('script-chunks.txt'));
    expect(await deliveredOnce('picked-chunks.txt')).toHaveLength(1);
    expect(await storedNamed('picked-chunks.txt')).toHaveLength(1);
    const made = await deliveredOnce('script-chunks.txt');
    expect(made).toHaveLength(1);
    expect(made[0]).toMatchObject({ channel: 'programmatic', file: { size: 3000 }, transfers: [{ via: 'xhr' }] });
    await page.close();
  });

  it('File System Access: a dropped file read through getAsFileSystemHandle is the drop, once', async () => {
    const page = await open('https://wetransfer.com/observer/lab');
    await dropPaths(page, '#dropzone', [files.path('dropped-handle.txt')]);
    await expect.poll(() => page.evaluate(() => (window as unknown as { __fsFile?: string }).__fsFile)).toBe('dropped-handle.txt');
    const events = await deliveredOnce('dropped-handle.txt');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ channel: 'drag_drop', trustedEvent: true });
    await page.close();
  });
});

describe('Chromium: destinations, rewrites and floods', () => {
  it('a trusted intranet page posting a file to WeTransfer: the receiving host counts, untrusted', async () => {
    const page = await open('https://intranet.acme.example/observer/lab');
    await page.evaluate(() =>
      (window as unknown as { lab: { fetchForm(n: string, u: string): Promise<string> } }).lab.fetchForm(
        'intranet-export.csv',
        'https://wetransfer.com/api/v4/transfers',
      ),
    );
    const [event] = await deliveredOnce('intranet-export.csv');
    expect(event!.destination).toMatchObject({
      serviceId: 'wetransfer',
      host: 'wetransfer.com',
      trusted: false,
      url: 'https://intranet.acme.example/observer/lab',
    });
    expect(event!.transfers).toEqual([expect.objectContaining({ host: 'wetransfer.com', via: 'fetch' })]);
    expect(event!.risk.score).toBeGreaterThan(0);
    await page.close();
  });

  it('a file picked on the trusted intranet and sent to WeTransfer: the pick stays trusted, the send is an upload to WeTransfer', async () => {
    const page = await open('https://intranet.acme.example/observer/lab');
    await page.evaluate(() => ((window as unknown as { uploadUrl: string }).uploadUrl = 'https://wetransfer.com/api/v4/transfers'));
    await pickPathsTrusted(page, "document.getElementById('picker')", [files.path('intranet-pick.csv')]);
    await rig.console.waitForEvents((all) => all.filter((e) => e.file.name === 'intranet-pick.csv').length >= 2);
    const events = await deliveredOnce('intranet-pick.csv');
    expect(events.map((e) => [e.channel, e.destination.serviceId ?? e.destination.host, e.destination.trusted]).sort()).toEqual([
      ['file_picker', 'intranet.acme.example', true],
      ['programmatic', 'wetransfer', false],
    ]);
    expect(new Set(events.map((e) => e.actionId)).size).toBe(1);
    await page.close();
  });

  it('an upload iframe of an untrusted service inside a trusted page takes the frame destination, untrusted', async () => {
    const page = await open('https://intranet.acme.example/observer/lab?frame=wetransfer.com/embed/upload');
    const frame = page.frameLocator('#frame');
    await frame.locator('#frame-picker').waitFor({ state: 'attached' });
    await pickPathsTrusted(page, "document.getElementById('frame').contentDocument?.getElementById('frame-picker') ?? null", [files.path('framed.csv')]).catch(
      async () => {
        // Cross-origin: the frame's document is not reachable from the page; pick through the frame.
        await frame.locator('#frame-picker').setInputFiles(files.path('framed.csv'));
      },
    );
    const [event] = await deliveredOnce('framed.csv');
    expect(event!.destination).toMatchObject({ serviceId: 'wetransfer', trusted: false, url: 'https://intranet.acme.example/observer/lab' });
    expect(event!.risk.score).toBeGreaterThan(0);
    await page.close();
  });

  it('document.open() then a pick: the rewritten document is still observed', async () => {
    const page = await open('https://mail.google.com/observer/lab');
    await page.evaluate(() => (window as unknown as { lab: { rewrite(): void } }).lab.rewrite());
    expect(await page.title()).toBe('Rewritten');
    await pickPathsTrusted(page, "document.getElementById('rewritten-picker')", [files.path('after-rewrite.txt')]);
    const events = await deliveredOnce('after-rewrite.txt');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ channel: 'file_picker', trustedEvent: true, destination: { serviceId: 'gmail' } });
    await page.close();
  });

  it('a page that removes or replaces hooks is recorded on its next event', async () => {
    const page = await open('https://chatgpt.com/observer/lab');
    await page.evaluate(() => (window as unknown as { lab: { tamper(): void } }).lab.tamper());
    await pickPathsTrusted(page, "document.getElementById('picker')", [files.path('after-tamper.csv')]);
    const [event] = await deliveredOnce('after-tamper.csv');
    expect(event!.tamper).toContain('sendBeacon');
    await page.close();
  });

  it('a page flooding made-up drops cannot drown a real pick; the drops over the rate are counted', async () => {
    const page = await open('https://hostile.example.net/observer/lab');
    await page.evaluate(() => (window as unknown as { lab: { flood(n: number): void } }).lab.flood(300));
    await pickPathsTrusted(page, "document.getElementById('picker')", [files.path('real-pick.csv')]);
    const [real] = await deliveredOnce('real-pick.csv');
    expect(real).toMatchObject({ trustedEvent: true, channel: 'file_picker' });
    const worker = await rig.browser.worker();
    await expect
      .poll(async () => (await storedEvents(worker)).filter((e) => e.file.name.startsWith('flood-')).length, { timeout: 20_000 })
      .toBeGreaterThanOrEqual(20);
    await new Promise((r) => setTimeout(r, 3000));
    const flood = (await storedEvents(worker)).filter((e) => e.file.name.startsWith('flood-'));
    // The per-tab burst (20), plus what the bucket regained while the flood was being processed.
    expect(flood.length).toBeLessThan(40);
    for (const e of flood) expect(e.trustedEvent).toBe(false);
    const stats = await worker.evaluate(
      () =>
        new Promise<{ scriptMadeDroppedTotal: number }>((resolve, reject) => {
          const request = indexedDB.open('upwatch');
          request.onerror = () => reject(request.error);
          request.onsuccess = () => {
            const get = request.result.transaction('state').objectStore('state').get('outboxStats');
            get.onsuccess = () => resolve(get.result as { scriptMadeDroppedTotal: number });
          };
        }),
    );
    expect(stats.scriptMadeDroppedTotal).toBe(300 - flood.length);
    await page.close();
  });
});
