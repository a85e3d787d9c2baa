/**
 * Issue 15, items 3 and 4, on the console's user page: a browser that reported storage trouble and
 * dead letters with its batch is listed under the person with what each means in words (events
 * still forwarded; refused events sent again by themselves), hostile text shown as text, and the
 * page passes axe-core; and the watchlists the person is on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserHealth } from '../../src/core/schema/event';
import { demoEvents, seriousViolations, startUiRig, type UiRig } from './console-ui-support';

const EMAIL = 'dana@example.com';
let rig: UiRig;

const health: BrowserHealth = {
  browserId: '7d0f5f0e-3c55-4d1a-9c3e-2f1b7d2a9e01',
  reportedAt: new Date().toISOString(),
  user: { email: EMAIL },
  device: { browser: 'Chrome', browserVersion: '156.0', os: 'linux', extensionVersion: '1.2.0' },
  storage: {
    trouble: '<img src=x onerror=alert(1)> the disk is full (QuotaExceededError)',
    troubleSince: new Date().toISOString(),
    notKeptLocally: 3,
    prunedForSpace: 1000,
  },
  deadLetters: { count: 2, oldestAt: new Date().toISOString(), lastError: 'backend answered HTTP 400' },
  queued: 0,
};

beforeAll(async () => {
  rig = await startUiRig();
  const [event] = await demoEvents();
  const res = await fetch(rig.console.ingestUrl, {
    method: 'POST',
    headers: { authorization: `Bearer ${rig.console.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ events: [{ ...event!, id: '0190a0e2-7c4b-7def-8abc-0000000dada1', user: { email: EMAIL } }], droppedEvents: 4, health }),
  });
  if (!res.ok) throw new Error(`ingest refused: ${res.status} ${await res.text()}`);
  for (const list of ['departing', 'flight_risk']) {
    const added = await rig.console.api(`/api/v1/watchlists/${list}/members`, { method: 'POST', body: { email: EMAIL } });
    if (!added.ok) throw new Error(`watchlist ${list} refused: ${added.status} ${await added.text()}`);
  }
});
afterAll(() => rig?.close());

describe('the user page', () => {
  it("shows each browser's storage trouble, dead letters and drops in words", async () => {
    const { page, dialogs } = await rig.as('read_only');
    await page.goto(`/users/${encodeURIComponent(EMAIL)}`);
    const table = page.getByRole('table', { name: 'Browsers and their delivery health' });
    await table.waitFor();
    const row = table.locator('tbody tr');
    await expect(row.count()).resolves.toBe(1);
    const text = (await row.textContent()) ?? '';
    expect(text).toContain('Chrome 156.0 on linux (Upwatch 1.2.0)');
    expect(text).toContain('the disk is full (QuotaExceededError)');
    expect(text).toContain('Events are still forwarded here');
    expect(text).toContain('2 event(s) refused by the backend');
    expect(text).toContain('sent again by themselves when the backend settings change');
    expect(text).toContain('4 (queue full)');
    // The browser's error text is text.
    expect(await table.locator('img').count()).toBe(0);
    expect(dialogs).toEqual([]);
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('names the watchlists the person is on', async () => {
    const { page } = await rig.as('read_only');
    await page.goto(`/users/${encodeURIComponent(EMAIL)}`);
    const watchlists = page.locator('dl.facts > div', { has: page.locator('dt', { hasText: 'Watchlists' }) }).locator('dd');
    await expect.poll(() => watchlists.textContent()).toBe('departing, flight_risk');
  });
});
