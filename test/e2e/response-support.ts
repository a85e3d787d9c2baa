/**
 * Shared by the response end-to-end tests (issue 14): the rules they run under, the fixture page
 * (test/fixtures/pages/response/widgets.html) served on real host names, a receiving server that
 * counts the bytes each upload brings, where the dialog is, and how a test answers it.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { RunningConsole } from '../harness/in-process-console';
import { ROOT } from '../harness/paths';
import { SITES } from '../harness/sites';
import type { FileEvent } from '../../src/core/schema/event';

export const BLOCK_MESSAGE = 'Company files stay in company storage.';
export const WARN_MESSAGE = 'WeTransfer links are public: send it from OneDrive instead.';

/** Dropbox blocks, WeTransfer warns (justification required, then 30 minutes' temporary allow), GitHub notifies. */
export const RESPONSE_RULES = [
  {
    id: 'no-personal-cloud',
    when: { serviceIds: ['dropbox'] },
    action: 'block',
    message: BLOCK_MESSAGE,
    learnMoreUrl: 'https://intranet.acme.example/dlp',
  },
  { id: 'think-twice', when: { serviceIds: ['wetransfer'] }, action: 'warn', message: WARN_MESSAGE, justification: 'required', temporaryAllowMinutes: 30 },
  { id: 'code-noticed', when: { serviceIds: ['github'] }, action: 'notify', message: 'Code uploads are recorded.' },
];

/** The widgets page for a simulated host. */
export function widgetsPage(host: string): string {
  return readFileSync(`${ROOT}test/fixtures/pages/response/widgets.html`, 'utf8').replace('{{TITLE}}', SITES[host]?.title ?? host);
}

/** What the receiving server got: bytes per upload request, and whether a file name appeared in it. */
export class UploadLog {
  readonly requests: { bytes: number; body: string }[] = [];
  add(body: Buffer): void {
    this.requests.push({ bytes: body.length, body: body.toString('latin1') });
  }
  /** Bytes received in requests carrying this file's content marker or name. */
  bytesFor(marker: string): number {
    return this.requests.filter((r) => r.body.includes(marker)).reduce((sum, r) => sum + r.bytes, 0);
  }
}

/** True when the page's document has Upwatch's dialog host (the page sees the host, never what is inside). */
export const DIALOG_HOST_SCRIPT = `Array.from(document.documentElement.children).some((el) => el.tagName.startsWith('UPWATCH-'))`;

/** What the shared steps use of a page: Playwright's (Chromium) and Puppeteer's (Firefox) pages both have it. */
interface DialogPage {
  evaluate(script: string): Promise<unknown>;
  keyboard: { press(key: 'Enter'): Promise<unknown> };
}

export const dialogShown = (page: DialogPage) => page.evaluate(DIALOG_HOST_SCRIPT) as Promise<boolean>;

/** Answers each dialog the page shows with Enter (its default button) until none is left. */
export async function dismissDialogs(page: DialogPage, timeout: number): Promise<void> {
  while (await dialogShown(page)) {
    await page.keyboard.press('Enter');
    await expect
      .poll(() => dialogShown(page), { timeout })
      .toBe(false)
      .catch(() => undefined);
  }
}

/** The console's copy of the event for file `name`, once one carries the response. */
export async function responseEventFor(console: RunningConsole, name: string): Promise<FileEvent> {
  const all = await console.waitForEvents((events) => events.some((e) => e.file.name === name && e.response), 45_000);
  return all.find((e) => e.file.name === name)!;
}

/** Firefox: the widgets page and the receiving server on loopback, for every simulated host (network.dns.localDomains). */
export async function startWidgetsServer(uploads: UploadLog): Promise<{ port: number; close(): Promise<void> }> {
  const { createServer } = await import('node:http');
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`);
    if (url.pathname === '/response/upload') {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        uploads.add(Buffer.concat(chunks));
        res.writeHead(200, { 'content-type': 'text/plain' }).end('stored');
      });
      return;
    }
    if (!SITES[url.hostname] || url.pathname !== '/response/widgets') return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(widgetsPage(url.hostname));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
