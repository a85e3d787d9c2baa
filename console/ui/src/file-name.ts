/**
 * A file name as an analyst must read it. An uploaded name is whatever the page or the person gave:
 * Unicode's bidi controls would redraw "invoice\u202Efdp.exe" as "invoiceexe.pdf", and a line cut
 * short by an ellipsis would hide a real ".exe" at the end of a long name. So the invisible
 * characters are shown by their code point (a forensic view says what was there), and the name is
 * split so its end, where the extension is, can be kept in view while the rest is shortened.
 */

// C0/C1 controls and Unicode's Bidi_Control characters (marks, embeddings, overrides, isolates).
const HIDDEN = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
/** src/core/files/classify.ts counts extensions of up to 32 characters. */
const EXTENSION_MAX = 32;
/** Without an extension in reach, the last characters are what stays in view. */
const END_KEPT = 8;

export interface ShownFileName {
  /** The whole name, invisible characters shown as ⟨U+XXXX⟩ (a tooltip, a screen reader). */
  text: string;
  /** The part that may be shortened with an ellipsis. */
  head: string;
  /** The end that always shows: from the last dot, or the last few characters. */
  tail: string;
}

const codePoint = (c: string) => `⟨U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}⟩`;

export function shownFileName(name: string): ShownFileName {
  const text = name.replace(HIDDEN, codePoint);
  const chars = Array.from(text);
  const dot = chars.lastIndexOf('.');
  const keep = dot > 0 && chars.length - dot <= EXTENSION_MAX + 1 ? chars.length - dot : Math.min(END_KEPT, chars.length);
  return { text, head: chars.slice(0, chars.length - keep).join(''), tail: chars.slice(chars.length - keep).join('') };
}
