/**
 * Shells beyond POSIX sh, fish and PowerShell (issue 16, the scripts development set of
 * bench/intelligence-files): zsh (completion functions, plugins, prompt themes), Nushell and
 * Elvish. The content model has no label for Nushell or Elvish and reads them as Tcl, Lua or
 * Markdown; it reads zsh completion functions as YAML, ERB or Makefiles, and our analysis read
 * a plugin of `alias` lines as configuration directives. Each rule needs two signals of its own
 * syntax; a file of shell aliases alone is named by `byShellAliases`.
 */
import type { TextVerdict } from './sniff-text';
import { any, line, type LanguageRule } from './text-languages';

export const SHELL_LANGUAGES: LanguageRule[] = [
  {
    ext: 'zsh',
    gate: ['#compdef', 'autoload', 'zmodload', 'setopt', 'zstyle', 'bindkey', 'compdef', '_arguments', '_describe', '$+', 'typeset', '%{$', 'zle '],
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
    ],
  },
  {
    ext: 'nu',
    gate: ['def ', 'extern ', '$env.', '$in', '$it', 'let ', 'mut ', '(-'],
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
    ],
  },
  {
    ext: 'elv',
    gate: ['fn ', 'var ', 'use ', '$e:', '$edit:', '&'],
    name: 'Elvish script',
    needs: 2,
    signals: [
      // `fn name {|a b| … }` (or the older `fn name [a b]{ … }`): Rust and Zig write `fn name(`.
      ['fn name { … }', line(/fn\s+[\w:-]+\s*(?:\{\s*(?:\|[^|\n]*\|)?|\[[^\]\n]*\]\s*\{)/)],
      ['var x', line(/var\s+-?[\w:-]+(?:\s+[\w:-]+)*(?:\s*=\s|\s*$)/)],
      ['use module', line(/use\s+[\w./-]+\s*$/)],
      ['$ns:name', any(/\$(?:E|e|edit|re|str|path|os|file|math|platform|runtime|epm):[\w-]/)],
      ['&option=', any(/\s&[\w-]+=\S/)],
    ],
  },
];

/**
 * A file of shell aliases (`alias name='command'`), as zsh and bash plugins are: two or more, and
 * most lines outside comments. mutt's `alias name Full Name <address>` has no `=`, and a Git
 * config's `[alias]` section writes `name = command`: both stay configuration.
 */
export function byShellAliases(lines: readonly string[]): TextVerdict | undefined {
  const statements = lines.filter((l) => !/^\s*#/.test(l));
  const aliases = statements.filter((l) => /^\s*alias\s+(?:-\w+\s+)*[\w.:@+-]+=\S/.test(l)).length;
  if (aliases >= 2 && aliases >= 0.6 * statements.length) return { ext: 'sh', evidence: `shell aliases (${aliases} alias name=… lines)`, code: true };
  return undefined;
}
