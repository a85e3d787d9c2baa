/**
 * The console's web interface, the work of a security team: sign-in and its refusals, a what-if
 * preview then a saved risk change (and its audit entry), alert triage with the mouse and with
 * the keyboard only, axe-core on every page, and a read-only person who can neither see nor forge
 * a change.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { UI_PAGES } from '../../console/http/static-ui';
import { seriousViolations, signIn, startUiRig, TEST_PASSWORD, type UiRig } from './console-ui-support';

let rig: UiRig;
let alertId: string;
beforeAll(async () => {
  rig = await startUiRig();
  const alerts = (await (await rig.console.api('/api/v1/alerts')).json()) as { alerts: { id: string }[] };
  alertId = alerts.alerts[0]!.id;
});
afterAll(() => rig?.close());

/** Waits until the page has loaded its data: the title is there and nothing says "Loading". */
async function loaded(page: Page): Promise<void> {
  await page.locator('#page-title').waitFor();
  await expect.poll(() => page.getByText(/^Loading/).count()).toBe(0);
}

/** Presses Tab (nothing else) until the focused element is the one named; fails after 60 presses. */
async function tabTo(page: Page, name: string | RegExp): Promise<void> {
  for (let i = 0; i < 60; i++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el) return '';
      const label = el.id ? document.querySelector(`label[for="${el.id}"]`) : el.closest('label');
      return (el.getAttribute('aria-label') ?? label?.textContent ?? el.textContent ?? '').trim();
    });
    if (typeof name === 'string' ? focused === name : name.test(focused)) return;
  }
  throw new Error(`Tab never reached ${String(name)}`);
}

describe('signing in', () => {
  it('refuses a wrong password, explains a refused single sign-on, and signs in', async () => {
    const { page, dialogs } = await rig.open('/?signInError=no_role');
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('no role in this console');
    expect(await seriousViolations(page)).toEqual([]);
    await rig.console.built.services.auth.accounts.createLocal({ email: 'erin@example.test', role: 'analyst', password: TEST_PASSWORD }, 'system', 'test');
    await page.getByLabel('Email').fill('erin@example.test');
    await page.getByLabel('Password').fill('not the password at all');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('Wrong email or password.');
    await signIn(page, 'erin@example.test');
    await page.getByRole('heading', { name: 'Risk exposure' }).waitFor();
    expect(dialogs).toEqual([]);
  });
});

describe('an analyst', () => {
  it('previews a risk change on recent events, saves it, and finds it in the audit log', async () => {
    const { page } = await rig.as('analyst');
    await page.goto('/settings/risk');
    const cloud = page.locator('#score-destination-cloud_storage');
    await cloud.fill('9');
    await expect.poll(() => page.locator('#score-destination-cloud_storage-note').textContent()).toContain('caution: above 7');
    await page.getByRole('button', { name: 'Preview on recent events' }).click();
    const preview = page.getByRole('heading', { name: 'What-if preview' });
    await preview.waitFor();
    // Alice's Dropbox and Google Drive uploads are cloud storage: they would score differently.
    await expect.poll(() => page.getByRole('table', { name: 'Events whose score would change' }).locator('tbody tr').count()).toBeGreaterThanOrEqual(2);
    await page.getByRole('button', { name: 'Save risk settings' }).click();
    await page.getByRole('status').filter({ hasText: /saved/i }).waitFor();
    const settings = (await (await rig.console.api('/api/v1/risk-settings')).json()) as {
      riskSettings?: { scores?: { destination?: Record<string, number> } };
    };
    expect(JSON.stringify(settings)).toContain('"cloud_storage":9');

    // Someone else saves other scores while this page still shows its own: the page's next save is
    // refused (If-Match), says so, keeps what was typed, and the other person's scores stand.
    const theirs = await rig.console.api('/api/v1/risk-settings', { method: 'PUT', body: { scores: { destination: { cloud_storage: 4 } } } });
    expect(theirs.status).toBe(200);
    await cloud.fill('8');
    await page.getByRole('button', { name: 'Save risk settings' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('someone else changed the risk settings');
    expect(await cloud.inputValue()).toBe('8');
    expect(JSON.stringify(await (await rig.console.api('/api/v1/risk-settings')).json())).toContain('"cloud_storage":4');

    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Audit log' }).click();
    await loaded(page);
    const row = page.locator('tbody tr', { hasText: 'risk_settings.updated' });
    // The analyst's save and the other one's; the refused save wrote nothing.
    await expect.poll(() => row.count()).toBe(2);
    expect(await row.last().textContent()).toMatch(/analyst-\d+@example\.test/);
  });

  it('triages an alert: state, assignee and a note, each audited', async () => {
    const { page, dialogs } = await rig.as('analyst');
    await page.goto('/alerts');
    await page.getByRole('link', { name: "Carol's uploads" }).first().click();
    await page.waitForURL(/\/alerts\/[^/]+$/);
    await loaded(page);
    await page.getByLabel('State').selectOption('PENDING');
    await page.getByLabel('Assignee (email)').fill('frank@example.com');
    await page.getByLabel('Add a note').fill('Asked <b>Carol</b> about the contract.');
    await page.getByRole('button', { name: 'Save triage' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    await expect.poll(() => page.locator('.notes li').first().textContent()).toContain('Asked <b>Carol</b> about the contract.');
    await expect.poll(() => page.locator('.lede').textContent()).toContain('Pending');
    const id = /\/alerts\/([^/]+)$/.exec(page.url())![1]!;
    const audit = (await (await rig.console.api(`/api/v1/audit?limit=100`)).json()) as { entries: { action: string; target: string }[] };
    const actions = audit.entries.filter((e) => e.target.includes(id)).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['alert.state_changed', 'alert.assigned', 'alert.noted']));
    expect(dialogs).toEqual([]);
  });

  it('searches and triages with the keyboard only', async () => {
    const { page } = await rig.as('analyst');
    await tabTo(page, 'Forensic search');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/events$/);
    await tabTo(page, /^User email/);
    await page.keyboard.type('carol@example.com');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/events\?user=carol%40example.com$/);
    await expect.poll(() => page.locator('table.events tbody tr').count()).toBe(1);

    await tabTo(page, 'Alerts');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/alerts$/);
    await loaded(page);
    await tabTo(page, "Carol's uploads");
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/alerts\/[^/]+$/);
    await loaded(page);
    await tabTo(page, /^State/);
    await page.keyboard.type('Closed: true');
    await tabTo(page, /^Add a note/);
    await page.keyboard.type('Confirmed by keyboard.');
    await tabTo(page, 'Save triage');
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    await expect.poll(() => page.locator('.lede').textContent()).toContain('Closed: true positive');
    await expect.poll(() => page.locator('.notes').textContent()).toContain('Confirmed by keyboard.');
  });
});

describe('an admin', () => {
  it('creates an account with an initial password, changes its role and disables it', async () => {
    const { page } = await rig.as('admin');
    await page.goto('/admin/users');
    await loaded(page);
    const form = page.getByRole('form', { name: 'New account' });
    await form.getByLabel('Email').fill('grace@example.test');
    await form.getByLabel('Role').selectOption('read_only');
    await form.getByLabel('Initial password').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();
    const role = page.getByLabel('Role of grace@example.test');
    await role.waitFor();
    await role.selectOption('analyst');
    await page.getByRole('status').filter({ hasText: 'grace@example.test is now analyst.' }).waitFor();
    await page.getByRole('button', { name: 'Disable grace@example.test' }).click();
    await page.getByRole('button', { name: 'Enable grace@example.test' }).waitFor();
    const account = await rig.console.built.services.auth.accounts.get('grace@example.test');
    expect({ role: account?.role, disabled: account?.disabled_at !== null }).toEqual({ role: 'analyst', disabled: true });

    // Grace cannot sign in while disabled.
    const other = await rig.open('/');
    await other.page.getByLabel('Email').fill('grace@example.test');
    await other.page.getByLabel('Password').fill(TEST_PASSWORD);
    await other.page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await other.page.getByRole('alert').waitFor();
    expect(await other.page.getByRole('button', { name: 'Sign out' }).count()).toBe(0);
  });
});

describe('every page', () => {
  it('has no serious or critical axe-core violation (as an admin, who sees every control)', async () => {
    const { page, dialogs } = await rig.as('admin');
    const events = await rig.console.events();
    // Every page the console serves; a page with a parameter opens on a stored thing.
    const opened: Record<string, string> = {
      '/events/:id': `/events/${events[0]!.id}`,
      '/users/:email': '/users/alice%40example.com',
      '/alerts/:id': `/alerts/${alertId}`,
    };
    const paths = UI_PAGES.map((p) => opened[p] ?? p);
    expect(paths.filter((p) => p.includes(':'))).toEqual([]);
    const found: Record<string, string[]> = {};
    for (const path of paths) {
      await page.goto(path);
      await loaded(page);
      const violations = await seriousViolations(page);
      if (violations.length) found[path] = violations;
    }
    expect(found).toEqual({});
    expect(dialogs).toEqual([]);
  });
});

describe('a read-only person', () => {
  it('sees no triage or admin controls, and a change forged from the session gets 403', async () => {
    const { page } = await rig.as('read_only');
    await page.goto(`/alerts/${alertId}`);
    await loaded(page);
    expect(await page.getByRole('button', { name: 'Save triage' }).isDisabled()).toBe(true);
    expect(await page.getByRole('link', { name: 'Audit log' }).count()).toBe(0);
    await page.goto('/admin/users');
    await loaded(page);
    expect(await page.getByRole('button', { name: 'Create account' }).count()).toBe(0);
    // The forged change carries the session's own cookie and CSRF token: only the role stops it.
    const statuses = await page.evaluate(async (id) => {
      const { csrfToken } = (await (await fetch('/api/v1/session')).json()) as { csrfToken: string };
      const send = (method: string, path: string, body: unknown) =>
        fetch(path, { method, headers: { 'content-type': 'application/json', 'x-csrf-token': csrfToken }, body: JSON.stringify(body) }).then((r) => r.status);
      return [
        await send('PATCH', `/api/v1/alerts/${id}`, { state: 'CLOSED_FP' }),
        await send('POST', '/api/v1/watchlists/departing/members', { email: 'mallory@example.com' }),
        await send('POST', '/api/v1/accounts', { email: 'mallory@example.com', role: 'admin', password: 'a long enough password' }),
      ];
    }, alertId);
    expect(statuses).toEqual([403, 403, 403]);
  });
});
