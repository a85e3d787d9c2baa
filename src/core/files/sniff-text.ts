/**
 * Text analysis for what magic bytes cannot see: scripts, source code, delimited data, structured
 * text, markup and prose. Works on at most the first TEXT_WINDOW bytes of the head, so its cost is
 * bounded whatever the file's size. Every verdict carries the signals that made it.
 */
import { LANGUAGES as BASE_LANGUAGES, type LanguageRule } from './text-languages';
import { MORE_LANGUAGES } from './text-languages-more';
import { bySedProgram, byShellCommandLines, byZshDeclaration, SHELL_LANGUAGES } from './text-languages-shells';
import { byDocumentationMarkup, markdownMarkers, withoutFences } from './text-markup';
import { byDirectives, byRequirements, bySettings, mostly } from './text-settings';

export interface TextVerdict {
  /** The canonical extension of the format found (py, sh, csv, json, txt…): its category comes from the extension table. */
  ext: string;
  /** What was recognised, for people: "Python source (def, import, self.)". */
  evidence: string;
  /** True for the language detectors (code and scripts), whose verdict is strong enough to call a .txt a disguise. */
  code: boolean;
  /** Why this verdict is a guess the content model should check (code found in text that reads like Markdown). */
  unsure?: string;
}

const TEXT_WINDOW = 4 * 1024;
/** Languages show themselves in their first lines: imports, declarations, shebangs. */
const LANGUAGE_WINDOW = 2 * 1024;

/** True when the bytes look like text: no NUL, few control characters, valid-looking UTF-8 or ASCII. */
export function looksLikeText(bytes: Uint8Array): boolean {
  if (bytes.length === 0) return false;
  const n = Math.min(bytes.length, TEXT_WINDOW);
  let control = 0;
  for (let i = 0; i < n; i++) {
    const b = bytes[i]!;
    if (b === 0) return false;
    if (b < 32 && b !== 9 && b !== 10 && b !== 13 && b !== 12 && b !== 27) control++;
  }
  return control / n < 0.02;
}

/** UTF-16 text (with a byte-order mark) is decoded too: PowerShell and Windows tools write it. */
export function decodeText(bytes: Uint8Array): string | undefined {
  const window = bytes.subarray(0, TEXT_WINDOW);
  if (window.length >= 2 && ((window[0] === 0xff && window[1] === 0xfe) || (window[0] === 0xfe && window[1] === 0xff))) {
    const le = window[0] === 0xff;
    const text = new TextDecoder(le ? 'utf-16le' : 'utf-16be').decode(window.subarray(2, window.length - (window.length % 2)));
    return /[\u0000-\u0008\u000e-\u001a]/.test(text) ? undefined : text;
  }
  if (!looksLikeText(window)) return undefined;
  const text = new TextDecoder('utf-8').decode(window);
  // Many replacement characters mean a legacy 8-bit encoding or binary data: text only when rare.
  if (text.includes('\uFFFD')) {
    let bad = 0;
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 0xfffd) bad++;
    if (bad / text.length >= 0.05) return undefined;
  }
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

const SHEBANGS: [RegExp, string, string][] = [
  [/^(?:ba|z|k|da|c|tc|a|fi)?sh$/, 'sh', 'shell script'],
  [/^(?:pwsh|powershell)$/, 'ps1', 'PowerShell script'],
  [/^python[\d.]*$/, 'py', 'Python source'],
  [/^(?:node|nodejs|deno|bun|tsx|ts-node)$/, 'js', 'JavaScript source'],
  [/^ruby$/, 'rb', 'Ruby source'],
  [/^perl[\d.]*$/, 'pl', 'Perl source'],
  [/^php[\d.]*$/, 'php', 'PHP source'],
  [/^lua[\d.]*$/, 'lua', 'Lua source'],
  [/^Rscript$/, 'r', 'R source'],
  [/^osascript$/, 'applescript', 'AppleScript'],
  [/^nu$/, 'nu', 'Nushell script'],
  [/^elvish$/, 'elv', 'Elvish script'],
  [/^xonsh$/, 'xsh', 'Xonsh script'],
  [/^[gnm]?awk$/, 'awk', 'Awk script'],
  [/^sed$/, 'sed', 'sed script'],
];

const code = (ext: string, evidence: string): TextVerdict => ({ ext, evidence, code: true });
const data = (ext: string, evidence: string): TextVerdict => ({ ext, evidence, code: false });

function byShebang(text: string): TextVerdict | undefined {
  const m = /^#!\s*(\S+)(?:\s+(?:-\S+\s+)*(\S+))?/.exec(text);
  if (!m) return undefined;
  const program = m[1]!.split('/').pop()!;
  const interpreter = program === 'env' ? (m[2] ?? '') : program;
  // The format name only: the interpreter path and its arguments are file content (issue 15, item 6).
  for (const [pattern, ext, name] of SHEBANGS) if (pattern.test(interpreter)) return code(ext, `${name} (#! interpreter line)`);
  return undefined;
}

function byMarkup(start: string): TextVerdict | undefined {
  if (start.startsWith('{\\rtf')) return data('rtf', 'RTF ({\\rtf)');
  if (start.startsWith('%!PS')) return data('ps', 'PostScript (%!PS)');
  if (start.startsWith('<?php')) return code('php', 'PHP source (<?php)');
  if (start.startsWith('BEGIN:VCARD')) return data('vcf', 'vCard (BEGIN:VCARD)');
  if (start.startsWith('BEGIN:VCALENDAR')) return data('ics', 'iCalendar (BEGIN:VCALENDAR)');
  if (start.startsWith('WEBVTT')) return data('vtt', 'WebVTT subtitles');
  if (/^-----BEGIN [A-Z0-9 ]+-----/.test(start)) return data('pem', 'PEM block (-----BEGIN …-----)');
  // An XPM image is C source by its syntax; its first line says it is an image.
  if (/^\/\*\s*XPM\s*\*\//.test(start)) return data('xpm', 'X PixMap image (/* XPM */)');
  const documentation = byDocumentationMarkup(start);
  if (documentation) return documentation;
  if (!start.startsWith('<')) return undefined;
  const lower = start.slice(0, 2048).toLowerCase();
  if (/<svg[\s>]/.test(lower)) return data('svg', 'SVG markup (<svg>)');
  if (/^<!doctype html|<html[\s>]|^<head[\s>]|^<body[\s>]/.test(lower)) return data('html', 'HTML markup');
  if (lower.startsWith('<?xml')) return data('xml', 'XML markup');
  const element = /^<([a-z_][\w:.-]*)[\s>]/.exec(lower);
  return element && isMarkup(start, element[1]!) ? data('xml', 'XML markup') : undefined;
}

/**
 * Whether text that opens with a tag is XML: the element is closed somewhere (its end tag, or an
 * empty element), and the text is not a Markdown or reStructuredText page that only opens with an
 * HTML heading or a `<NAME>` placeholder title (its other lines prose, most not a tag).
 */
function isMarkup(start: string, name: string): boolean {
  const window = start.slice(0, 8192);
  const lower = window.toLowerCase();
  if (!lower.includes(`</${name}`) && !lower.includes('/>')) return false;
  const lines = window.split(/\r\n|\r|\n/).filter((l) => l.trim().length > 0);
  const tags = lines.filter((l) => l.trimStart().startsWith('<')).length;
  return !(markdownMarkers(window) + Number(/^#{1,6}\s+\S/m.test(window)) >= 2 && tags < lines.length / 2);
}

const LANGUAGES = [...BASE_LANGUAGES, ...MORE_LANGUAGES, ...SHELL_LANGUAGES];

/**
 * Signals compiled once, one expression per language and kind (line start or anywhere) and case
 * rule, each signal a named group: a language costs one or two passes over the text, not one per signal.
 */
const COMPILED = LANGUAGES.map((rule) => {
  const groups = new Map<string, string[]>();
  rule.signals.forEach(([, { at, pattern }], i) => {
    const key = `${at}:${pattern.ignoreCase ? 'i' : ''}`;
    groups.set(key, [...(groups.get(key) ?? []), `(?<s${i}>${pattern.source})`]);
  });
  const passes = [...groups].map(([key, parts]) => {
    const [at, i] = key.split(':');
    const body = parts.join('|');
    return new RegExp(at === 'line' ? `^[ \\t]*(?:${body})` : body, `gm${i}`);
  });
  return { rule, passes };
});

function signalsIn(text: string, passes: readonly RegExp[], rule: LanguageRule): string[] {
  const found = new Set<number>();
  for (const pass of passes) {
    for (const m of text.matchAll(pass)) {
      for (const name in m.groups) if (m.groups[name] !== undefined) found.add(Number(name.slice(1)));
      if (found.size === rule.signals.length) break;
    }
  }
  return [...found].sort((x, y) => x - y).map((i) => rule.signals[i]![0]);
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/**
 * Every gate fragment in one expression: one pass over the text says which languages to try.
 * Longest first: at one position the first alternative wins, and a short fragment ("set ") must
 * not hide a longer one that starts the same way ("set -", the gate of shell and fish).
 */
const GATES = new RegExp(
  [...new Set(LANGUAGES.flatMap((r) => r.gate))]
    .sort((a, b) => b.length - a.length)
    .map(escapeRegExp)
    .join('|'),
  'gi',
);

function byLanguage(text: string, lines: readonly string[]): TextVerdict | undefined {
  const seen = new Set<string>();
  for (const m of text.matchAll(GATES)) seen.add(m[0].toLowerCase());
  if (seen.size === 0) return bySyntaxStatistics(text, lines);
  let best: { rule: LanguageRule; hits: string[] } | undefined;
  for (const { rule, passes } of COMPILED) {
    if (!rule.gate.some((g) => seen.has(g))) continue;
    const hits = signalsIn(text, passes, rule);
    if (hits.length >= rule.needs && (!best || hits.length > best.hits.length)) best = { rule, hits };
  }
  if (best) return code(best.rule.ext, `${best.rule.name} (${best.hits.join(', ')})`);
  return bySyntaxStatistics(text, lines);
}

/** Code in a language without a rule still looks like code: brackets, semicolons and operators. */
function bySyntaxStatistics(text: string, lines: readonly string[]): TextVerdict | undefined {
  if (lines.length < 8) return undefined;
  let punctuation = 0;
  let visible = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 32) visible++;
    // { } ( ) ; = < > [ ]
    if (c === 123 || c === 125 || c === 40 || c === 41 || c === 59 || c === 61 || c === 60 || c === 62 || c === 91 || c === 93) punctuation++;
  }
  if (punctuation / Math.max(visible, 1) <= 0.08) return undefined;
  const codeLines = lines.filter((l) => /[;{}]\s*$/.test(l) || /^\s+\S/.test(l)).length;
  if (codeLines / lines.length > 0.5) {
    return code('c', `source code by its syntax (${Math.round((100 * punctuation) / visible)} % brackets and operators)`);
  }
  return undefined;
}

/** Split one line on a delimiter outside double quotes. */
function countFields(line: string, delimiter: number): number {
  let fields = 1;
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 34 /* " */) quoted = !quoted;
    else if (c === delimiter && !quoted) fields++;
  }
  return fields;
}

function byDelimiters(lines: readonly string[]): TextVerdict | undefined {
  // A table may open with comment lines (a VCF's ## meta lines, a list's "# kinds:" header).
  const body = lines.findIndex((l) => !l.startsWith('#'));
  const sample = lines.slice(Math.max(body, 0), Math.max(body, 0) + 50);
  if (sample.length < 2) return undefined;
  for (const [delimiter, ext, name] of [
    ['\t', 'tsv', 'tab'],
    [',', 'csv', 'comma'],
    [';', 'csv', 'semicolon'],
    ['|', 'csv', 'pipe'],
  ] as const) {
    const code = delimiter.charCodeAt(0);
    const first = countFields(sample[0]!, code);
    if (first < 2) continue;
    if (mostly(sample, (l) => countFields(l, code) === first, 0.9)) {
      return data(ext, `${name}-separated values (${first} columns over ${sample.length} lines)`);
    }
  }
  return undefined;
}

function byStructure(start: string, lines: readonly string[]): TextVerdict | undefined {
  if (/^[[{]\s*(?:"|\[|\{|-?\d|true|false|null|[\]}])/.test(start) && /"[^"\n]{0,200}"\s*:|^\[\s*(?:-?\d|"|\{|\[)/m.test(start)) {
    return data('json', 'JSON');
  }
  const meaningful = lines.filter((l) => !/^\s*#/.test(l));
  if (meaningful.length < 2) return undefined;
  if (meaningful.some((l) => /^\s*\[/.test(l)) && mostly(meaningful, (l) => /^\s*\[[\w.\-" ]+\]\s*$|^\s*[\w.\-"]+\s*=\s*\S/.test(l), 0.8)) {
    return meaningful.some((l) => /=\s*(?:"|\[|\{|true|false|\d)/.test(l)) ? data('toml', 'TOML sections and keys') : data('ini', 'INI sections and keys');
  }
  // A key or a document marker too: lines that are only "- item" are a list (Markdown's, or plain text's).
  const yaml = (l: string) => /^\s*(?:- )?[\w.\-"']+:(?:\s|$)|^---\s*$/.test(l);
  if (meaningful.some(yaml) && mostly(meaningful, (l) => yaml(l) || /^\s*- \S/.test(l), 0.8)) return data('yaml', 'YAML keys and lists');
  return undefined;
}

function byProse(text: string): TextVerdict {
  const markdown = [/^#{1,6}\s+\S/m, /^\s*[-*+]\s+\S/m, /\[[^\]\n]+\]\([^)\s]+\)/, /^```/m, /\*\*[^*\n]+\*\*/].filter((p) => p.test(text)).length;
  if (markdown >= 2) return data('md', 'Markdown (headings, lists, links)');
  let words = 0;
  for (let i = 1; i < text.length && words <= 20; i++) if (text.charCodeAt(i - 1) === 32 && /\p{L}/u.test(text[i]!)) words++;
  return data('txt', words > 20 ? 'plain text (prose)' : 'plain text');
}

/** `truncated`: the head is shorter than the file, so the last line may be cut. */
export function sniffText(bytes: Uint8Array, truncated: boolean): TextVerdict | undefined {
  const text = decodeText(bytes);
  if (text === undefined || text.trim().length === 0) return undefined;
  const start = text.trimStart();
  // Line ends of any system: classic Mac OS (and Smalltalk change sets) end lines with CR alone.
  const all = text.split(/\r\n|\r|\n/);
  // The last line may be cut when the head is shorter than the file.
  if (truncated || bytes.length > TEXT_WINDOW) all.pop();
  const lines = all.filter((l) => l.trim().length > 0).slice(0, 100);
  const head = text.length > LANGUAGE_WINDOW ? text.slice(0, LANGUAGE_WINDOW) : text;
  // Code inside Markdown's fenced blocks is the document's example, not what the file is: the
  // language detectors read what is outside them.
  const unfenced = withoutFences(head);
  const outside = unfenced === head ? lines : lines.filter((l) => unfenced.includes(l));
  const firm = byShebang(text) ?? byZshDeclaration(text) ?? byMarkup(start) ?? byStructure(start, lines);
  if (firm) return firm;
  const language = byLanguage(unfenced, outside);
  // Code in text laid out as Markdown is a guess: a README's example outside its fences reads the same.
  if (language && markdownMarkers(head) >= 2)
    return { ...language, code: false, unsure: `text analysis found ${language.evidence} in text laid out as Markdown` };
  return (
    language ??
    byShellCommandLines(lines) ??
    bySedProgram(lines) ??
    byDelimiters(lines) ??
    bySettings(lines) ??
    byDirectives(lines) ??
    byRequirements(lines) ??
    byProse(head)
  );
}
