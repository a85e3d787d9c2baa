/**
 * Observer v2 (issue 13) in real Firefox ESR (puppeteer-core over WebDriver BiDi): the MAIN-world
 * hooks and the bridge in Firefox's Xray world. Firefox has no File System Access API, so there
 * is no fs_access case here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ElementHandle, Page } from 'puppeteer-core';
import { startFirefoxRig } from '../harness/extension-rig';
import type { FirefoxSession } from '../harness/firefox';
import type { RunningConsole } from '../harness/in-process-console';
import { deliveringTo } from '../harness/policy-files';
import { scratchFiles } from '../harness/scratch-files';
import type { FileEvent } from '../../src/core/schema/event';

let rig: Awaited<ReturnType<typeof startFirefoxRig>>;
let console_: RunningConsole;
let firefox: FirefoxSession;
const files = scratchFiles({
  'ff-detached.csv': 'id,name\n1,Ana\n',
  'ff-picked-then-xhr.csv': 'id,salary\n1,91000\n',
  'ff-chunks.txt': 'chunk '.repeat(2000),
  'ff-after-rewrite.txt': 'picked after document.open\n',
  'ff-framed.csv': 'a,b\n',
  'ff-real-pick.csv': 'real,pick\n',
  'ff-after-tamper.csv': 'a,b\n',
});

beforeAll(async () => {
  rig = await startFirefoxRig({
    policy: (c) => deliveringTo(c, { userEmail: 'ff@acme.example', trustedDomains: ['intranet.acme.example'] }),
  });
  ({ console: console_, browser: firefox } = rig);
});

afterAll(async () => {
  await rig?.close();
  files.remove();
});

type Lab = Record<string, (...args: unknown[]) => unknown>;
const lab = (page: Page, method: string, ...args: unknown[]) => page.evaluate((m, a) => (window as unknown as { lab: Lab }).lab[m]!(...a), method, args);

async function deliveredOnce(name: string): Promise<FileEvent[]> {
  await console_.waitForEvents((all) => all.some((e) => e.file.name === name), 45_000);
  await new Promise((r) => setTimeout(r, 1500));
  return (await console_.events()).filter((e) => e.file.name === name);
}

async function upload(handle: ElementHandle<Node> | null | undefined, name: string) {
  if (!handle) throw new Error('no file input');
  await (handle as ElementHandle<HTMLInputElement>).uploadFile(files.path(name));
}

describe('Firefox: ways in without a DOM event of their own', () => {
  it('an input created by script, clicked and never attached', async () => {
    const page = await firefox.newPage(firefox.site('www.dropbox.com', '/observer/lab'));
    await lab(page, 'detached');
    await upload((await page.evaluateHandle(() => (window as unknown as { __detached: HTMLInputElement }).__detached)).asElement(), 'ff-detached.csv');
    const events = await deliveredOnce('ff-detached.csv');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ channel: 'file_picker', destination: { serviceId: 'dropbox' } });
    await page.close();
  });

  it('fetch(FormData), XHR of a large Blob and sendBeacon; small posts and beacons make no event', async () => {
    const page = await firefox.newPage(firefox.site('github.com', '/observer/lab'));
    await lab(page, 'smallTraffic');
    await lab(page, 'fetchForm', 'ff-fetched.csv');
    await lab(page, 'xhrBlob', 2 * 1024 * 1024);
    await lab(page, 'beacon', 'ff-beacon.pdf');
    const [fetched] = await deliveredOnce('ff-fetched.csv');
    expect(fetched).toMatchObject({ channel: 'programmatic', trustedEvent: false, bridged: true, transfers: [{ via: 'fetch', host: 'github.com' }] });
    const [beacon] = await deliveredOnce('ff-beacon.pdf');
    expect(beacon).toMatchObject({ channel: 'programmatic', transfers: [{ via: 'beacon' }] });
    const fromPage = (await console_.events()).filter((e) => e.destination.host === 'github.com');
    expect(fromPage.map((e) => e.file.name).sort()).toEqual(['blob', 'ff-beacon.pdf', 'ff-fetched.csv']);
    expect(fromPage.find((e) => e.file.name === 'blob')).toMatchObject({ file: { anonymous: true, size: 2 * 1024 * 1024 }, transfers: [{ via: 'xhr' }] });
    await page.close();
  });

  it('fetch of a Request carrying the FormData (ky, axios), through a clone', async () => {
    const page = await firefox.newPage(firefox.site('github.com', '/observer/lab'));
    expect(await lab(page, 'requestFetch', 'ff-requested.csv')).toBe('sent');
    const events = await deliveredOnce('ff-requested.csv');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ channel: 'programmatic', transfers: [{ via: 'fetch', host: 'github.com' }] });
    await page.close();
  });

  it('a page that replaced File, Blob and FormData and moved its objects off their prototypes still has its fetch(FormData) reported', async () => {
    const page = await firefox.newPage(firefox.site('github.com', '/observer/lab'));
    expect(await lab(page, 'disguisedFetch', 'ff-disguised.csv')).toBe('sent');
    const [event] = await deliveredOnce('ff-disguised.csv');
    expect(event).toMatchObject({
      channel: 'programmatic',
      file: { name: 'ff-disguised.csv', category: 'spreadsheet' },
      transfers: [{ via: 'fetch', host: 'github.com' }],
    });
    await page.close();
  });

  it('a picked file sent with XMLHttpRequest is one event; chunked uploads are one event each', async () => {
    const page = await firefox.newPage(firefox.site('www.dropbox.com', '/observer/lab'));
    await upload(await page.$('#picker'), 'ff-picked-then-xhr.csv');
    await upload(await page.$('#chunk-picker'), 'ff-chunks.txt');
    await lab(page, 'chunkedScriptFile', 'ff-script-chunks.txt');
    expect(await deliveredOnce('ff-picked-then-xhr.csv')).toHaveLength(1);
    expect(await deliveredOnce('ff-chunks.txt')).toHaveLength(1);
    const made = await deliveredOnce('ff-script-chunks.txt');
    expect(made).toHaveLength(1);
    expect(made[0]).toMatchObject({ channel: 'programmatic', file: { size: 3000 } });
    await page.close();
  });
});

describe('Firefox: destinations, rewrites and floods', () => {
  it('a trusted intranet page posting a file to WeTransfer, and a WeTransfer frame in it: untrusted', async () => {
    const page = await firefox.newPage(firefox.site('intranet.acme.example', `/observer/lab?frame=wetransfer.com/embed/upload`));
    await lab(page, 'fetchForm', 'ff-intranet-export.csv', firefox.site('wetransfer.com', '/api/v4/transfers'));
    const [posted] = await deliveredOnce('ff-intranet-export.csv');
    expect(posted!.destination).toMatchObject({ serviceId: 'wetransfer', host: 'wetransfer.com', trusted: false });
    const frame = (await (await page.waitForSelector('#frame'))!.contentFrame())!;
    await frame.waitForSelector('#frame-picker');
    await upload(await frame.$('#frame-picker'), 'ff-framed.csv');
    const [framed] = await deliveredOnce('ff-framed.csv');
    expect(framed!.destination).toMatchObject({ serviceId: 'wetransfer', trusted: false });
    expect(framed!.risk.score).toBeGreaterThan(0);
    await page.close();
  });

  it('document.open() then a pick', async () => {
    const page = await firefox.newPage(firefox.site('mail.google.com', '/observer/lab'));
    await lab(page, 'rewrite');
    await upload(await page.$('#rewritten-picker'), 'ff-after-rewrite.txt');
    const events = await deliveredOnce('ff-after-rewrite.txt');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ channel: 'file_picker', destination: { serviceId: 'gmail' } });
    await page.close();
  });

  it('a page that removes or replaces hooks is recorded on its next event', async () => {
    const page = await firefox.newPage(firefox.site('chatgpt.com', '/observer/lab'));
    await lab(page, 'tamper');
    await upload(await page.$('#picker'), 'ff-after-tamper.csv');
    const [event] = await deliveredOnce('ff-after-tamper.csv');
    expect(event!.tamper).toContain('sendBeacon');
    await page.close();
  });

  it('a page flooding made-up drops cannot drown a real pick', async () => {
    const page = await firefox.newPage(firefox.site('hostile.example.net', '/observer/lab'));
    await lab(page, 'flood', 300);
    await upload(await page.$('#picker'), 'ff-real-pick.csv');
    expect(await deliveredOnce('ff-real-pick.csv')).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 3000));
    const flood = (await console_.events()).filter((e) => e.file.name.startsWith('flood-'));
    expect(flood.length).toBeGreaterThanOrEqual(20);
    expect(flood.length).toBeLessThan(40);
    await page.close();
  });
});
