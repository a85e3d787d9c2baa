/**
 * Observer v2's frames (issue 13) in real Chromium: subframes get no ISOLATED world at
 * document_start; their MAIN world is the front line until the observer is injected on demand
 * (src/content/observer-frames.ts, main-world/front-line.ts). A pick in a cross-origin frame before
 * and after its observer exists is one trusted event; a frame's page forging the late handshake or
 * the requests for an observer gets no bridge, makes no trusted event and does not blind the frame.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ElementHandle, Frame, Page } from 'playwright-core';
import type { ChromiumSession } from '../harness/chromium';
import { startChromiumRig, type Rig } from '../harness/extension-rig';
import { dropPaths } from '../harness/actions';
import { deliveringTo } from '../harness/policy-files';
import { scratchFiles } from '../harness/scratch-files';
import { storedEvents } from '../harness/stored-events';
import type { FileEvent } from '../../src/core/schema/event';

let rig: Rig<ChromiumSession>;
const files = scratchFiles({
  'before-observer.csv': 'id,iban\n1,DE00\n',
  'after-observer.csv': 'id,iban\n2,DE01\n',
  'after-forgery.csv': 'id,iban\n3,DE02\n',
  'warm-up.csv': 'id\n0\n',
  'first-folder/first-drop.txt': 'one\n',
  'second-folder/notes/second-drop.md': '# two\n',
  'second-folder/second-drop.csv': 'id\n2\n',
  'opens-observer.csv': 'id\n4\n',
  'closed-root.csv': 'id,iban\n5,DE05\n',
});

beforeAll(async () => {
  rig = await startChromiumRig(`upwatch-observer-frames-${process.pid}`, {
    policy: (c) => deliveringTo(c, { userEmail: 'ana@acme.example', trustedDomains: ['intranet.acme.example'] }),
  });
});

afterAll(async () => {
  await rig?.close();
  files.remove();
});

async function deliveredOnce(name: string): Promise<FileEvent[]> {
  await rig.console.waitForEvents((all) => all.some((e) => e.file.name === name));
  await new Promise((r) => setTimeout(r, 1500));
  return (await rig.console.events()).filter((e) => e.file.name === name);
}

/** The WeTransfer lab framed in the intranet lab; `loading`: the top page never reaches `load`. */
async function framedLab(loading: boolean): Promise<{ page: Page; frame: Frame }> {
  const page = await rig.browser.context.newPage();
  await page.goto(`https://intranet.acme.example/observer/lab?frame=wetransfer.com/observer/lab${loading ? '&loading' : ''}`, {
    waitUntil: 'domcontentloaded',
  });
  const handle = await page.waitForSelector('#frame');
  const frame = (await handle.contentFrame())!;
  await frame.waitForFunction(() => typeof (window as unknown as { lab?: unknown }).lab === 'object');
  return { page, frame };
}

const picked = (frame: Frame) => frame.evaluate(() => (window as unknown as { __picked: { trusted: boolean; names: string[] }[] }).__picked);

describe('Chromium: a cross-origin subframe, observed on demand', () => {
  it('a pick before the frame has its observer, then one after: one trusted event each, the page gets both', async () => {
    // Chromium 156 answered the extension's first storage.managed read (its configuration) only once
    // a page had finished loading (seen while building this): one page loads first, so that what the
    // never-loading page below tests is the frame.
    const warm = await rig.browser.context.newPage();
    await warm.goto('https://intranet.acme.example/observer/lab');
    await warm.setInputFiles('#picker', files.path('warm-up.csv'));
    await deliveredOnce('warm-up.csv');
    await warm.close();
    // The top page never loads: no sweep of subframes after its load; the frame asks for its observer when the pick comes.
    const { page, frame } = await framedLab(true);
    expect(await page.evaluate(() => document.readyState)).not.toBe('complete');
    await frame.setInputFiles('#picker', files.path('before-observer.csv'));
    const [before] = await deliveredOnce('before-observer.csv');
    expect(before).toMatchObject({ channel: 'file_picker', trustedEvent: true, destination: { serviceId: 'wetransfer', trusted: false } });
    expect(before!.bridged).toBeUndefined();
    expect(await deliveredOnce('before-observer.csv')).toHaveLength(1);
    // The page's listener got the files (given back once the observer took them).
    await expect.poll(() => picked(frame)).toEqual([expect.objectContaining({ names: ['before-observer.csv'] })]);

    await frame.setInputFiles('#picker', files.path('after-observer.csv'));
    const after = await deliveredOnce('after-observer.csv');
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ channel: 'file_picker', trustedEvent: true, destination: { serviceId: 'wetransfer', trusted: false } });
    // Sent by the page's XHR: recorded on the same event (kept by the extension; the console got it before).
    await expect
      .poll(async () => (await storedEvents(await rig.browser.worker())).filter((e) => e.file.name === 'after-observer.csv').map((e) => e.transfers?.length), {
        timeout: 15_000,
      })
      .toEqual([1]);
    await expect.poll(async () => (await picked(frame)).map((p) => p.names[0])).toEqual(['before-observer.csv', 'after-observer.csv']);
    // The requests for an observer never reached the top page.
    expect(await page.evaluate(() => (window as unknown as { __messages: unknown[] }).__messages)).toEqual([]);
    await page.close();
  });

  it('a folder dropped in a frame whose observer is there reaches the page as a folder; its files are reported with their paths', async () => {
    const { page, frame } = await framedLab(false);
    const zone = page.frameLocator('#frame').locator('#dropzone');
    // The first drop may come before the frame's observer (or before it knows the frame's plan): it is
    // then held and given back as the files inside. Once it is there and nothing is held, the page
    // gets the drop itself.
    await dropPaths(page, zone, [files.path('first-folder')]);
    expect(await deliveredOnce('first-drop.txt')).toHaveLength(1);
    await dropPaths(page, zone, [files.path('second-folder')]);
    await rig.console.waitForEvents((all) => all.filter((e) => e.file.name.startsWith('second-drop')).length === 2);
    const second = (await rig.console.events()).filter((e) => e.file.name.startsWith('second-drop'));
    expect(second.map((e) => e.file.relativePath).sort()).toEqual(['second-folder/notes/second-drop.md', 'second-folder/second-drop.csv']);
    expect(new Set(second.map((e) => e.actionId)).size).toBe(1);
    for (const e of second) expect(e).toMatchObject({ channel: 'drag_drop', trustedEvent: true, destination: { serviceId: 'wetransfer', trusted: false } });
    const dropped = await frame.evaluate(() => (window as unknown as { __dropped: { trusted: boolean; items: string[] }[] }).__dropped);
    expect(dropped.at(-1)).toEqual({ trusted: true, items: ['folder'] });
    await page.close();
  });

  it('a pick in a closed shadow root the page made before the frame had its observer: one event', async () => {
    const { page, frame } = await framedLab(false);
    // The root was made while the frame loaded; its observer comes later (here with this pick).
    await frame.setInputFiles('#picker', files.path('opens-observer.csv'));
    expect(await deliveredOnce('opens-observer.csv')).toHaveLength(1);
    // The observer sees the person reach into the root; the front line watches it already.
    await frame.locator('#closed-host').click();
    const input = (await frame.evaluateHandle(
      () => (window as unknown as { __closedInput: HTMLInputElement }).__closedInput,
    )) as ElementHandle<HTMLInputElement>;
    await input.setInputFiles(files.path('closed-root.csv'));
    const events = await deliveredOnce('closed-root.csv');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ channel: 'file_picker', destination: { serviceId: 'wetransfer' } });
    await page.close();
  });

  it("a frame's page forging the handshake and the requests: no bridge, no trusted event, the frame still observed", async () => {
    const { page, frame } = await framedLab(false);
    const forged = await frame.evaluate(() => (window as unknown as { lab: { forge(): { gotD: boolean } } }).lab.forge());
    // It may learn D (the MAIN world answers whoever asks), never what D's closed root holds.
    expect(forged.gotD).toBe(true);
    await frame.evaluate(() => (window as unknown as { lab: { madeUpPick(id: string, n: string): void } }).lab.madeUpPick('chunk-picker', 'forged-pick.csv'));
    const [made] = await deliveredOnce('forged-pick.csv');
    expect(made).toMatchObject({ channel: 'file_picker', trustedEvent: false });
    await frame.setInputFiles('#picker', files.path('after-forgery.csv'));
    const real = await deliveredOnce('after-forgery.csv');
    expect(real).toHaveLength(1);
    expect(real[0]).toMatchObject({ channel: 'file_picker', trustedEvent: true, destination: { serviceId: 'wetransfer' } });
    expect(await frame.evaluate(() => (window as unknown as { __forgedBridge?: boolean }).__forgedBridge)).toBeUndefined();
    expect(await page.evaluate(() => (window as unknown as { __messages: unknown[] }).__messages)).toEqual([]);
    await page.close();
  });
});
