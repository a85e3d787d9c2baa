// The warn/block dialog shows a person the real end of every file name (the rendering audit): a long
// name is shortened in its middle, not its end; every Unicode bidi control goes, the Arabic letter
// mark included; and names are laid out left to right even on a page that makes <html> right-to-left
// (in Chromium a right-to-left box draws "invoice.pdf\u05D0.exe" as "exe.\u05D0invoice.pdf").
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ResponseDecision } from '../../../src/core/schema/response';
import { createResponseDialog } from '../../../src/content/response/dialog';
import { dialogView, fileNameText, type Translate } from '../../../src/content/response/dialog-view';

const t: Translate = (key) => key;
const decision = (over: Partial<ResponseDecision> = {}): ResponseDecision => ({
  decisionId: 'a1',
  action: 'warn',
  justification: 'none',
  files: [{ name: 'ledger.xlsx', size: 2048 }],
  destination: { host: 'www.dropbox.com', name: 'Dropbox', category: 'cloud_storage' },
  reasons: [],
  severity: 'high',
  ...over,
});

afterEach(() => {
  document.documentElement.querySelectorAll(':scope > *:not(head):not(body)').forEach((el) => el.remove());
  document.documentElement.removeAttribute('dir');
});

describe('file names in the response dialog', () => {
  it('keeps the real extension of a name too long to show whole', () => {
    const name = `invoice.pdf${'_'.repeat(300)}.exe`;
    const [line] = dialogView(decision({ files: [{ name, size: 10 }] }), t).files;
    expect(line).toMatch(/^invoice\.pdf_+…_+\.exe — 10 B$/);
    expect(line!.length).toBeLessThan(140);
  });

  it.each([
    ['short names stay whole', 'report.docx', 20, 'report.docx'],
    ['a compound extension shows', `${'a'.repeat(200)}.tar.gz`, 40, `${'a'.repeat(7)}…${'a'.repeat(25)}.tar.gz`],
    ['astral characters are not cut in half', `${'😀'.repeat(100)}.exe`, 40, `${'😀'.repeat(7)}…${'😀'.repeat(28)}.exe`],
  ])('%s', (_what, name, max, shown) => {
    expect(fileNameText(name, max)).toBe(shown);
    expect(Array.from(fileNameText(name, max)).length).toBeLessThanOrEqual(max);
  });

  it('removes the Arabic letter mark like the other bidi controls', () => {
    const [line] = dialogView(decision({ files: [{ name: 'invoice\u061Cfdp.exe', size: 1 }] }), t).files;
    expect(line).toBe('invoice fdp.exe — 1 B');
  });

  it('lays names and the destination out left to right on a right-to-left page', async () => {
    document.documentElement.setAttribute('dir', 'rtl');
    const attach = HTMLElement.prototype.attachShadow;
    let root: ShadowRoot | undefined;
    const spy = vi.spyOn(HTMLElement.prototype, 'attachShadow').mockImplementation(function (this: HTMLElement, init: ShadowRootInit) {
      root = attach.call(this, init);
      return root;
    });
    try {
      void createResponseDialog(document, t).show(decision({ files: [{ name: 'invoice.pdf\u05D0.exe', size: 1 }] }));
      await vi.waitFor(() => expect(root?.querySelector('li')).toBeTruthy());
    } finally {
      spy.mockRestore();
    }
    const item = Array.from(root!.querySelectorAll('li')).find((li) => li.textContent!.startsWith('invoice'))!;
    expect(item.textContent).toBe('invoice.pdf\u05D0.exe — 1 B');
    expect(item.dir).toBe('ltr');
    const destination = Array.from(root!.querySelectorAll('dd')).find((dd) => dd.textContent === 'Dropbox (www.dropbox.com)');
    expect(destination?.dir).toBe('ltr');
  });
});
