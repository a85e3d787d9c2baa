/**
 * How page-words.ts reads a title: in segments (the parts between " - ", " | ", ": " …), each of
 * which a rule's words must fill but for filler ("free", "online", "up to 20 GB") and the site's
 * own name (a word of its host).
 */

/** Words a tool's own title may carry besides what it does. */
const FILLER = new Set(
  (
    'free online secure securely fast faster quick quickly simple easy easily instant instantly anonymous anonymously private privately encrypted ' +
    'unlimited large big huge your my the a an and or & for with to up in of no without via by gb mb tb kb go files file service tool tools app apps ' +
    'platform web website site converter conversion generator login log sign signin account start home new now seconds minutes signup sign-up needed ' +
    'required registration 100 percent all formats format any quality high hd one click'
  ).split(' '),
);

/** A word a tool's title may carry besides what it does (lower case): filler or a size or count ("20gb", "100%"). */
export function isFillerWord(word: string): boolean {
  return word === '' || FILLER.has(word) || /^\d+(?:[.,]\d+)?(?:gb|mb|tb|k|%)?$/.test(word);
}

/** True when every word of `rest` is filler, a number or a word of the host (the site's own name). */
export function onlyFiller(rest: string, host: string): boolean {
  for (const word of rest.toLowerCase().split(/[^\p{L}\p{N}&-]+/u)) {
    if (isFillerWord(word)) continue;
    if (word.length >= 3 && host.includes(word.replace(/-/g, ''))) continue;
    return false;
  }
  return true;
}

const SEGMENT_SEPARATOR = /\s+[-–—|·•»]\s+|\s*[|·•»]\s*|\s*:\s+/;

export interface Segment {
  text: string;
  /** The segment after it, when a colon comes between them ("Cloud Storage: Die besten Anbieter"). */
  afterColon?: string;
  /** The segment before it, when a colon comes between them ("Self-hosted apps: File sharing"). */
  beforeColon?: string;
}

/** The title's segments, in order. */
export function segments(title: string): Segment[] {
  const parts: Segment[] = [];
  let rest = title;
  let colonBefore = false;
  for (;;) {
    const m = SEGMENT_SEPARATOR.exec(rest);
    const text = (m ? rest.slice(0, m.index) : rest).trim();
    if (text !== '') {
      const previous = colonBefore ? parts[parts.length - 1]! : undefined;
      if (previous) previous.afterColon = text;
      parts.push(previous ? { text, beforeColon: previous.text } : { text });
    }
    if (!m) break;
    rest = rest.slice(m.index + m[0].length);
    colonBefore = parts.length > 0 && m[0].includes(':');
  }
  return parts;
}
