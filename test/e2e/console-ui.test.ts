/**
 * The console's web interface in real Chromium against a real console: the dashboard, forensic
 * search with filters and export, an event's detail, a hostile file name shown as text, the
 * security headers, and axe-core on each page.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UI_CSP } from '../../console/http/static-ui';
import { HOSTILE_NAME, seriousViolations, startUiRig, type UiRig } from './console-ui-support';

let rig: UiRig;
beforeAll(async () => {
  rig = await startUiRig();
});
afterAll(() => rig?.close());

describe('the console web interface', () => {
  it('serves its pages with a strict CSP and its assets from the console, and 404s elsewhere', async () => {
    const page = await fetch(`${rig.console.url}/events?user=a%40example.com`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe(UI_CSP);
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    const html = await page.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // no inline script
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1]!;
    const js = await fetch(`${rig.console.url}${asset}`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect((await fetch(`${rig.console.url}/nowhere`)).status).toBe(404);
    expect((await fetch(`${rig.console.url}/assets/..%2Fpackage.json`)).status).toBe(404);
  });

  it('shows the risk exposure of the stored events on the dashboard', async () => {
    const { page, dialogs } = await rig.as('read_only');
    await page.goto('/');
    await page.getByRole('heading', { name: 'Risk exposure' }).waitFor();
    const users = page.getByRole('table', { name: /Top users/ });
    await expect.poll(() => users.getByRole('link', { name: 'alice@example.com' }).count()).toBe(1);
    await expect.poll(() => page.locator('.tile').first().textContent()).toContain('5');
    // "moderate or worse" counts the high events too (3 high, 2 moderate).
    expect(await page.locator('.tile').nth(3).textContent()).toMatch(/^5\s*moderate or worse$/);
    await page.getByLabel('Range').selectOption('30d');
    await page.waitForURL(/\?range=30d$/);
    expect(await seriousViolations(page)).toEqual([]);
    expect(dialogs).toEqual([]);
  });

  it('searches with filters kept in the URL, pages, exports, and opens an event', async () => {
    const { page, dialogs } = await rig.as('analyst');
    await page.goto('/events');
    await page.getByLabel('User email(s)').fill('alice@example.com');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/\/events\?user=alice%40example.com$/);
    const rows = page.locator('table.events tbody tr');
    await expect.poll(() => rows.count()).toBe(2);
    expect(await seriousViolations(page)).toEqual([]);

    // The URL is the search: opened anew, it shows the same rows.
    await page.goto('/events?user=alice%40example.com&fileName=forecast');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain('q3-forecast.xlsx');

    // The export is clicked as a person would: the browser downloads the file with its session.
    const link = page.getByRole('link', { name: 'Export CSV' });
    expect(await link.getAttribute('href')).toBe('/api/v1/events/export?user=alice%40example.com&fileName=forecast&format=csv');
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv.split('\n')[0]).toMatch(/^id,observedAt/);
    expect(csv).toContain('q3-forecast.xlsx');
    expect(csv).not.toContain('customers.csv');

    await rows.first().getByRole('link').first().click();
    await page.waitForURL(/\/events\/[0-9a-f-]{36}$/);
    await page.getByRole('table', { name: /Risk indicators/ }).waitFor();
    expect(await page.getByRole('heading', { name: 'Destination' }).count()).toBe(1);
    expect(await page.locator('main').textContent()).toContain('Dropbox');
    expect(await seriousViolations(page)).toEqual([]);
    expect(dialogs).toEqual([]);
  });

  it('renders a hostile file name as text, in search and in the event', async () => {
    const { page, dialogs } = await rig.as('read_only');
    await page.goto('/events?user=bob%40example.com');
    const cell = page.locator('td.filename', { hasText: HOSTILE_NAME });
    await cell.waitFor();
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    await page.locator('tr', { has: cell }).getByRole('link').first().click();
    await page.locator('.lede .filename', { hasText: HOSTILE_NAME }).waitFor();
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(dialogs).toEqual([]);
  });

  it('shows a read-only person no edit controls, and adds then removes a watchlist member as an analyst', async () => {
    const reader = await rig.as('read_only');
    await reader.page.goto('/watchlists');
    await reader.page.getByRole('heading', { name: /Members of/ }).waitFor();
    expect(await reader.page.getByRole('button', { name: 'Add to watchlist' }).count()).toBe(0);
    expect(await reader.page.locator('.role-note').textContent()).toContain('analyst');
    expect(await seriousViolations(reader.page)).toEqual([]);
    await reader.page.goto('/settings/risk');
    await reader.page.getByRole('button', { name: 'Preview on recent events' }).waitFor();
    expect(await reader.page.getByRole('button', { name: 'Save risk settings' }).count()).toBe(0);
    expect(await seriousViolations(reader.page)).toEqual([]);

    const { page } = await rig.as('analyst');
    await page.goto('/watchlists?id=departing');
    await page.getByLabel('Email').fill('dave@example.com');
    await page.getByRole('button', { name: 'Add to watchlist' }).click();
    await page.getByRole('link', { name: 'dave@example.com' }).waitFor();
    await page.getByRole('button', { name: 'Remove dave@example.com' }).click();
    await expect.poll(() => page.getByRole('link', { name: 'dave@example.com' }).count()).toBe(0);
    const audit = (await (await rig.console.api('/api/v1/audit?limit=50')).json()) as { entries: { action: string; target: string }[] };
    expect(audit.entries.filter((e) => e.target.includes('dave@example.com')).length).toBe(2);
  });
});
