/**
 * The built extension in real Firefox ESR (puppeteer-core over WebDriver BiDi), configured through
 * policies.json: picker, drop, shadow root and iframe uploads reach the console.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ElementHandle } from 'puppeteer-core';
import { startFirefoxRig } from '../harness/extension-rig';
import type { FirefoxSession } from '../harness/firefox';
import type { RunningConsole } from '../harness/in-process-console';
import { ALL_HOURS_WORKING } from '../harness/policy-files';
import type { FileEvent } from '../../src/core/schema/event';
import { SAMPLES as FORMATS } from '../harness/format-samples';
import { scratchFiles } from '../harness/scratch-files';

let rig: Awaited<ReturnType<typeof startFirefoxRig>>;
let console_: RunningConsole;
let firefox: FirefoxSession;
const files = scratchFiles({
  'ff-forecast.xlsx': Buffer.from(FORMATS.xlsx!),
  'ff-main.go': 'package main\n',
  'ff-shadow.csv': 'a,b\n',
  'ff-closed.pptx': Buffer.from(FORMATS.pptx!),
  'ff-frame.pdf': Buffer.from(FORMATS.pdf!),
});

beforeAll(async () => {
  rig = await startFirefoxRig({
    policy: (console) => ({
      backendUrl: console.ingestUrl,
      backendToken: console.token,
      userEmail: 'ff@acme.example',
      // Firefox does not check 3rdparty values against a schema: Upwatch rejects these itself, key by key.
      retentionDays: 'thirty',
      backendFormat: 'splunk',
      riskSettings: ALL_HOURS_WORKING,
    }),
  });
  ({ console: console_, browser: firefox } = rig);
});

afterAll(async () => {
  await rig?.close();
  files.remove();
});

async function delivered(name: string): Promise<FileEvent> {
  const events = await console_.waitForEvents((all) => all.some((e) => e.file.name === name), 45_000);
  const matching = events.filter((e) => e.file.name === name);
  expect(matching).toHaveLength(1);
  return matching[0]!;
}

async function upload(handle: ElementHandle<Node> | null, name: string) {
  if (!handle) throw new Error('no file input');
  await (handle as ElementHandle<HTMLInputElement>).uploadFile(files.path(name));
}

describe('Firefox', () => {
  it('file picker on Dropbox reaches the console, with the policy identity (policies.json, bad keys rejected one by one)', async () => {
    const page = await firefox.newPage(firefox.site('www.dropbox.com', '/home'));
    await upload(await page.$('#picker'), 'ff-forecast.xlsx');
    const event = await delivered('ff-forecast.xlsx');
    expect(event).toMatchObject({
      channel: 'file_picker',
      user: { email: 'ff@acme.example' },
      device: { browser: 'Firefox' },
      destination: { serviceId: 'dropbox', category: 'cloud_storage' },
      // Dropbox never used in this profile: first use (+2).
      risk: { score: 2 + 5 + 2, severity: 'critical' },
    });
    // The bad keys in policies.json (retentionDays, backendFormat) did not stop the good ones
    // (backend, identity): Upwatch validates Firefox's 3rdparty values key by key.
    await page.close();
  });

  it('drop on Gmail reaches the console', async () => {
    const page = await firefox.newPage(firefox.site('mail.google.com', '/mail/u/0/'));
    await page.$eval('#dropzone', (zone) => {
      const dt = new DataTransfer();
      dt.items.add(new File(['package main\n'], 'ff-dropped.go', { type: 'text/x-go' }));
      for (const type of ['dragenter', 'dragover', 'drop']) {
        zone.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true, composed: true }));
      }
    });
    const event = await delivered('ff-dropped.go');
    expect(event).toMatchObject({ channel: 'drag_drop', trustedEvent: false, destination: { serviceId: 'gmail' }, risk: { score: 2 + 3 + 3 } });
    await page.close();
  });

  it('inputs in open and closed shadow roots reach the console', async () => {
    const page = await firefox.newPage(firefox.site('wetransfer.com'));
    await upload(await page.$('pierce/#shadow-picker'), 'ff-shadow.csv');
    await page.click('#closed-host');
    await upload((await page.evaluateHandle(() => (window as unknown as { __closedInput: HTMLInputElement }).__closedInput)).asElement(), 'ff-closed.pptx');
    expect((await delivered('ff-shadow.csv')).destination.serviceId).toBe('wetransfer');
    expect((await delivered('ff-closed.pptx')).destination.serviceId).toBe('wetransfer');
    await page.close();
  });

  it('an iframe upload reaches the console with its frame', async () => {
    const page = await firefox.newPage(firefox.site('blog.example.org', '/post/1'));
    const frame = (await (await page.waitForSelector('#third-party'))!.contentFrame())!;
    await frame.waitForSelector('#frame-picker');
    await upload(await frame.$('#frame-picker'), 'ff-frame.pdf');
    const event = await delivered('ff-frame.pdf');
    expect(event.destination).toMatchObject({ serviceId: 'dropbox', host: 'www.dropbox.com' });
    expect(event.destination.frameUrl).toMatch(/^http:\/\/www\.dropbox\.com:\d+\/embed\/chooser$/);
    await page.close();
  });
});
