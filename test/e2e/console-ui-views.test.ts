/**
 * What the console's pages show, in real Chromium against a real console, beyond the flows of
 * console-ui.test.ts and console-ui-flows.test.ts: the dashboard's chart and top tables (each a
 * link to the same search), the search sorted by a column (the loaded rows) and by time or score (every
 * event, on the server, past the first page), the alerts queue filtered by rule and
 * user in the URL, a person's profile and timeline, an
 * alert rule created and switched off through the page, and the dark theme chosen with the toggle:
 * it stays chosen, focus stays visible, and every page passes axe-core in it too (contrast).
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UI_PAGES } from '../../console/http/static-ui';
import { sampleEvent, sampleId } from '../unit/support/sample-event';
import { HOSTILE_NAME, seriousViolations, startUiRig, type UiRig } from './console-ui-support';

let rig: UiRig;
beforeAll(async () => {
  rig = await startUiRig();
});
afterAll(() => rig?.close());

/** Waits until the page has loaded its data: the title is there and nothing says "Loading". */
async function loaded(page: Page): Promise<void> {
  await page.locator('#page-title').waitFor();
  await expect.poll(() => page.getByText(/^Loading/).count()).toBe(0);
}

/** The file names of the search's rendered rows, top down. */
const names = (page: Page) => page.locator('table.events tbody td.filename').evaluateAll((cells) => cells.map((c) => c.getAttribute('title') ?? ''));

/** The focused element's outline as the browser draws it. */
const focusRing = (page: Page) =>
  page.evaluate(() => {
    const style = getComputedStyle(document.activeElement!);
    return { style: style.outlineStyle, width: style.outlineWidth, color: style.outlineColor };
  });

describe('the dashboard', () => {
  it('draws severity over time and lists top users, destinations and indicators, each a link to its search', async () => {
    const { page, dialogs } = await rig.as('read_only');
    await page.setViewportSize({ width: 1440, height: 960 }); // three top tables side by side, as the demo shows them
    await page.goto('/?range=7d');
    await loaded(page);
    // uPlot draws on a canvas inside the figure; its text alternative sums the events by severity.
    await page.locator('figure.chart canvas').first().waitFor();
    expect(await page.getByRole('img', { name: /^Events by severity over time: / }).getAttribute('aria-label')).toMatch(
      /3 high.*2 moderate|2 moderate.*3 high/,
    );
    const destinations = page.getByRole('table', { name: 'Top destinations' });
    await expect.poll(() => destinations.locator('tbody tr').count()).toBe(5);
    // A severity badge is one word on one line, even in a narrow column that wraps long names.
    const badgeLines = await page
      .getByRole('table', { name: /Top users/ })
      .locator('.sev')
      .evaluateAll((badges) =>
        badges.map((b) => {
          const range = document.createRange();
          range.selectNodeContents(b);
          return range.getClientRects().length;
        }),
      );
    expect(badgeLines.length).toBeGreaterThan(0);
    expect(badgeLines.every((n) => n === 1)).toBe(true);
    const indicators = page.getByRole('table', { name: /Top indicators/ });
    expect(await indicators.locator('tbody tr').count()).toBeGreaterThan(0);

    // A destination's link opens the search for it, over the same range.
    await destinations
      .locator('tbody tr', { hasText: /dropbox/i })
      .getByRole('link')
      .click();
    await page.waitForURL(/\/events\?(serviceId|host)=[^&]+&observedFrom=[^&]+&observedTo=/);
    const rows = page.locator('table.events tbody tr');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain('q3-forecast.xlsx');
    expect(dialogs).toEqual([]);
  });
});

describe('the forensic search', () => {
  it('sorts the loaded rows by a column and every event by time or score on the server, keeps both in the URL, and says so to a screen reader', async () => {
    const { page } = await rig.as('read_only');
    await page.goto('/events');
    await expect.poll(async () => (await names(page)).length).toBe(5);
    const newestFirst = await names(page);
    const byName = [...newestFirst].sort((a, b) => a.localeCompare(b));
    expect(byName).not.toEqual(newestFirst); // the sort has something to change
    expect(await page.locator('th[aria-sort="descending"]').textContent()).toBe('Observed');
    expect(await page.locator('table.events caption').textContent()).toMatch(
      /newest first\. Observed and Score order every matching event on the server; User, File and Destination sort the loaded rows\.$/,
    );

    await page.getByRole('button', { name: 'File', exact: true }).click();
    await page.waitForURL(/\/events\?sort=file$/);
    await expect.poll(() => names(page)).toEqual(byName);
    expect(await page.locator('th[aria-sort="ascending"]').textContent()).toBe('File');
    expect(await page.locator('th[aria-sort="descending"]').count()).toBe(0);
    expect(byName).toContain(HOSTILE_NAME);

    // Observed orders on the server: the next click turns it to oldest first, from the first page.
    await page.getByRole('button', { name: 'Observed', exact: true }).click();
    await page.waitForURL(/\/events$/);
    await expect.poll(() => names(page)).toEqual(newestFirst);
    await page.getByRole('button', { name: 'Observed', exact: true }).click();
    await page.waitForURL(/\/events\?order=oldest$/);
    await expect.poll(() => names(page)).toEqual([...newestFirst].reverse());
    expect(await page.locator('th[aria-sort="ascending"]').textContent()).toBe('Observed');

    // The order is part of the URL: opened anew, the search comes in the same order.
    await page.goto('/events?order=riskiest');
    await expect.poll(async () => (await names(page)).length).toBe(5);
    const scores = await page.locator('table.events tbody td.num').allTextContents();
    expect(scores.map(Number)).toEqual([...scores.map(Number)].sort((a, b) => b - a));
    expect(await page.locator('th[aria-sort="descending"]').textContent()).toBe('Score');
  });
});

describe('the alerts queue', () => {
  it('filters by rule and by user, in the URL, and opens on a shared URL with its filters shown', async () => {
    const { page } = await rig.as('read_only');
    await page.goto('/alerts');
    const rows = page.locator('tbody tr[data-index]');
    await expect.poll(() => rows.count()).toBe(1);
    const form = page.getByRole('form', { name: 'Alert filters' });
    await form.getByLabel('Rule').selectOption({ label: "Carol's uploads" });
    await page.waitForURL(/\/alerts\?state=OPEN%2CPENDING&ruleId=carol-uploads$/);
    await expect.poll(() => rows.count()).toBe(1);
    await form.getByLabel('User email').fill('alice@example.com');
    await form.getByLabel('User email').press('Enter');
    await page.waitForURL(/ruleId=carol-uploads&user=alice%40example.com$/);
    await expect.poll(() => page.locator('caption').first().textContent()).toBe('0 alerts, newest first');

    await page.goto('/alerts?user=carol%40example.com&ruleId=carol-uploads');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain('carol@example.com');
    expect(await form.getByLabel('Rule').inputValue()).toBe('carol-uploads');
    expect(await form.getByLabel('User email').inputValue()).toBe('carol@example.com');
    expect(await seriousViolations(page)).toEqual([]);
  });
});

describe("a person's page", () => {
  it('shows the profile (dates, manager, notes as text) and the timeline of their uploads', async () => {
    const patched = await rig.console.api('/api/v1/users/alice%40example.com', {
      method: 'PATCH',
      body: { startDate: '2021-03-01', departureDate: '2026-12-18', managerEmail: 'mona@example.com', notes: 'Resigned <b>Friday</b>.' },
    });
    expect(patched.status).toBe(200);
    const { page, dialogs } = await rig.as('read_only');
    await page.goto('/users/alice%40example.com');
    await loaded(page);
    const fact = (term: string) => page.locator('dl.facts > div', { has: page.locator('dt', { hasText: term }) }).locator('dd');
    expect(await fact('Start date').textContent()).toBe('2021-03-01');
    expect(await fact('Departure date').textContent()).toBe('2026-12-18');
    expect(await fact('Manager').textContent()).toBe('mona@example.com');
    expect(await fact('Notes').textContent()).toBe('Resigned <b>Friday</b>.');
    expect(await page.locator('dd b').count()).toBe(0);
    const timeline = page.locator('ol.timeline li');
    await expect.poll(() => timeline.count()).toBe(2);
    expect(await timeline.nth(0).textContent()).toContain('q3-forecast.xlsx');
    expect(await timeline.nth(1).textContent()).toContain('customers.csv');
    expect(dialogs).toEqual([]);
  });
});

describe('alert rules on /settings/rules', () => {
  it('an analyst creates a rule (lowest severity high unless changed) and switches it off, each audited', async () => {
    const { page } = await rig.as('analyst');
    await page.goto('/settings/rules');
    await loaded(page);
    const form = page.getByRole('form', { name: 'New alert rule' });
    expect(await form.getByLabel('Lowest severity').inputValue()).toBe('high');
    await form.getByLabel('Name').fill('Departing people');
    await form.getByLabel('Watchlists (ids, optional)').fill('departing');
    await form.getByRole('button', { name: 'Create rule' }).click();
    await page.getByRole('status').filter({ hasText: 'Rule created.' }).waitFor();
    const row = page.locator('tbody tr', { hasText: 'Departing people' });
    expect(await row.textContent()).toContain('minSeverity: high; watchlists: departing');
    const enabled = row.getByRole('checkbox', { name: 'Departing people enabled' });
    expect(await enabled.isChecked()).toBe(true);
    await enabled.click();
    await page.getByRole('status').filter({ hasText: 'Departing people disabled.' }).waitFor();
    await expect.poll(() => enabled.isChecked()).toBe(false);

    const { rules } = (await (await rig.console.api('/api/v1/alert-rules')).json()) as { rules: { id: string; name: string; enabled: boolean }[] };
    const rule = rules.find((r) => r.name === 'Departing people')!;
    expect(rule.enabled).toBe(false);
    const audit = (await (await rig.console.api('/api/v1/audit?limit=100')).json()) as { entries: { action: string; target: string }[] };
    expect(audit.entries.filter((e) => e.target.includes(rule.id)).length).toBe(2);
  });
});

describe('the dark theme', () => {
  it('is chosen with the toggle and kept, shows focus, and every page passes axe-core in it', async () => {
    const { page, dialogs } = await rig.as('admin');
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const light = await background();
    await page.keyboard.press('Tab'); // the skip link, then the first control
    await page.keyboard.press('Tab');
    const lightRing = await focusRing(page);
    expect(lightRing.style).toBe('solid');
    expect(parseFloat(lightRing.width)).toBeGreaterThanOrEqual(2);

    await page.getByLabel('Theme').selectOption('dark');
    await expect.poll(background).not.toBe(light);
    await page.reload();
    await loaded(page);
    expect(await background()).not.toBe(light);
    expect(await page.getByLabel('Theme').inputValue()).toBe('dark');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    const darkRing = await focusRing(page);
    expect(darkRing.style).toBe('solid');
    expect(darkRing.color).not.toBe(lightRing.color);

    const events = await rig.console.events();
    const alerts = (await (await rig.console.api('/api/v1/alerts')).json()) as { alerts: { id: string }[] };
    const opened: Record<string, string> = {
      '/events/:id': `/events/${events[0]!.id}`,
      '/users/:email': '/users/alice%40example.com',
      '/alerts/:id': `/alerts/${alerts.alerts[0]!.id}`,
    };
    const found: Record<string, string[]> = {};
    for (const path of UI_PAGES.map((p) => opened[p] ?? p)) {
      await page.goto(path);
      await loaded(page);
      const violations = await seriousViolations(page);
      if (violations.length) found[path] = violations;
    }
    expect(found).toEqual({});
    expect(dialogs).toEqual([]);
  });
});

// Last: it stores more events than a page, which the counts of the tests above do not expect.
describe('the forensic search over more events than a page', () => {
  it('orders every event by score on the server: the riskiest first though not in the newest page, and so again from its URL', async () => {
    type Listed = { id: string; file: { name: string }; risk: { score: number } };
    const seeded = (await (await rig.console.api('/api/v1/events?limit=500')).json()) as { events: Listed[] };
    const top = [...seeded.events].sort((a, b) => b.risk.score - a.risk.score)[0]!;
    // A page of harmless uploads newer than every seeded event, all scoring below the top one.
    const now = Date.now();
    const newer = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        sampleEvent({
          id: sampleId(7000 + i),
          observedAt: new Date(now - 60_000 - i * 1000).toISOString(),
          user: { email: 'dave@example.com' },
          // To a trusted intranet host: no risk.
          tab: { url: 'https://files.intranet.example/upload', title: 'Files' },
          destinationOptions: { trusted: ['files.intranet.example'] },
          file: { name: 'notes.txt', size: 10, mimeType: 'text/plain' },
        }),
      ),
    );
    expect(Math.max(...newer.map((e) => e.risk.score))).toBeLessThan(top.risk.score);
    await rig.console.built.services.events.ingest(newer, { credentialId: 'test', clientIp: '127.0.0.1', receivedAt: now });
    const newestPage = (await (await rig.console.api('/api/v1/events?limit=100')).json()) as { events: Listed[] };
    expect(newestPage.events.map((e) => e.id)).not.toContain(top.id);

    const { page } = await rig.as('read_only');
    await page.goto('/events');
    await expect.poll(() => page.locator('table.events caption').textContent()).toMatch(/^100 events loaded, more on the server; newest first\./);
    expect((await names(page))[0]).not.toBe(top.file.name);

    await page.getByRole('button', { name: 'Score', exact: true }).click();
    await page.waitForURL(/\/events\?order=riskiest$/);
    await expect.poll(async () => (await names(page))[0]).toBe(top.file.name);
    expect(await page.locator('th[aria-sort="descending"]').textContent()).toBe('Score');
    expect(await page.locator('table.events caption').textContent()).toMatch(/more on the server; highest score first, then newest\./);

    await page.goto('/events?order=riskiest');
    await expect.poll(async () => (await names(page))[0]).toBe(top.file.name);
    expect(Number(await page.locator('table.events tbody td.num').first().textContent())).toBe(top.risk.score);
    expect(await page.locator('th[aria-sort="descending"]').textContent()).toBe('Score');
  });
});
