/**
 * Response in the console's web interface (issues 14 and 17), in real Chromium against a real
 * console: an admin adds, refuses, reorders and removes response rules through the policy API and
 * sees a watchlist that cannot apply on browsers called out; a read-only person sees the rules
 * but no edit control, and a forged change gets 403; a blocked event and a bypassed one with
 * hostile text show their outcome with the text inert; the outcome filter narrows the search and
 * stays in the URL. axe-core on each page changed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { FileEvent } from '../../src/core/schema/event';
import { sampleEvent, sampleId } from '../unit/support/sample-event';
import { seriousViolations, startUiRig, type UiRig } from './console-ui-support';

const HOSTILE = '<img src=x onerror=alert(1)>';
const BLOCKED_NAME = `${HOSTILE}payroll.xlsx`;
const JUSTIFICATION = `${HOSTILE} approved by <b>my manager</b>`;
const SEEDED = {
  id: 'ai-warn',
  when: { destinationCategories: ['ai_tools'] },
  action: 'warn',
  message: 'Think first.',
  justification: 'required',
  temporaryAllowMinutes: 30,
};

let rig: UiRig;
let blockedId: string;
let bypassedId: string;

async function policyRules(): Promise<{ id: string; action: string }[]> {
  const answer = (await (await rig.console.api('/api/v1/policy')).json()) as { settings: { responseRules?: { id: string; action: string }[] } };
  return answer.settings.responseRules ?? [];
}

async function ok(res: Promise<Response>): Promise<void> {
  const r = await res;
  if (!r.ok) throw new Error(`console answered ${r.status}: ${await r.text()}`);
}

/** The page has its data: the title is there and nothing says "Loading". */
async function loaded(page: Page): Promise<void> {
  await page.locator('#page-title').waitFor();
  await expect.poll(() => page.getByText(/^Loading/).count()).toBe(0);
}

/** No element the hostile text would have made exists, and nothing ran. */
async function inert(page: Page, dialogs: string[]): Promise<void> {
  expect(await page.locator('img[src="x"]').count()).toBe(0);
  expect(await page.locator('main b, #app b').filter({ hasText: 'my manager' }).count()).toBe(0);
  expect(dialogs).toEqual([]);
}

beforeAll(async () => {
  rig = await startUiRig();
  const { api } = rig.console;
  await ok(api('/api/v1/watchlists', { method: 'POST', body: { id: 'contractors', name: 'Contractors' } }));
  await ok(api('/api/v1/watchlists', { method: 'POST', body: { id: 'blocked_uploads', name: 'Blocked uploads', syncToBrowsers: true } }));
  const { settings } = (await (await api('/api/v1/policy')).json()) as { settings: Record<string, unknown> };
  await ok(api('/api/v1/policy', { method: 'PUT', body: { ...settings, responseRules: [SEEDED] } }));
  const now = Date.now();
  const blocked: FileEvent = {
    ...(await sampleEvent({
      id: sampleId(2001),
      observedAt: new Date(now - 60_000).toISOString(),
      user: { email: 'dave@example.com' },
      file: { name: BLOCKED_NAME, size: 5000, mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
    })),
    response: { action: 'block', outcome: 'blocked', ruleId: 'cloud-block', decidedInMs: 12.4 },
  };
  const bypassed: FileEvent = {
    ...(await sampleEvent({ id: sampleId(2002), observedAt: new Date(now - 120_000).toISOString(), user: { email: 'dave@example.com' } })),
    response: { action: 'warn', outcome: 'bypassed', ruleId: 'ai-warn', justification: JUSTIFICATION, decidedInMs: 3 },
  };
  // Through the ingest API, as a browser sends them: the event schema checks the response field.
  const sent = await fetch(rig.console.ingestUrl, {
    method: 'POST',
    headers: { authorization: `Bearer ${rig.console.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ events: [blocked, bypassed] }),
  });
  expect(sent.status, await sent.clone().text()).toBeLessThan(300);
  expect(await sent.json()).toMatchObject({ accepted: 2 });
  blockedId = blocked.id;
  bypassedId = bypassed.id;
});
afterAll(() => rig?.close());

describe('response rules on /settings/rules', () => {
  it('an admin adds a rule and sees it listed, with a watchlist that cannot apply on browsers called out', async () => {
    const { page, dialogs } = await rig.as('admin');
    await page.goto('/settings/rules');
    await loaded(page);
    const table = page.getByRole('table', { name: /response rule/ });
    await expect.poll(() => table.locator('tbody tr').count()).toBe(1);
    expect(await table.locator('tbody tr').first().textContent()).toContain('destination category ai_tools');

    await page.getByRole('button', { name: 'Add response rule' }).click();
    const form = page.getByRole('form', { name: 'New response rule' });
    await form.getByLabel('Rule id').fill('cloud-block');
    await form.getByLabel(/^Action/).selectOption('block');
    await form.getByLabel('Message shown to the person').fill('Company files stay in <b>company</b> storage.');
    await form.getByLabel('Destination categories').selectOption(['cloud_storage']);
    await form.getByLabel('Watchlists').selectOption(['contractors', 'blocked_uploads']);
    expect(await seriousViolations(page)).toEqual([]);
    await form.getByRole('button', { name: 'Add rule' }).click();
    await page.getByRole('status').filter({ hasText: 'Response rule cloud-block added.' }).waitFor();

    const stored = await policyRules();
    expect(stored.map((r) => r.id)).toEqual(['ai-warn', 'cloud-block']);
    expect(stored[1]).toMatchObject({
      action: 'block',
      message: 'Company files stay in <b>company</b> storage.',
      when: { destinationCategories: ['cloud_storage'] },
    });
    expect(stored[0]).toEqual(SEEDED);
    const row = page.locator('#response-rule-cloud-block');
    await expect.poll(() => row.textContent()).toContain('destination category cloud_storage; user on watchlist any of');
    expect(await row.locator('.caution').allTextContents()).toEqual([expect.stringContaining('Contractors” (contractors) is not synced to browsers')]);
    // The message is text: the markup typed into it is shown, not made.
    expect(await row.textContent()).toContain('Company files stay in <b>company</b> storage.');
    expect(await row.locator('b').count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
    expect(dialogs).toEqual([]);
  });

  it('shows the console’s refusal next to the rule, saves nothing, then reorders and removes', async () => {
    const { page } = await rig.as('admin');
    await page.goto('/settings/rules');
    await loaded(page);
    await page.getByRole('button', { name: 'Add response rule' }).waitFor();
    const before = await policyRules();

    await page.getByRole('button', { name: 'Add response rule' }).click();
    const form = page.getByRole('form', { name: 'New response rule' });
    await form.getByLabel('Rule id').fill('plain-link');
    await form.getByLabel(/^Action/).selectOption('notify');
    // The browser takes any URL here; the console takes https only, and says so about this rule.
    await form.getByLabel('Learn-more link (https)').fill('http://intranet.example/dlp');
    await form.getByRole('button', { name: 'Add rule' }).click();
    await expect.poll(() => form.getByRole('alert').textContent()).toMatch(/rule "plain-link" rejected/);
    expect(await policyRules()).toEqual(before);

    await form.getByLabel('Learn-more link (https)').fill('https://intranet.example/dlp');
    await form.getByRole('button', { name: 'Add rule' }).click();
    await page.getByRole('status').filter({ hasText: 'Response rule plain-link added.' }).waitFor();
    expect((await policyRules()).map((r) => r.id)).toEqual([...before.map((r) => r.id), 'plain-link']);

    await page.getByRole('button', { name: 'Move plain-link up' }).click();
    await page.getByRole('status').filter({ hasText: 'Response rule plain-link moved up.' }).waitFor();
    const ids = before.map((r) => r.id);
    expect((await policyRules()).map((r) => r.id)).toEqual([...ids.slice(0, -1), 'plain-link', ...ids.slice(-1)]);
    await expect
      .poll(() => page.locator('tbody tr[id^="response-rule-"] code').allTextContents())
      .toEqual([...ids.slice(0, -1), 'plain-link', ...ids.slice(-1)]);

    await page.getByRole('button', { name: 'Edit plain-link' }).click();
    const edit = page.getByRole('form', { name: 'Edit response rule plain-link' });
    await edit.getByLabel(/^Action/).selectOption('allow');
    await edit.getByRole('button', { name: 'Save rule' }).click();
    await page.getByRole('status').filter({ hasText: 'Response rule plain-link saved.' }).waitFor();
    expect((await policyRules()).find((r) => r.id === 'plain-link')?.action).toBe('allow');

    await page.getByRole('button', { name: 'Remove plain-link' }).click();
    await page.getByRole('status').filter({ hasText: 'Response rule plain-link removed.' }).waitFor();
    expect((await policyRules()).map((r) => r.id)).toEqual(ids);
  });

  it('says the policy was changed by someone else (412) instead of overwriting it, keeps the edit, and saves it after a reload', async () => {
    const { page } = await rig.as('admin');
    await page.goto('/settings/rules');
    await loaded(page);
    await page.locator('#response-rule-ai-warn').waitFor();
    await page.getByRole('button', { name: 'Edit ai-warn' }).click();
    const edit = page.getByRole('form', { name: 'Edit response rule ai-warn' });
    await edit.getByLabel('Message shown to the person').fill('Think twice.');

    // Another admin saves the policy meanwhile (a script without If-Match).
    const { settings } = (await (await rig.console.api('/api/v1/policy')).json()) as { settings: Record<string, unknown> };
    await ok(rig.console.api('/api/v1/policy', { method: 'PUT', body: { ...settings, trustedDomains: ['intranet.example'] } }));
    const theirs = await policyRules();

    await edit.getByRole('button', { name: 'Save rule' }).click();
    await page.getByText('changed by someone else since this page loaded it').waitFor();
    const after = (await (await rig.console.api('/api/v1/policy')).json()) as { settings: Record<string, unknown> };
    expect(after.settings.trustedDomains).toEqual(['intranet.example']);
    expect(await policyRules()).toEqual(theirs);
    // The edit is still in the form.
    expect(await edit.getByLabel('Message shown to the person').inputValue()).toBe('Think twice.');
    expect(await seriousViolations(page)).toEqual([]);

    await page.getByRole('button', { name: 'Reload the response rules' }).click();
    await expect.poll(() => page.getByText('changed by someone else').count()).toBe(0);
    await edit.getByRole('button', { name: 'Save rule' }).click();
    await page.getByRole('status').filter({ hasText: 'Response rule ai-warn saved.' }).waitFor();
    const both = (await (await rig.console.api('/api/v1/policy')).json()) as {
      settings: { trustedDomains?: string[]; responseRules?: { id: string; message?: string }[] };
    };
    expect(both.settings.trustedDomains).toEqual(['intranet.example']);
    // Only the message changed: the form started from the rule's own action and justification.
    expect(both.settings.responseRules?.find((r) => r.id === 'ai-warn')).toEqual({ ...SEEDED, message: 'Think twice.' });
  });

  it('a read-only person sees the rules but no edit control, and a forged change gets 403', async () => {
    const { page } = await rig.as('read_only');
    await page.goto('/settings/rules');
    await loaded(page);
    await page.locator('#response-rule-ai-warn').waitFor();
    expect(await page.locator('#response-rule-ai-warn').textContent()).toContain('required');
    for (const name of ['Add response rule', /^Edit /, /^Remove /, /^Move /]) expect(await page.getByRole('button', { name }).count()).toBe(0);
    expect(await page.getByText('changing response rules needs the admin role').count()).toBe(1);
    const status = await page.evaluate(async () => {
      const { csrfToken } = (await (await fetch('/api/v1/session')).json()) as { csrfToken: string };
      const body = JSON.stringify({ responseRules: [{ id: 'open-all', action: 'allow' }] });
      return (await fetch('/api/v1/policy', { method: 'PUT', headers: { 'content-type': 'application/json', 'x-csrf-token': csrfToken }, body })).status;
    });
    expect(status).toBe(403);
    expect((await policyRules()).map((r) => r.id)).not.toContain('open-all');
    expect(await seriousViolations(page)).toEqual([]);
  });
});

describe('an event’s response', () => {
  it('shows a blocked upload’s outcome with its hostile file name inert, and links the rule', async () => {
    const { page, dialogs } = await rig.as('analyst');
    await page.goto(`/events/${blockedId}`);
    await loaded(page);
    const block = page.locator('.card', { has: page.getByRole('heading', { name: 'Response' }) });
    await expect.poll(() => block.textContent()).toContain('OutcomeBlocked');
    expect(await block.textContent()).toContain('Decided in12.4 ms');
    expect(await page.locator('.lede .filename').textContent()).toBe(BLOCKED_NAME);
    await inert(page, dialogs);
    expect(await seriousViolations(page)).toEqual([]);
    await block.getByRole('link', { name: 'cloud-block' }).click();
    await page.waitForURL(/\/settings\/rules#response-rule-cloud-block$/);
    await loaded(page);
  });

  it('shows a bypassed upload’s justification as text', async () => {
    const { page, dialogs } = await rig.as('read_only');
    await page.goto(`/events/${bypassedId}`);
    await loaded(page);
    await expect.poll(() => page.locator('.justification').textContent()).toBe(JUSTIFICATION);
    expect(await page.locator('.card', { has: page.getByRole('heading', { name: 'Response' }) }).textContent()).toContain(
      'Warned, went ahead with a justification',
    );
    await inert(page, dialogs);
  });
});

describe('the outcome filter', () => {
  it('narrows the search, shows the outcome column, and stays in the URL', async () => {
    const { page, dialogs } = await rig.as('analyst');
    await page.goto('/events');
    await loaded(page);
    const rows = page.locator('table.events tbody tr:not(.spacer)');
    await expect.poll(() => rows.count()).toBeGreaterThan(2);
    const filters = page.getByRole('form', { name: 'Search filters' });
    const outcome = (page: Page) => page.getByRole('form', { name: 'Search filters' }).getByRole('listbox', { name: /^Response outcome/ });
    await outcome(page).selectOption(['blocked']);
    await filters.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/\/events\?outcome=blocked$/);
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().locator('td').last().textContent()).toBe('Blocked');

    await outcome(page).selectOption(['bypassed', 'blocked']);
    await page.getByRole('form', { name: 'Search filters' }).getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/\/events\?outcome=bypassed%2Cblocked$/);
    await expect.poll(() => rows.count()).toBe(2);
    expect((await rows.locator('td:last-child').allTextContents()).sort()).toEqual(['Blocked', 'Warned, went ahead']);

    // A shared link opens the same search with the same outcomes chosen.
    await page.reload();
    await loaded(page);
    await expect.poll(() => rows.count()).toBe(2);
    expect(await outcome(page).evaluate((s: HTMLSelectElement) => [...s.selectedOptions].map((o) => o.value))).toEqual(['bypassed', 'blocked']);
    await inert(page, dialogs);
    expect(await seriousViolations(page)).toEqual([]);
  });
});
