/**
 * A real console (in this process, on a loopback port) with stored events, and a headless
 * Chromium on its web interface. Pages are checked with axe-core; a dialog (an injected script
 * running) fails the test that opened the page.
 */
import AxeBuilder from '@axe-core/playwright';
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { UI_BUILD_DIR } from '../../console/http/static-ui';
import type { FileEvent } from '../../src/core/schema/event';
import { chromiumPath, ROOT } from '../harness/paths';
import { startConsole, type RunningConsole } from '../harness/in-process-console';
import { sampleEvent, sampleId } from '../unit/support/sample-event';

export const HOSTILE_NAME = '<img src=x onerror=alert(1)>.pdf';

export function ensureUiBuilt(): void {
  if (!existsSync(`${UI_BUILD_DIR}index.html`)) execFileSync('npm', ['run', '--silent', 'build:console-ui'], { cwd: ROOT, stdio: 'inherit' });
}

/** A few people's uploads over the last days, one with a hostile file name. */
export async function demoEvents(now = Date.now()): Promise<FileEvent[]> {
  const hour = 3_600_000;
  const spec: [string, string, string, string, number][] = [
    ['alice@example.com', 'q3-forecast.xlsx', 'https://www.dropbox.com/home', 'Dropbox', 2],
    ['alice@example.com', 'customers.csv', 'https://drive.google.com/drive/my-drive', 'Google Drive', 5],
    ['bob@example.com', 'main.py', 'https://github.com/acme/repo/upload', 'GitHub', 20],
    ['bob@example.com', HOSTILE_NAME, 'https://wetransfer.com/', 'WeTransfer', 30],
    ['carol@example.com', 'contract.pdf', 'https://mail.google.com/mail/u/0/', 'Gmail', 50],
  ];
  const mime: Record<string, string> = { xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', csv: 'text/csv', py: 'text/x-python', pdf: 'application/pdf' };
  return Promise.all(
    spec.map(([email, name, url, title, hoursAgo], i) =>
      sampleEvent({
        id: sampleId(1000 + i),
        observedAt: new Date(now - hoursAgo * hour).toISOString(),
        user: { email },
        file: { name, size: 10_000 * (i + 1), mimeType: mime[name.split('.').pop()!] ?? 'application/octet-stream' },
        tab: { url, title },
      }),
    ),
  );
}

export interface UiRig {
  console: RunningConsole;
  browser: Browser;
  /** A browser context signed in with the given role (its own API key, sent as a header). */
  as(role: 'read_only' | 'analyst' | 'admin'): Promise<{ context: BrowserContext; page: Page; dialogs: string[] }>;
  close(): Promise<void>;
}

export async function startUiRig(): Promise<UiRig> {
  ensureUiBuilt();
  const running = await startConsole({ ingestRateLimit: false });
  const { services } = running.built;
  await services.events.ingest(await demoEvents(), { credentialId: 'test', clientIp: '127.0.0.1', receivedAt: Date.now() });
  const browser = await chromium.launch({ executablePath: chromiumPath(), headless: true });
  const contexts: BrowserContext[] = [];
  return {
    console: running,
    browser,
    async as(role) {
      const { secret } = await services.credentials.create({ name: `ui-${role}-${contexts.length}`, role, createdBy: 'test' });
      const context = await browser.newContext({ baseURL: running.url, extraHTTPHeaders: { authorization: `Bearer ${secret}` }, acceptDownloads: true });
      contexts.push(context);
      const page = await context.newPage();
      const dialogs: string[] = [];
      page.on('dialog', (d) => {
        dialogs.push(d.message());
        void d.dismiss();
      });
      return { context, page, dialogs };
    },
    async close() {
      for (const c of contexts) await c.close();
      await browser.close();
      await running.close();
    },
  };
}

/** axe-core on the page as it is: no serious or critical violation. */
export async function seriousViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).analyze();
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}
