/**
 * Observer v2's frames (issue 13) in real Firefox ESR: the same as observer-frames.test.ts. Here the
 * top frame names the frame that asks (runtime.getFrameId), and the bridge crosses Xray wrappers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ElementHandle, Frame, Page } from 'puppeteer-core';
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
  'ff-before-observer.csv': 'id,iban\n1,DE00\n',
  'ff-after-observer.csv': 'id,iban\n2,DE01\n',
  'ff-after-forgery.csv': 'id,iban\n3,DE02\n',
  'ff-opens-observer.csv': 'id\n4\n',
  'ff-closed-root.csv': 'id,iban\n5,DE05\n',
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

async function deliveredOnce(name: string): Promise<FileEvent[]> {
  await console_.waitForEvents((all) => all.some((e) => e.file.name === name), 45_000);
  await new Promise((r) => setTimeout(r, 1500));
  return (await console_.events()).filter((e) => e.file.name === name);
}

async function pick(frame: Frame, name: string) {
  const input = (await frame.$('#picker')) as ElementHandle<HTMLInputElement> | null;
  if (!input) throw new Error('no file input');
  await input.uploadFile(files.path(name));
}

/** The WeTransfer lab framed in the intranet lab; `loading`: the top page never reaches `load`. */
async function framedLab(loading: boolean): Promise<{ page: Page; frame: Frame }> {
  const page = await firefox.browser.newPage();
  await page.goto(firefox.site('intranet.acme.example', `/observer/lab?frame=wetransfer.com/observer/lab${loading ? '&loading' : ''}`), {
    waitUntil: 'domcontentloaded',
  });
  const frame = (await (await page.waitForSelector('#frame'))!.contentFrame())!;
  await frame.waitForFunction(() => typeof (window as unknown as { lab?: unknown }).lab === 'object');
  return { page, frame };
}

const picked = (frame: Frame) =>
  frame.evaluate(() => (window as unknown as { __picked: { trusted: boolean; names: string[] }[] }).__picked.map((p) => p.names[0]));
const topMessages = (page: Page) => page.evaluate(() => (window as unknown as { __messages: unknown[] }).__messages);

describe('Firefox: a cross-origin subframe, observed on demand', () => {
  it('a pick before the frame has its observer, then one after: one trusted event each, the page gets both', async () => {
    const { page, frame } = await framedLab(true);
    expect(await page.evaluate(() => document.readyState)).not.toBe('complete');
    await pick(frame, 'ff-before-observer.csv');
    const before = await deliveredOnce('ff-before-observer.csv');
    expect(before).toHaveLength(1);
    expect(before[0]).toMatchObject({ channel: 'file_picker', trustedEvent: true, destination: { serviceId: 'wetransfer', trusted: false } });
    await expect.poll(() => picked(frame)).toEqual(['ff-before-observer.csv']);

    await pick(frame, 'ff-after-observer.csv');
    const after = await deliveredOnce('ff-after-observer.csv');
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ channel: 'file_picker', trustedEvent: true, destination: { serviceId: 'wetransfer', trusted: false } });
    await expect.poll(() => picked(frame)).toEqual(['ff-before-observer.csv', 'ff-after-observer.csv']);
    expect(await topMessages(page)).toEqual([]);
    await page.close();
  });

  it('a pick in a closed shadow root the page made before the frame had its observer: one event', async () => {
    const { page, frame } = await framedLab(false);
    // The root was made while the frame loaded; its observer comes later (here with this pick).
    await pick(frame, 'ff-opens-observer.csv');
    expect(await deliveredOnce('ff-opens-observer.csv')).toHaveLength(1);
    // The observer sees the person reach into the root; the front line watches it already.
    await (await frame.$('#closed-host'))!.click();
    const input = (await frame.evaluateHandle(
      () => (window as unknown as { __closedInput: HTMLInputElement }).__closedInput,
    )) as ElementHandle<HTMLInputElement>;
    await input.uploadFile(files.path('ff-closed-root.csv'));
    const events = await deliveredOnce('ff-closed-root.csv');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ channel: 'file_picker', destination: { serviceId: 'wetransfer' } });
    await page.close();
  });

  it("a frame's page forging the handshake and the requests: no bridge, no trusted event, the frame still observed", async () => {
    const { page, frame } = await framedLab(false);
    const forged = await frame.evaluate(() => (window as unknown as { lab: { forge(): { gotD: boolean } } }).lab.forge());
    expect(forged.gotD).toBe(true);
    await frame.evaluate(() =>
      (window as unknown as { lab: { madeUpPick(id: string, n: string): void } }).lab.madeUpPick('chunk-picker', 'ff-forged-pick.csv'),
    );
    const [made] = await deliveredOnce('ff-forged-pick.csv');
    expect(made).toMatchObject({ channel: 'file_picker', trustedEvent: false });
    await pick(frame, 'ff-after-forgery.csv');
    const real = await deliveredOnce('ff-after-forgery.csv');
    expect(real).toHaveLength(1);
    expect(real[0]).toMatchObject({ channel: 'file_picker', trustedEvent: true, destination: { serviceId: 'wetransfer' } });
    expect(await frame.evaluate(() => (window as unknown as { __forgedBridge?: boolean }).__forgedBridge)).toBeUndefined();
    expect(await topMessages(page)).toEqual([]);
    await page.close();
  });
});
