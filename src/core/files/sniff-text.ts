/**
 * Text analysis for what magic bytes cannot see: scripts, source code, delimited data, structured
 * text, markup and prose. Works on at most the first TEXT_WINDOW bytes of the head, so its cost is
 * bounded whatever the file's size. Every verdict carries the signals that made it.
 */
export interface TextVerdict {
  /** The canonical extension of the format found (py, sh, csv, json, txt…): its category comes from the extension table. */
  ext: string;
  /** What was recognised, for people: "Python source (def, import, self.)". */
  evidence: string;
  /** True for the language detectors (code and scripts), whose verdict is strong enough to call a .txt a disguise. */
  code: boolean;
}

const TEXT_WINDOW = 16 * 1024;

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
  // Many replacement characters mean a legacy 8-bit encoding or binary data; both are still text-ish
  // only when they are rare.
  let bad = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 0xfffd) bad++;
  return bad / Math.max(text.length, 1) < 0.05 ? text.replace(/^\uFEFF/, '') : undefined;
}

interface LanguageRule {
  ext: string;
  name: string;
  signals: [label: string, pattern: RegExp][];
  /** How many distinct signals make the verdict. */
  needs: number;
}

const LANGUAGES: LanguageRule[] = [
  {
    ext: 'ps1',
    name: 'PowerShell script',
    needs: 2,
    signals: [
      ['param()', /^\s*param\s*\(/im],
      ['[CmdletBinding()]', /\[CmdletBinding\(/i],
      ['Verb-Noun cmdlets', /\b(?:Get|Set|New|Remove|Invoke|Write|Import|Start|Stop|Add|Out|Test|ConvertTo|ConvertFrom)-[A-Z][A-Za-z]+\b/],
      ['$variables', /\$(?:env:|PSScriptRoot|_\.|true\b|false\b|null\b|[A-Za-z_]\w*\s*=)/],
      ['-Parameters', /\s-(?:ErrorAction|Path|Force|Recurse|Filter|ExecutionPolicy|Uri|OutFile)\b/i],
    ],
  },
  {
    ext: 'bat',
    name: 'Windows batch script',
    needs: 2,
    signals: [
      ['@echo off', /^\s*@?echo\s+off\b/im],
      ['rem comments', /^\s*(?:rem\s|::)/im],
      ['set / setlocal', /^\s*(?:set\s+\/?\w+=?|setlocal\b)/im],
      ['goto / call :label', /^\s*(?:goto\s+:?\w+|call\s+:\w+|:\w+\s*$)/im],
      ['%variables%', /%(?:~dp0|\w+%|\d)/],
      ['if exist / errorlevel', /\bif\s+(?:not\s+)?(?:exist|errorlevel|defined)\b/i],
    ],
  },
  {
    ext: 'vbs',
    name: 'VBScript',
    needs: 2,
    signals: [
      ['Dim', /^\s*Dim\s+\w+/im],
      ['CreateObject', /\bCreateObject\s*\(/i],
      ['WScript.', /\bWScript\.\w+/i],
      ['On Error Resume Next', /\bOn Error Resume Next\b/i],
      ['End Sub / Function', /^\s*End\s+(?:Sub|Function|If)\b/im],
      ['Set x = ', /^\s*Set\s+\w+\s*=/im],
    ],
  },
  {
    ext: 'sh',
    name: 'shell script',
    needs: 3,
    signals: [
      ['export / alias / source', /^\s*(?:export|alias|source|readonly|local)\s+\w/m],
      ['if [ … ]; then', /\bif\s+\[\[?\s.+\]\]?\s*;\s*then\b/],
      ['fi / done / esac', /^\s*(?:fi|done|esac)\s*$/m],
      ['${VAR}', /\$\{\w+(?:[:#%][^}]*)?\}/],
      ['$(command)', /\$\([a-z]/],
      ['set -e / -euo', /^\s*set\s+-[euxo]+/m],
      ['echo / printf', /^\s*(?:echo|printf)\s/m],
    ],
  },
  {
    ext: 'py',
    name: 'Python source',
    needs: 2,
    signals: [
      ['def f(…):', /^\s*(?:async\s+)?def\s+\w+\s*\(.*\)\s*(?:->\s*[^:]+)?:\s*$/m],
      ['class X:', /^\s*class\s+\w+(?:\(.*\))?\s*:\s*$/m],
      ['import', /^(?:from\s+[\w.]+\s+import\s+\w|import\s+[\w.]+(?:\s+as\s+\w+)?\s*$)/m],
      ['__main__', /if\s+__name__\s*==\s*['"]__main__['"]/],
      ['self.', /\bself\.\w+/],
      ['print()', /^\s*print\(/m],
    ],
  },
  {
    ext: 'php',
    name: 'PHP source',
    needs: 1,
    signals: [['<?php', /^\s*<\?php\b/]],
  },
  {
    ext: 'ts',
    name: 'TypeScript source',
    needs: 2,
    signals: [
      ['interface / type', /^\s*(?:export\s+)?(?:interface\s+\w+|type\s+\w+\s*=)/m],
      ['typed parameters', /\(\s*\w+\s*:\s*(?:string|number|boolean|unknown|any|\w+\[\])\b/],
      ['import … from', /^\s*import\s+(?:type\s+)?[\w{}*,\s]+\s+from\s+['"]/m],
    ],
  },
  {
    ext: 'js',
    name: 'JavaScript source',
    needs: 2,
    signals: [
      ['function', /\bfunction\s*\w*\s*\([^)]*\)\s*\{/],
      ['const / let', /^\s*(?:export\s+)?(?:const|let|var)\s+[\w{[]/m],
      ['=>', /\)\s*=>\s*[{(\w]/],
      ['import / export', /^\s*(?:import\s+[\w{*]|export\s+(?:default|const|function|class)\b)/m],
      ['require()', /\brequire\(\s*['"][^'"]+['"]\s*\)/],
      ['console.log', /\bconsole\.\w+\(/],
    ],
  },
  {
    ext: 'java',
    name: 'Java source',
    needs: 2,
    signals: [
      ['package x.y;', /^\s*package\s+[\w.]+;\s*$/m],
      ['import x.y.Z;', /^\s*import\s+(?:static\s+)?[\w.]+(?:\.\*)?;\s*$/m],
      ['public class', /\b(?:public|private|protected)\s+(?:static\s+)?(?:final\s+)?(?:class|interface|enum|record)\s+\w+/],
      ['System.out', /\bSystem\.out\.print/],
      ['@Override / annotations', /^\s*@(?:Override|Test|Autowired|Entity|Service)\b/m],
    ],
  },
  {
    ext: 'cs',
    name: 'C# source',
    needs: 2,
    signals: [
      ['using System', /^\s*using\s+System(?:\.[\w.]+)?;/m],
      ['namespace', /^\s*namespace\s+[\w.]+\s*[{;]/m],
      ['public class', /\b(?:public|internal|private)\s+(?:static\s+|sealed\s+|partial\s+)*class\s+\w+/],
      ['Console.', /\bConsole\.Write/],
    ],
  },
  {
    ext: 'c',
    name: 'C or C++ source',
    needs: 2,
    signals: [
      ['#include', /^\s*#\s*include\s*[<"][\w./]+[>"]/m],
      ['#define / #ifndef', /^\s*#\s*(?:define|ifndef|ifdef|pragma)\s+\w+/m],
      ['int main()', /\bint\s+main\s*\(/],
      ['std:: / printf', /\b(?:std::\w+|printf\s*\(|malloc\s*\(|sizeof\s*\()/],
      ['struct / typedef', /^\s*(?:typedef\s+)?struct\s+\w*\s*\{/m],
    ],
  },
  {
    ext: 'go',
    name: 'Go source',
    needs: 2,
    signals: [
      ['package x', /^package\s+\w+\s*$/m],
      ['func', /^func\s+(?:\([^)]*\)\s*)?\w+\s*\(/m],
      [':=', /\w\s*:=\s*\S/],
      ['import ( … )', /^import\s+(?:\(|")/m],
    ],
  },
  {
    ext: 'rs',
    name: 'Rust source',
    needs: 2,
    signals: [
      ['fn', /^\s*(?:pub(?:\([\w:]+\))?\s+)?(?:async\s+)?fn\s+\w+/m],
      ['let mut', /\blet\s+mut\s+\w+/],
      ['use x::y', /^\s*use\s+\w+::/m],
      ['impl', /^\s*impl(?:<[^>]*>)?\s+\w+/m],
      ['macros!', /\b(?:println|format|vec|panic)!\(/],
    ],
  },
  {
    ext: 'rb',
    name: 'Ruby source',
    needs: 3,
    signals: [
      ['def', /^\s*def\s+\w+[?!]?(?:\(.*\))?\s*$/m],
      ['end', /^\s*end\s*$/m],
      ["require '…'", /^\s*require(?:_relative)?\s+['"]/m],
      ['do |x|', /\bdo\s*\|\w+(?:,\s*\w+)*\|/],
      ['puts', /^\s*puts\s/m],
    ],
  },
  {
    ext: 'sql',
    name: 'SQL',
    needs: 2,
    signals: [
      ['SELECT … FROM', /\bSELECT\b[\s\S]{1,300}?\bFROM\b/i],
      ['CREATE TABLE / VIEW', /\bCREATE\s+(?:OR\s+REPLACE\s+)?(?:TABLE|VIEW|INDEX|PROCEDURE|FUNCTION)\b/i],
      ['INSERT INTO', /\bINSERT\s+INTO\b/i],
      ['WHERE / JOIN', /\b(?:WHERE|INNER\s+JOIN|LEFT\s+JOIN|GROUP\s+BY|ORDER\s+BY)\b/i],
      ['; line ends', /;\s*$/m],
    ],
  },
  {
    ext: 'swift',
    name: 'Swift source',
    needs: 2,
    signals: [
      ['import Foundation / UIKit', /^\s*import\s+(?:Foundation|UIKit|SwiftUI|Combine)\s*$/m],
      ['func', /^\s*(?:public\s+|private\s+)?func\s+\w+\s*\(/m],
      ['var x: T / let x: T', /^\s*(?:var|let)\s+\w+\s*:\s*[A-Z]\w*/m],
      ['guard let', /\bguard\s+let\b/],
    ],
  },
  {
    ext: 'kt',
    name: 'Kotlin source',
    needs: 2,
    signals: [
      ['fun', /^\s*(?:private\s+|override\s+|suspend\s+)*fun\s+\w+\s*\(/m],
      ['val / var', /^\s*(?:val|var)\s+\w+\s*[:=]/m],
      ['package', /^\s*package\s+[\w.]+\s*$/m],
    ],
  },
];

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
];

const code = (ext: string, evidence: string): TextVerdict => ({ ext, evidence, code: true });
const data = (ext: string, evidence: string): TextVerdict => ({ ext, evidence, code: false });

function byShebang(text: string): TextVerdict | undefined {
  const m = /^#!\s*(\S+)(?:\s+(?:-\S+\s+)*(\S+))?/.exec(text);
  if (!m) return undefined;
  const program = m[1]!.split('/').pop()!;
  const interpreter = program === 'env' ? (m[2] ?? '') : program;
  for (const [pattern, ext, name] of SHEBANGS) if (pattern.test(interpreter)) return code(ext, `${name} (#!${m[1]}${m[2] ? ` ${m[2]}` : ''})`);
  return undefined;
}

function byMarkup(start: string): TextVerdict | undefined {
  if (start.startsWith('{\\rtf')) return data('rtf', 'RTF ({\\rtf)');
  if (start.startsWith('%!PS')) return data('ps', 'PostScript (%!PS)');
  if (start.startsWith('<?php')) return code('php', 'PHP source (<?php)');
  if (/^-----BEGIN [A-Z0-9 ]+-----/.test(start)) return data('pem', 'PEM block (-----BEGIN …-----)');
  if (!start.startsWith('<')) return undefined;
  const lower = start.slice(0, 2048).toLowerCase();
  if (/<svg[\s>]/.test(lower)) return data('svg', 'SVG markup (<svg>)');
  if (/^<!doctype html|<html[\s>]|^<head[\s>]|^<body[\s>]/.test(lower)) return data('html', 'HTML markup');
  if (lower.startsWith('<?xml') || /^<[a-z_][\w:.-]*[\s>]/.test(lower)) return data('xml', 'XML markup');
  return undefined;
}

function byLanguage(text: string): TextVerdict | undefined {
  let best: { rule: LanguageRule; hits: string[] } | undefined;
  for (const rule of LANGUAGES) {
    const hits = rule.signals.filter(([, pattern]) => pattern.test(text)).map(([label]) => label);
    if (hits.length >= rule.needs && (!best || hits.length > best.hits.length)) best = { rule, hits };
  }
  if (best) return code(best.rule.ext, `${best.rule.name} (${best.hits.join(', ')})`);
  return bySyntaxStatistics(text);
}

/** Code in a language without a rule still looks like code: brackets, semicolons and operators. */
function bySyntaxStatistics(text: string): TextVerdict | undefined {
  const lines = text.split('\n').filter((l) => l.trim().length > 0);
  if (lines.length < 8) return undefined;
  let punctuation = 0;
  let visible = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 32) visible++;
    // { } ( ) ; = < > [ ]
    if (c === 123 || c === 125 || c === 40 || c === 41 || c === 59 || c === 61 || c === 60 || c === 62 || c === 91 || c === 93) punctuation++;
  }
  const codeLines = lines.filter((l) => /[;{}]\s*$/.test(l) || /^\s+\S/.test(l)).length;
  if (punctuation / Math.max(visible, 1) > 0.08 && codeLines / lines.length > 0.5) {
    return code('c', `source code by its syntax (${Math.round((100 * punctuation) / visible)} % brackets and operators)`);
  }
  return undefined;
}

/** Split one line on a delimiter outside double quotes. */
function countFields(line: string, delimiter: string): number {
  let fields = 1;
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (ch === delimiter && !quoted) fields++;
  }
  return fields;
}

function byDelimiters(text: string, truncated: boolean): TextVerdict | undefined {
  let lines = text.split(/\r?\n/);
  if (truncated) lines = lines.slice(0, -1); // the last line may be cut
  lines = lines.filter((l) => l.length > 0).slice(0, 50);
  if (lines.length < 2) return undefined;
  for (const [delimiter, ext, name] of [['\t', 'tsv', 'tab'], [',', 'csv', 'comma'], [';', 'csv', 'semicolon'], ['|', 'csv', 'pipe']] as const) {
    const first = countFields(lines[0]!, delimiter);
    if (first < 2) continue;
    const consistent = lines.filter((l) => countFields(l, delimiter) === first).length;
    if (consistent / lines.length >= 0.9) return data(ext, `${name}-separated values (${first} columns over ${lines.length} lines)`);
  }
  return undefined;
}

function byStructure(text: string, start: string): TextVerdict | undefined {
  if (/^[[{]\s*(?:"|\[|\{|-?\d|true|false|null|[\]}])/.test(start) && /"[^"\n]{0,200}"\s*:|^\[\s*(?:-?\d|"|\{|\[)/m.test(start)) {
    return data('json', 'JSON');
  }
  const lines = text.split('\n').filter((l) => l.trim() && !/^\s*#/.test(l)).slice(0, 100);
  if (lines.length >= 2) {
    const toml = lines.filter((l) => /^\s*\[[\w.\-" ]+\]\s*$|^\s*[\w.\-"]+\s*=\s*\S/.test(l)).length;
    if (toml / lines.length >= 0.8 && lines.some((l) => /^\s*\[/.test(l))) {
      return lines.some((l) => /=\s*(?:"|\[|\{|true|false|\d)/.test(l)) ? data('toml', 'TOML / INI sections and keys') : data('ini', 'INI sections and keys');
    }
    const yaml = lines.filter((l) => /^\s*(?:- )?[\w.\-"']+:(?:\s|$)|^\s*- \S|^---\s*$/.test(l)).length;
    if (yaml / lines.length >= 0.8) return data('yaml', 'YAML keys and lists');
  }
  return undefined;
}

function byProse(text: string): TextVerdict {
  const markdown = [/^#{1,6}\s+\S/m, /^\s*[-*+]\s+\S/m, /\[[^\]\n]+\]\([^)\s]+\)/, /^```/m, /\*\*[^*\n]+\*\*/].filter((p) => p.test(text)).length;
  if (markdown >= 2) return data('md', 'Markdown (headings, lists, links)');
  const words = text.match(/\p{L}{2,}/gu)?.length ?? 0;
  return data('txt', words > 20 ? 'plain text (prose)' : 'plain text');
}

/** `truncated`: the head is shorter than the file, so the last line may be cut. */
export function sniffText(bytes: Uint8Array, truncated: boolean): TextVerdict | undefined {
  const text = decodeText(bytes);
  if (text === undefined || text.trim().length === 0) return undefined;
  const start = text.trimStart();
  return (
    byShebang(text) ??
    byMarkup(start) ??
    byStructure(text, start) ??
    byLanguage(text) ??
    byDelimiters(text, truncated || bytes.length > TEXT_WINDOW) ??
    byProse(text)
  );
}
