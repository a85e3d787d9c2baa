/**
 * Delivery in real Chromium: every wire format against a local receiver that speaks it, the
 * answers backends give (500, 429, 413, 401), the service worker terminated mid-request, a
 * browser restarted with a full outbox, and the console down for a stretch and back: every event
 * arrives, and once in the de-duplicating backend.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pickOnDropbox } from '../harness/actions';
import { launchChromium, stopServiceWorker, type ChromiumSession } from '../harness/chromium';
import { startConsole } from '../harness/in-process-console';
import { SAMPLES as FORMATS } from '../harness/format-samples';
import { CHROME_EXTENSION_ID } from '../harness/paths';
import { ALL_HOURS_WORKING, writeChromiumPolicy, type PolicyFile } from '../harness/policy-files';
import { RECEIVER_PATHS, startReceiver, type Receiver } from '../harness/receiver';
import { scratchFiles } from '../harness/scratch-files';
import { storedRecords } from '../harness/stored-events';
import type { OutboxEntry } from '../../src/background/db';

const TOKEN = 'user:receiver-secret';
let receiver: Receiver;
let policy: PolicyFile;
let browser: ChromiumSession;
const profileDir = mkdtempSync(join(tmpdir(), 'upwatch-delivery-profile-'));
const NAMES = Array.from({ length: 20 }, (_, i) => `d${i}.pdf`);
const files = scratchFiles(Object.fromEntries(NAMES.map((n) => [n, Buffer.from(FORMATS.pdf!)])));

const policyFor = (backendFormat: string, backendUrl: string) => ({ backendUrl, backendToken: TOKEN, backendFormat, riskSettings: ALL_HOURS_WORKING });

beforeAll(async () => {
  receiver = await startReceiver(TOKEN);
  policy = writeChromiumPolicy(`upwatch-e2e-delivery-${process.pid}`, policyFor('native', `${receiver.url}${RECEIVER_PATHS.native}`));
  browser = await launchChromium({ profileDir });
});

afterAll(async () => {
  await browser?.close();
  policy?.remove();
  await receiver?.close();
  files.remove();
  rmSync(profileDir, { recursive: true, force: true });
});

const upload = (...names: string[]) =>
  pickOnDropbox(
    browser.context,
    names.map((n) => files.path(n)),
  );

const deliveredNames = () => new Set([...receiver.names.entries()].filter(([id]) => receiver.deliveries.has(id)).map(([, name]) => name));
const answered = (status: number) => receiver.requests.filter((r) => r.status === status).length;

/** What the receiver was asked and what the worker still holds: printed when an event does not arrive. */
async function deliveryReport(): Promise<string> {
  const names = (body: string) => [...new Set(body.match(/d\d+\.pdf/g) ?? [])].join(' ') || '(no events)';
  const requests = receiver.requests.map((r) => `  ${r.status} ${r.path} ${names(r.body)}`);
  const pending = receiver.pending().map((a) => `  ${a.status}${a.match ? ` for ${a.match}` : ''}`);
  let outbox: string[];
  try {
    const entries = await storedRecords<OutboxEntry>(await browser.worker(), 'outbox');
    outbox = entries.map(
      (e) => `  ${e.event.file.name}: attempts ${e.attempts}, next ${new Date(e.nextAttemptAt).toISOString()}, last error ${e.lastError ?? '-'}`,
    );
  } catch (err) {
    outbox = [`  (unreadable: ${String(err)})`];
  }
  const line = await deliveryLine().catch((err: unknown) => `(unreadable: ${String(err)})`);
  return [
    `now ${new Date().toISOString()}`,
    'requests:',
    ...requests,
    'scripted answers not taken:',
    ...pending,
    'outbox:',
    ...outbox,
    `options page: ${line}`,
  ].join('\n');
}

async function waitDelivered(name: string, timeout = 30_000): Promise<void> {
  try {
    await expect.poll(() => deliveredNames().has(name), { timeout }).toBe(true);
  } catch (err) {
    throw new Error(`${name} was not delivered within ${timeout} ms\n${await deliveryReport()}`, { cause: err });
  }
}
const deliveredOnce = (name: string) => [...receiver.names.entries()].filter(([, n]) => n === name).length === 1;

/** The options page: the delivery line, and the backend URL in force. */
async function optionsPage(): Promise<{ delivery: string; backendUrl: string }> {
  const page = await browser.context.newPage();
  await page.goto(`chrome-extension://${CHROME_EXTENSION_ID}/options.html`);
  await page.waitForSelector('body[data-ready="true"]');
  const delivery = (await page.locator('#delivery').textContent()) ?? '';
  const backendUrl = (await page.locator('tr[data-key="backendUrl"] td.value').textContent()) ?? '';
  await page.close();
  return { delivery, backendUrl };
}
const deliveryLine = async () => (await optionsPage()).delivery;

/** Rewrites the managed policy and waits until the extension has it in force. */
async function usePolicy(format: string, url: string, extra: Record<string, unknown> = {}): Promise<void> {
  policy.update({ ...policyFor(format, url), ...extra });
  await expect
    .poll(optionsPage, { timeout: 30_000 })
    .toMatchObject({ delivery: expect.stringContaining(`Delivery (${format})`), backendUrl: JSON.stringify(url) });
}

describe('Chromium: delivery', () => {
  it.each([
    ['splunk_hec', '', RECEIVER_PATHS.splunk, 'd0.pdf'],
    ['xsoar', RECEIVER_PATHS.xsoar, RECEIVER_PATHS.xsoar, 'd1.pdf'],
    ['elastic', '/es/upwatch', RECEIVER_PATHS.elastic, 'd2.pdf'],
    ['ocsf', RECEIVER_PATHS.ocsf, RECEIVER_PATHS.ocsf, 'd3.pdf'],
    ['native', RECEIVER_PATHS.native, RECEIVER_PATHS.native, 'd4.pdf'],
  ])('speaks %s', async (format, urlPath, requestPath, name) => {
    await usePolicy(format, `${receiver.url}${urlPath}`);
    await upload(name);
    await expect.poll(deliveredNames, { timeout: 30_000 }).toContain(name);
    const request = receiver.requests.find((r) => r.path === requestPath && r.status === 200 && r.body.includes(name))!;
    expect(request).toBeDefined();
    // Compressed where the format allows it (an XSOAR webhook takes plain JSON).
    expect(request.headers['content-encoding']).toBe(format === 'xsoar' ? undefined : 'gzip');
  });

  it('retries 500 and 429 (Retry-After), splits on 413, and keeps 401 aside as dead letters', async () => {
    await usePolicy('native', `${receiver.url}${RECEIVER_PATHS.native}`);
    // Each refusal answers the request carrying its file, whatever the worker sends first (a retry, a health report).
    receiver.queue({ status: 500, headers: { 'Retry-After': '1' }, match: 'd5.pdf' });
    await upload('d5.pdf');
    await expect.poll(() => answered(500), { timeout: 30_000 }).toBe(1);
    receiver.queue({ status: 429, headers: { 'Retry-After': '1' }, match: 'd6.pdf' });
    await upload('d6.pdf'); // d6, with d5 if its retry has not gone yet: 429
    await expect.poll(() => answered(429), { timeout: 30_000 }).toBe(1);
    receiver.queue({ status: 413, match: 'd8.pdf' });
    await upload('d7.pdf', 'd8.pdf'); // queued together, so never alone: 413, then halves
    for (const name of ['d5.pdf', 'd6.pdf', 'd7.pdf', 'd8.pdf']) {
      await waitDelivered(name);
      expect(deliveredOnce(name)).toBe(true);
    }
    expect(receiver.requests.some((r) => r.status === 413)).toBe(true);

    receiver.queue({ status: 401, match: 'd9.pdf' });
    await upload('d9.pdf');
    await expect.poll(deliveryLine, { timeout: 30_000 }).toContain('1 refused by the backend (kept as dead letters)');
    expect(deliveredNames().has('d9.pdf')).toBe(false);
    // The admin fixes the backend and resends from the options page.
    const page = await browser.context.newPage();
    await page.goto(`chrome-extension://${CHROME_EXTENSION_ID}/options.html`);
    await page.waitForSelector('body[data-ready="true"]');
    await page.click('#requeue');
    await waitDelivered('d9.pdf');
    await expect.poll(() => page.locator('#requeue').isHidden()).toBe(true);
    await page.close();
  });

  it('survives the service worker terminated mid-request: the event is sent again, and kept once', async () => {
    receiver.queue({ status: 200, hold: true, match: 'd10.pdf' });
    await upload('d10.pdf');
    await expect.poll(() => receiver.held(), { timeout: 30_000 }).toBe(1);
    await stopServiceWorker(browser);
    receiver.release(); // the answer reaches a worker that is gone
    // Waking the worker (the options page messages it) flushes the outbox again.
    await deliveryLine();
    await waitDelivered('d10.pdf');
    expect(deliveredOnce('d10.pdf')).toBe(true);
  });

  it('delivers a full outbox after a browser restart', async () => {
    // The backend is down (503) when the files are uploaded: they wait in the outbox.
    receiver.queue({ status: 503, match: 'd11.pdf' });
    await upload('d11.pdf', 'd12.pdf', 'd13.pdf');
    await expect.poll(() => receiver.requests.filter((r) => r.status === 503).length, { timeout: 30_000 }).toBe(1);
    await expect.poll(deliveryLine, { timeout: 30_000 }).toMatch(/3 event\(s\) waiting to be sent/);
    await browser.close();
    browser = await launchChromium({ profileDir });
    await deliveryLine();
    for (const name of ['d11.pdf', 'd12.pdf', 'd13.pdf']) {
      await waitDelivered(name, 60_000);
      expect(deliveredOnce(name)).toBe(true);
    }
  });

  it('the console down for a stretch, then back: every event arrives once', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'upwatch-delivery-console-'));
    let console_ = await startConsole({ dataDir });
    const port = Number(new URL(console_.url).port);
    try {
      await usePolicy('native', console_.ingestUrl, { backendToken: console_.token });
      const credentials = { token: console_.token, adminKey: console_.adminKey };
      await console_.close();
      await upload('d14.pdf', 'd15.pdf');
      await upload('d16.pdf');
      await expect.poll(deliveryLine, { timeout: 30_000 }).toMatch(/waiting to be sent \(backend unreachable/);
      console_ = await startConsole({ dataDir, port, credentials });
      // An admin touching the policy (or the next alarm) flushes without waiting for the backoff.
      policy.update({ ...policyFor('native', console_.ingestUrl), backendToken: console_.token, showEventList: true });
      const events = await console_.waitForEvents((all) => ['d14.pdf', 'd15.pdf', 'd16.pdf'].every((n) => all.some((e) => e.file.name === n)), 60_000);
      for (const n of ['d14.pdf', 'd15.pdf', 'd16.pdf']) expect(events.filter((e) => e.file.name === n)).toHaveLength(1);
    } finally {
      await console_.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
