// The console UI's file names (the rendering audit): what console/ui/src/file-name.ts makes of a name
// before FileName lays it out — invisible bidi and control characters shown by code point, so
// "invoice\u202Efdp.exe" cannot be drawn as "invoiceexe.pdf", and the end that must stay in view
// (the extension) split from the head that may be shortened.
import { describe, expect, it } from 'vitest';
import { shownFileName } from '../../../console/ui/src/file-name';

describe('shownFileName', () => {
  it.each([
    ['a plain name', 'ledger.xlsx', 'ledger.xlsx', 'ledger', '.xlsx'],
    ['a right-to-left override', 'invoice\u202Efdp.exe', 'invoice⟨U+202E⟩fdp.exe', 'invoice⟨U+202E⟩fdp', '.exe'],
    ['an isolate and a mark', 'photo\u2067gpj\u2069\u061C.scr', 'photo⟨U+2067⟩gpj⟨U+2069⟩⟨U+061C⟩.scr', 'photo⟨U+2067⟩gpj⟨U+2069⟩⟨U+061C⟩', '.scr'],
    ['a line break and NUL', 'a\n\u0000b.pdf', 'a⟨U+000A⟩⟨U+0000⟩b.pdf', 'a⟨U+000A⟩⟨U+0000⟩b', '.pdf'],
    [
      'a long name with its real extension at the end',
      `invoice.pdf${'_'.repeat(200)}.exe`,
      `invoice.pdf${'_'.repeat(200)}.exe`,
      `invoice.pdf${'_'.repeat(200)}`,
      '.exe',
    ],
    [
      'no dot near the end: the last characters',
      `invoice.pdf${'_'.repeat(200)}exe`,
      `invoice.pdf${'_'.repeat(200)}exe`,
      `invoice.pdf${'_'.repeat(195)}`,
      '_____exe',
    ],
    ['a dot file', '.bashrc', '.bashrc', '', '.bashrc'],
    ['astral characters stay whole', `${'😀'.repeat(10)}`, '😀'.repeat(10), '😀'.repeat(2), '😀'.repeat(8)],
  ])('%s', (_what, name, text, head, tail) => {
    expect(shownFileName(name)).toEqual({ text, head, tail });
  });
});
