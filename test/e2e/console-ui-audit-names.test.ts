/**
 * File names in the console's pages, in real Chromium (the rendering audit): in the search's
 * one-line cells a long name is shortened in its head and its real extension stays in view (it was
 * cut by the cell's ellipsis), and a name with a bidi override shows the override by code point
 * instead of being redrawn ("invoice\u202Efdp.exe" read "invoiceexe.pdf"), in the cell, its tooltip
 * and the event's page.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleEvent, sampleId } from '../unit/support/sample-event';
import { startUiRig, type UiRig } from './console-ui-support';

const LONG = `invoice.pdf${'_'.repeat(160)}.exe`;
const OVERRIDE = 'invoice\u202Efdp.exe';
const USER = 'dana@example.com';

let rig: UiRig;
beforeAll(async () => {
  rig = await startUiRig();
  const now = Date.now();
  const events = await Promise.all(
    [LONG, OVERRIDE].map((name, i) =>
      sampleEvent({
        id: sampleId(900 + i),
        observedAt: new Date(now - (i + 1) * 60_000).toISOString(),
        user: { email: USER },
        file: { name, size: 10, mimeType: '' },
      }),
    ),
  );
  await rig.console.built.services.events.ingest(events, { credentialId: 'test', clientIp: '127.0.0.1', receivedAt: now });
});
afterAll(() => rig?.close());

/** The search's row of a file name: what the cell draws and where its parts are. */
function cellOf(page: Page, name: string) {
  return page.locator('table.events tbody td.filename').evaluateAll((cells, wanted) => {
    const cell = cells.find((c) => c.getAttribute('title') === wanted);
    if (!cell) return null;
    const box = cell.getBoundingClientRect();
    const head = cell.querySelector('.name-head') as HTMLElement | null;
    const tail = cell.querySelector('.name-tail') as HTMLElement | null;
    return {
      tail: tail?.textContent ?? null,
      tailInside: tail ? tail.getBoundingClientRect().right <= box.right + 0.5 && tail.getBoundingClientRect().left >= box.left : false,
      headShortened: head ? head.scrollWidth > head.clientWidth : false,
      text: cell.querySelector('.file-name')?.textContent ?? null,
    };
  }, name);
}

describe('file names in the console', () => {
  it('keeps the real extension of a long name in view in the search', async () => {
    const { page } = await rig.as('read_only');
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`/events?user=${encodeURIComponent(USER)}`);
    await expect.poll(() => cellOf(page, LONG), { timeout: 20_000 }).toMatchObject({ tail: '.exe', tailInside: true, headShortened: true, text: LONG });
  });

  it('shows a bidi override by its code point in the search, its tooltip and the event page', async () => {
    const { page } = await rig.as('read_only');
    const shown = 'invoice⟨U+202E⟩fdp.exe';
    await page.goto(`/events?user=${encodeURIComponent(USER)}`);
    await expect.poll(() => cellOf(page, shown), { timeout: 20_000 }).toMatchObject({ tail: '.exe', text: shown });
    await page.goto(`/events/${sampleId(901)}`);
    await page.locator('.lede .file-name').waitFor();
    expect(await page.locator('.lede .file-name').textContent()).toBe(shown);
    expect(await page.locator('.lede .file-name').getAttribute('dir')).toBe('ltr');
    expect(await page.content()).not.toContain('\u202E');
  });
});
