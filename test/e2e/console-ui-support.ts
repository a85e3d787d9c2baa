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
  const mime: Record<string, string> = {
    xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    csv: 'text/csv',
    py: 'text/x-python',
    pdf: 'application/pdf',
  };
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

export interface SignedIn {
  context: BrowserContext;
  page: Page;
  dialogs: string[];
  email: string;
}

export const TEST_PASSWORD = 'correct horse battery staple';

/** Types the email and password into the sign-in form and waits for the signed-in layout. */
export async function signIn(page: Page, email: string, password = TEST_PASSWORD): Promise<void> {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

export interface UiRig {
  console: RunningConsole;
  browser: Browser;
  /**
   * A browser context signed in with the given role as a person would: a new local account, its
   * email and password typed into the sign-in form. The session is the console's cookie.
   */
  as(role: 'read_only' | 'analyst' | 'admin'): Promise<SignedIn>;
  /** A fresh context on the sign-in page, with a dialog watcher. */
  open(path?: string): Promise<{ context: BrowserContext; page: Page; dialogs: string[] }>;
  close(): Promise<void>;
}

export async function startUiRig(): Promise<UiRig> {
  ensureUiBuilt();
  const running = await startConsole({ ingestRateLimit: false });
  const { services } = running.built;
  // A rule so that carol's uploads open an alert to triage.
  const rule = await running.api('/api/v1/alert-rules', {
    method: 'POST',
    body: { id: 'carol-uploads', name: "Carol's uploads", conditions: { users: ['carol@example.com'] } },
  });
  if (rule.status !== 201) throw new Error(`alert rule refused: ${rule.status} ${await rule.text()}`);
  await services.events.ingest(await demoEvents(), { credentialId: 'test', clientIp: '127.0.0.1', receivedAt: Date.now() });
  const browser = await chromium.launch({ executablePath: chromiumPath(), headless: true });
  const contexts: BrowserContext[] = [];
  const open = async (path = '/') => {
    const context = await browser.newContext({ baseURL: running.url, acceptDownloads: true });
    contexts.push(context);
    const page = await context.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(path);
    return { context, page, dialogs };
  };
  return {
    console: running,
    browser,
    open,
    async as(role) {
      const email = `${role.replace('_', '-')}-${contexts.length}@example.test`;
      await services.auth.accounts.createLocal({ email, role, password: TEST_PASSWORD }, 'system', 'test');
      const opened = await open('/');
      await signIn(opened.page, email);
      return { ...opened, email };
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
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}
