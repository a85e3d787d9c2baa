/**
 * The forensic search's table over a long list in real Chromium: 1,200 of one person's events,
 * loaded 500 at a time with "Load 500 more", render only the rows in view, say the whole list's
 * size and each row's place to a screen reader (aria-rowcount, aria-rowindex), and every row is
 * reachable by keyboard (End, Home, the arrows) and by scrolling.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleEvent, sampleId } from '../unit/support/sample-event';
import { seriousViolations, startUiRig, type UiRig } from './console-ui-support';

const COUNT = 1_200;
const EMAIL = 'many@example.com';

let rig: UiRig;
beforeAll(async () => {
  rig = await startUiRig();
  const now = Date.now();
  const events = await Promise.all(
    Array.from({ length: COUNT }, (_, i) =>
      sampleEvent({
        id: sampleId(50_000 + i),
        observedAt: new Date(now - (i + 1) * 60_000).toISOString(),
        user: { email: EMAIL },
        file: { name: `report-${String(i).padStart(4, '0')}.pdf`, size: 1000, mimeType: 'application/pdf' },
      }),
    ),
  );
  await rig.console.built.services.events.ingest(events, { credentialId: 'test', clientIp: '127.0.0.1', receivedAt: now });
}, 120_000);
afterAll(() => rig?.close());

const rendered = (page: Page) => page.locator('table.events tbody tr[data-index]');
const focusedRow = (page: Page) => page.evaluate(() => document.activeElement?.closest('tr')?.getAttribute('aria-rowindex') ?? null);

describe('a long search result', () => {
  it('renders only the rows in view, tells their place in the whole list, and reaches every row by keyboard', async () => {
    const { page, dialogs } = await rig.as('analyst');
    await page.goto(`/events?user=${encodeURIComponent(EMAIL)}&limit=500`);
    const table = page.locator('table.events');
    await expect.poll(() => table.getAttribute('aria-rowcount')).toBe('501');
    await page.getByRole('button', { name: 'Load 500 more' }).click();
    await expect.poll(() => table.getAttribute('aria-rowcount')).toBe('1001');
    await page.getByRole('button', { name: 'Load 500 more' }).click();
    await expect.poll(() => table.getAttribute('aria-rowcount')).toBe(String(COUNT + 1));
    await expect.poll(() => page.getByRole('button', { name: /^Load \d+ more$/ }).count()).toBe(0);

    // A screenful, not 1,200 rows; the header is row 1, the first event row 2.
    expect(await rendered(page).count()).toBeLessThan(80);
    expect(await rendered(page).first().getAttribute('aria-rowindex')).toBe('2');
    expect(await rendered(page).first().textContent()).toContain('report-0000.pdf');

    // From the first row's link, End goes to the last row (rendered for it) and focuses its link.
    await rendered(page).first().getByRole('link').first().focus();
    await page.keyboard.press('End');
    await expect.poll(() => focusedRow(page)).toBe(String(COUNT + 1));
    expect(await page.locator('tr[aria-rowindex="1201"]').textContent()).toContain('report-1199.pdf');
    expect(await rendered(page).count()).toBeLessThan(80);
    await page.keyboard.press('ArrowUp');
    await expect.poll(() => focusedRow(page)).toBe(String(COUNT));
    await page.keyboard.press('Home');
    await expect.poll(() => focusedRow(page)).toBe('2');
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => focusedRow(page)).toBe('3');

    // Tab walks on past the rows in view: the ones beyond are rendered as focus reaches them.
    for (let i = 0; i < 60; i++) await page.keyboard.press('Tab');
    const reached = Number(await focusedRow(page));
    expect(reached).toBeGreaterThan(25);

    // Scrolling half-way renders the rows there, and no others.
    await page.locator('.virtual').evaluate((el) => (el.scrollTop = el.scrollHeight / 2));
    await expect.poll(async () => Number(await rendered(page).first().getAttribute('aria-rowindex'))).toBeGreaterThan(500);
    expect(await rendered(page).count()).toBeLessThan(80);

    expect(await seriousViolations(page)).toEqual([]);
    expect(dialogs).toEqual([]);
  });
});
