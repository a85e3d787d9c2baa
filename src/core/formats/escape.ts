/**
 * Untrusted text (file names, titles, hosts, rule messages, justifications) on its way into a
 * downstream product that renders it (issue 15, item 7): an XSOAR incident's name is one plain line,
 * its details are Markdown; an OCSF finding's title is one plain line. JSON fields need no more than
 * JSON's own escaping (Splunk HEC, Elastic, native, the rest of OCSF).
 */

/** C0/C1 controls, and the bidirectional marks and overrides that make `invoice‮fdp.exe` read as a PDF. */
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Controls, bidi overrides and line separators (U+2028/2029) become spaces; nothing else changes. */
export function controlsToSpaces(text: string): string {
  return text.replace(CONTROLS, ' ').replace(/[\u2028\u2029]/g, ' ');
}

/** One line of plain text: controls and bidi overrides become spaces, runs of space collapse, at most `max` characters. */
export function plainLine(text: string, max = 512): string {
  const line = controlsToSpaces(text).replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/**
 * Characters CommonMark gives a meaning to anywhere in a line (emphasis, links, images, code, HTML,
 * entities, tables). Parentheses only act after a `]`, which is escaped, so they stay readable.
 */
const MARKDOWN = /[\\`*_[\]#!|<>~&]/g;
/** What starts a list at the beginning of a line: `-`, `+`, `1.`, `1)`. */
const LIST_START = /^([-+]|\d+[.)])/;

/** One line of text shown as itself in Markdown: no link, image, HTML tag, heading or list can start inside it. */
export function markdownText(text: string, max = 1024): string {
  return plainLine(text, max)
    .replace(MARKDOWN, (c) => `\\${c}`)
    .replace(LIST_START, (start) => `${start.slice(0, -1)}\\${start.slice(-1)}`);
}
