/**
 * Shells beyond POSIX sh, fish and PowerShell (issue 16, the scripts development set of
 * bench/intelligence-files): zsh (completion functions, plugins, prompt themes), Nushell and
 * Elvish, and awk programs without a shebang. The content model has no label for Nushell or Elvish and reads them as Tcl, Lua or
 * Markdown; it reads zsh completion functions as YAML, ERB or Makefiles, and our analysis read
 * a plugin of `alias` lines as configuration directives. Each rule needs two signals of its own
 * syntax; a file of shell aliases alone is named by `byShellAliases`.
 */
import type { TextVerdict } from './sniff-text';
import { any, line, type LanguageRule } from './text-languages';

export const SHELL_LANGUAGES: LanguageRule[] = [
  {
    ext: 'zsh',
    gate: ['#compdef', 'autoload', 'zmodload', 'setopt', 'zstyle', 'bindkey', 'compdef', '_arguments', '_describe', '$+', 'typeset', '%{$', 'zle ', 'prompt'],
    name: 'zsh script',
    needs: 2,
    signals: [
      ['#compdef', line(/#compdef\s+\S/)],
      ['autoload / zmodload', line(/(?:autoload|zmodload)\s+-?\w/)],
      ['setopt', line(/(?:un)?setopt\s+\w/)],
      ["zstyle ':…'", line(/zstyle\s+['"]?:/)],
      ['bindkey / compdef / zle', line(/(?:bindkey|compdef|zle)\s+\S/)],
      ['_arguments / _describe', line(/(?:_arguments|_describe|_values|_wanted|_alternative)\s/)],
      ['$+functions[…]', any(/\$\+(?:functions|commands|parameters|aliases)\[/)],
      ['typeset -g / local -a', line(/(?:typeset|local)\s+-[aAgUxHr]+\s+\w/)],
      ['%{$fg…%} prompt escapes', any(/%\{\$(?:fg|bg|fg_bold|reset_color|terminfo)\b/)],
      ['PROMPT= / RPROMPT= / PS1=', line(/(?:export\s+)?(?:PROMPT|RPROMPT|PS1|PS2|PS4|PROMPT_COMMAND)\+?=/)],
    ],
  },
  {
    ext: 'nu',
    gate: ['def ', 'extern ', '$env.', '$in', '$it', 'let ', 'mut ', '(-', '...'],
    name: 'Nushell script',
    needs: 2,
    signals: [
      // A signature in brackets: `def name [x: int]`, `extern "git push" [`; Python's `def f[T](` is generic.
      ['def / extern name [ … ]', line(/(?:export\s+)?(?:def|extern)(?:-env)?\s+(?:--?[\w-]+\s+)*(?:"[^"\n]+"|'[^'\n]+'|[\w-]+)\s*\[(?![^\]\n]*\]\s*\()/)],
      ['let / mut x =', line(/(?:let|mut)\s+[\w-]+(?:\s*:\s*[\w<>]+)?\s*=\s/)],
      ['$env.NAME', any(/\$env\.\w/)],
      [
        '| each / where / get pipelines',
        any(
          /\|\s*(?:each|where|get|select|lines|transpose|rename|par-each|reduce|upsert|reject|flatten|is-empty|sort-by|split row|str (?:trim|join|replace|contains)|from (?:json|nuon|toml|yaml|csv)|to (?:json|nuon|text|md))\b/,
        ),
      ],
      ['$in / $it', any(/\$(?:in|it)\b/)],
      ['--flag(-f)', any(/--[\w-]+\(-\w\)/)],
      ['--flag  # description', line(/--[\w-]+(?:\(-\w\))?(?:\s*:\s*\w+)?[ \t]+#\s/)],
      // A signature holding only a rest parameter, on lines of its own (JavaScript's spread sits in `[...xs]` or ends in a comma).
      ['[ ...rest ] signature', any(/\[[ \t]*\n\s*\.\.\.[\w-]+(?:\s*:\s*[\w<>]+)?\s*\n\s*\]/)],
    ],
  },
  {
    ext: 'elv',
    gate: ['fn ', 'var ', 'use ', '$e:', '$edit:', '&'],
    name: 'Elvish script',
    needs: 2,
    signals: [
      // `fn name {|a b| … }` (or the older `fn name [a b]{ … }`): Rust and Zig write `fn name(`.
      ['fn name { … }', line(/fn\s+(?:'[^'\n]+'|[\w:-]+)\s*(?:\{\s*(?:\|[^|\n]*\|)?|\[[^\]\n]*\]\s*\{)/)],
      ['var x', line(/var\s+-?[\w:-]+(?:\s+[\w:-]+)*(?:\s*=\s|\s*$)/)],
      ['use module', line(/use\s+[\w./-]+\s*$/)],
      ['$ns:name', any(/\$(?:E|e|edit|re|str|path|os|file|math|platform|runtime|epm):[\w-]/)],
      ['&option=', any(/\s&[\w-]+=\S/)],
    ],
  },
  {
    // AutoHotkey v1 (the model's autohotkey label under 0.9 says code, and hotstrings of SQL
    // keywords read as SQL): hotstrings and hotkeys on their own lines, directives, commands with
    // comma-separated arguments, %variables% and A_ built-ins.
    ext: 'ahk',
    gate: ['::', '#noenv', '#singleinstance', '#include', '#persistent', 'sendmode', 'setworkingdir', 'a_', 'gui,', 'send,', 'sendinput', 'winactivate'],
    name: 'AutoHotkey script',
    needs: 2,
    signals: [
      // `:*:btw::by the way`, `::btw::`; C++'s `: base(x)` and `std::` never open a line with `:opts:`.
      ['hotstrings', line(/:[*?BbCcKkOoPpRrSsTtXxZz0-9]*:[^:\s][^:\n]*::/)],
      // `#n::`, `^!s::Run x`, `F12::`: a modifier or a key name before `::`.
      ['hotkeys', line(/(?:[#!^+<>*~$]+\w+|F\d{1,2}|(?:Numpad|Media_|Browser_|Launch_)\w+|CapsLock|ScrollLock|AppsKey|PrintScreen|Pause)::/)],
      // Case as AutoHotkey's documentation writes them: C's `#include` is not `#Include`.
      [
        '#NoEnv / #SingleInstance / #Include',
        line(/#(?:NoEnv|SingleInstance|Persistent|Include|IfWinActive|IfWinExist|HotkeyInterval|MaxHotkeysPerInterval|Warn|Requires|NoTrayIcon)\b/),
      ],
      ['SendMode / SetWorkingDir', line(/(?:SendMode|SetWorkingDir|SetTitleMatchMode|SetBatchLines|DetectHiddenWindows|CoordMode)\b/)],
      [
        'Command, arguments',
        line(
          /(?:Gui|Send|SendInput|Sleep|MsgBox|FormatTime|WinActivate|WinWait|IfWinActive|Run|StringReplace|StringSplit|IniRead|IniWrite|SetTimer|Menu|Hotkey|ControlSend|ControlClick|ToolTip|FileRead|FileAppend|Loop|Process),\s/,
        ),
      ],
      [
        '%A_ built-ins% / A_Now',
        any(/%A_\w+%|\bA_(?:Now|ScriptDir|ScriptName|Index|LoopField|LoopFileName|TickCount|WorkingDir|UserName|ComputerName|AhkPath)\b/),
      ],
    ],
  },
  {
    // Perl has BEGIN blocks and substr() too: three signals, and Perl's own rule comes first on a tie.
    ext: 'awk',
    gate: ['begin', 'end', 'getline', 'nr', 'nf', 'print'],
    name: 'Awk script',
    needs: 3,
    signals: [
      ['BEGIN { / END {', line(/(?:BEGIN|END|BEGINFILE|ENDFILE)\s*\{/)],
      ['/pattern/ { action }', line(/(?:\/(?:[^/\\\n]|\\.)+\/|\$\d+\s*[=!~<>]=?|N?F?NR\s*[=<>!]=?\s*\d+)[^{\n]*\{/)],
      ['print / printf', line(/printf?[\s(]/)],
      // Functions, never methods: Python's and JavaScript's `.split(`, Python's `re.sub(`, PHP's `->substr(` are not awk's.
      ['getline / split() / substr() / gsub()', any(/(?<![.$>:\w])(?:getline\b|split\(|substr\(|g?sub\(|sprintf\(|tolower\(|toupper\()/)],
      ['NR / NF / FS / OFS', any(/\b(?:NR|NF|FNR|FS|OFS|ORS|RS|SUBSEP)\b/)],
    ],
  },
];

/**
 * Lines of one shell command, which plugins and completion files are made of: `alias name=…`
 * (sh, bash, zsh), Nushell's `export alias name = …`, fish's `complete -c command …` and bash's `complete -F function command`. Two
 * or more, and most lines outside comments. mutt's `alias name Full Name <address>` has no `=`,
 * and a Git config's `[alias]` section writes `name = command`: both stay configuration.
 */
const COMMAND_LINES: [pattern: RegExp, ext: string, name: string, form: string][] = [
  [/^\s*alias\s+(?:-\w+\s+)*[\w.:@+-]+=\S/, 'sh', 'shell aliases', 'alias name=…'],
  // Nushell writes spaces around the `=`, which sh forbids.
  [/^\s*(?:export\s+)?alias\s+[\w-]+\s+=\s+\S/, 'nu', 'Nushell aliases', 'alias name = …'],
  [/^\s*complete\s+(?:-{1,2}[\w-]+(?:\s+(?!-)\S+)?\s+)*-(?:c|-command)\s+\S/, 'fish', 'fish completions', 'complete -c command …'],
  [/^\s*complete\s+(?:-[a-zA-Z]+\s+\S+\s+)*-F\s+\S+\s+\S/, 'sh', 'bash completions', 'complete -F function command'],
];

export function byShellCommandLines(lines: readonly string[]): TextVerdict | undefined {
  const statements = lines.filter((l) => !/^\s*#/.test(l));
  for (const [pattern, ext, name, form] of COMMAND_LINES) {
    const n = statements.filter((l) => pattern.test(l)).length;
    if (n >= 2 && n >= 0.6 * statements.length) return { ext, evidence: `${name} (${n} ${form} lines)`, code: true };
  }
  return undefined;
}

/**
 * zsh reads a completion function's first line: `#compdef name…` or `#autoload`. That line says what
 * the file is, as a shebang does, however long the licence under it.
 */
export function byZshDeclaration(text: string): TextVerdict | undefined {
  return /^#(?:compdef\s+\S|autoload(?:\s|$))/.test(text) ? { ext: 'zsh', evidence: 'zsh completion function (#compdef first line)', code: true } : undefined;
}

/** One address: a line number, `$`, or `/regex/` (with I or M). */
const SED_ADDRESS = String.raw`(?:\d+|\$|\/(?:[^/\\\n]|\\.)*\/[IM]*)`;
/** One command: s and y with any delimiter, branches and labels, the one-letter commands, text and file commands, braces. */
const SED_COMMAND = [
  String.raw`s([^\w\s\\])(?:(?!\1)[^\\\n]|\\.)*\1(?:(?!\1)[^\\\n]|\\.)*\1[gpiImMe0-9]*(?:w\s+\S+)?`,
  String.raw`y([^\w\s\\])(?:(?!\2)[^\\\n]|\\.)*\2(?:(?!\2)[^\\\n]|\\.)*\2`,
  String.raw`[bt]\s*[\w.-]*`,
  String.raw`:\s*[\w.-]+`,
  String.raw`[dDpPnNgGhHxqQ=lz]`,
  String.raw`[aic]\\`,
  String.raw`[rRwW]\s+\S+`,
  String.raw`[{}]`,
].join('|');
const SED_LINE = new RegExp(String.raw`^\s*(?:${SED_ADDRESS}(?:\s*,\s*(?:${SED_ADDRESS}|[+~]\d+))?\s*!?\s*)?(?:${SED_COMMAND})\s*(?:[;}].*)?$`);
const SED_SUBSTITUTION = /^\s*(?:\S*\s*)?s([^\w\s\\]).*\1.*\1/;

/**
 * A sed program (gettext's quot.sed, groff's font scripts): most lines outside comments are sed
 * commands — `s/…/…/g`, `/regex/d`, `/regex/b label`, `:label` — and one at least substitutes.
 * The model reads one as JavaScript or Perl. A list of paths (`/usr/bin`) or of patterns
 * (`/build/`) has no command after its slashes, and stays what it was.
 */
export function bySedProgram(lines: readonly string[]): TextVerdict | undefined {
  const statements = lines.filter((l) => !/^\s*#/.test(l));
  if (statements.length < 3 || !statements.some((l) => SED_SUBSTITUTION.test(l))) return undefined;
  const commands = statements.filter((l) => SED_LINE.test(l)).length;
  return commands >= 0.8 * statements.length ? { ext: 'sed', evidence: `sed program (${commands} sed command lines)`, code: true } : undefined;
}
