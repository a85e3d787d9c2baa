// The popup shows the real end of a file name (the rendering audit): bidi controls and control
// characters in a name are removed, so "invoice\u202Efdp.exe" does not read as "invoiceexe.pdf".
import { beforeEach, describe, expect, it } from 'vitest';
import { sampleEvent } from '../support/sample-event';
import { loadPage } from '../support/pages';
import type { PopupState } from '../../../src/core/schema/messages';
import { renderPopup } from '../../../src/ui/popup-view';

const NOW = new Date('2026-11-23T10:05:00Z');

async function popupWith(name: string): Promise<Document> {
  const event = await sampleEvent({ observedAt: '2026-11-23T10:00:00.000Z', file: { name, size: 1, mimeType: '' }, tab: { url: 'https://www.dropbox.com/' } });
  const state: PopupState = {
    showEventList: true,
    events: [event],
    lastSeenAt: 0,
    policyErrors: [],
    delivery: { configured: true, format: 'native', queued: 0, deadLetters: 0, dropped: 0 },
  };
  renderPopup(document, state, NOW);
  return document;
}

let document: Document;
beforeEach(() => {
  document = loadPage('popup');
});

describe('file names in the popup', () => {
  it.each([
    ['right-to-left override', 'invoice\u202Efdp.exe', 'invoice fdp.exe'],
    ['right-to-left isolate', 'photo\u2067gpj\u2069.scr', 'photo gpj .scr'],
    ['Arabic letter mark', 'report\u061C.pdf.exe', 'report .pdf.exe'],
    ['line break and NUL', 'a\n\u0000b.exe', 'a b.exe'],
  ])('%s: %j shows as %j', async (_what, name, shown) => {
    const doc = await popupWith(name);
    expect(doc.querySelector('.file')?.textContent).toBe(shown);
  });

  it('shows a long name whole, its extension included', async () => {
    const name = `invoice.pdf${'_'.repeat(600)}.exe`;
    const doc = await popupWith(name);
    expect(doc.querySelector('.file')?.textContent).toBe(name);
  });
});
