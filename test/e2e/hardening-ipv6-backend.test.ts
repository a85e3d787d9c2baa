/**
 * Issue 15, item 11, in real Chromium: a collector listening on the IPv6 loopback only is reached
 * through http://localhost:<port>, which the extension's CSP allows; http://[::1]:<port>, which
 * Chromium's CSP cannot allow, is refused up front (a rejected policy value; the outbox's URL check
 * says to use http://localhost, see test/unit/core/backend-url.test.ts) while events keep going to
 * the last good backend, and no extension page logs an invalid CSP source.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pickPathsTrusted } from '../harness/actions';
import { launchChromium, type ChromiumSession } from '../harness/chromium';
import { SAMPLES } from '../harness/format-samples';
import { CHROME_EXTENSION_ID } from '../harness/paths';
import { ALL_HOURS_WORKING, writeChromiumPolicy, type PolicyFile } from '../harness/policy-files';
import { scratchFiles } from '../harness/scratch-files';
import { storedEvents } from '../harness/stored-events';

const TOKEN = 'ipv6-collector-secret';
const files = scratchFiles({ 'v6-a.pdf': Buffer.from(SAMPLES.pdf!), 'v6-b.pdf': Buffer.from(SAMPLES.pdf!) });
const received = new Set<string>();
let server: Server;
let port: number;
let policy: PolicyFile;
let browser: ChromiumSession;
const cspErrors: string[] = [];

beforeAll(async () => {
  // A native collector bound to ::1 only: nothing answers on 127.0.0.1.
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.headers.authorization !== `Bearer ${TOKEN}`) return void res.writeHead(401).end();
      const raw = Buffer.concat(chunks);
      const body = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
      for (const event of (JSON.parse(body.toString('utf8')) as { events: { file: { name: string } }[] }).events) received.add(event.file.name);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '::1', resolve));
  port = (server.address() as AddressInfo).port;
  policy = writeChromiumPolicy(`upwatch-e2e-ipv6-${process.pid}`, {
    backendUrl: `http://localhost:${port}/events`,
    backendToken: TOKEN,
    backendFormat: 'native',
    riskSettings: ALL_HOURS_WORKING,
  });
  browser = await launchChromium();
  browser.context.on('console', (m) => {
    if (/invalid source/i.test(m.text())) cspErrors.push(m.text());
  });
});

afterAll(async () => {
  await browser?.close();
  policy?.remove();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  files.remove();
});

async function upload(name: string): Promise<void> {
  const page = await browser.context.newPage();
  await page.goto('https://www.dropbox.com/home');
  await pickPathsTrusted(page, "document.getElementById('picker')", [files.path(name)]);
  // The page stays open until the event is stored: a page closed at once can lose it (issue 15,
  // item 5), which is not what this file is about.
  const worker = await browser.worker();
  await expect.poll(async () => (await storedEvents(worker)).some((e) => e.file.name === name), { timeout: 60_000 }).toBe(true);
  await page.close();
}

/** The options page: the delivery line, and the backend URL in force. */
async function optionsPage(): Promise<{ delivery: string; backendUrl: string; errors: string }> {
  const page = await browser.context.newPage();
  await page.goto(`chrome-extension://${CHROME_EXTENSION_ID}/options.html`);
  await page.waitForSelector('body[data-ready="true"]');
  const delivery = (await page.locator('#delivery').textContent()) ?? '';
  const backendUrl = (await page.locator('tr[data-key="backendUrl"] td.value').textContent()) ?? '';
  const errors = (await page.locator('#errors').textContent()) ?? '';
  await page.close();
  return { delivery, backendUrl, errors };
}
describe('Chromium: a backend on the IPv6 loopback', () => {
  it('is reached through http://localhost', async () => {
    await upload('v6-a.pdf');
    await expect.poll(() => [...received], { timeout: 60_000 }).toContain('v6-a.pdf');
  });

  it('named as http://[::1] is rejected with a visible error, and events keep going to the last good backend', async () => {
    policy.update({ backendUrl: `http://[::1]:${port}/events`, backendToken: TOKEN, backendFormat: 'native', riskSettings: ALL_HOURS_WORKING });
    await expect.poll(optionsPage, { timeout: 60_000 }).toMatchObject({ errors: expect.stringMatching(/backendUrl \(managed\)/) });
    expect((await optionsPage()).backendUrl).toBe(JSON.stringify(`http://localhost:${port}/events`));
    await upload('v6-b.pdf');
    await expect.poll(() => [...received], { timeout: 60_000 }).toContain('v6-b.pdf');
  });

  it('logs no invalid CSP source on any extension page', () => {
    expect(cspErrors).toEqual([]);
  });
});
