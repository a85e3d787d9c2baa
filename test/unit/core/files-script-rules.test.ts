// @vitest-environment node
/**
 * The script rules added while studying the scripts development set of bench/intelligence-files
 * (issue 16, src/core/files/text-languages-shells.ts): shebangs of Nushell, Elvish, Xonsh, awk and
 * sed; zsh's #compdef first line; zsh, Nushell, Elvish, awk and AutoHotkey by their syntax; files
 * of one shell command's lines (aliases, completions); sed programs. Each rule has a case it must
 * catch and a near miss it must leave alone.
 */
import { describe, expect, it } from 'vitest';
import { classifyFile } from '../../../src/core/files/classify';

const enc = (s: string) => new TextEncoder().encode(s);
const text = (name: string, s: string) => ({ name, size: enc(s).length, head: enc(s) });
const byContent = async (name: string, s: string) => (await classifyFile(text(name, s))).categoryByContent;
const evidence = async (name: string, s: string) => (await classifyFile(text(name, s))).evidence.join('\n');

describe('shebangs of other shells and of awk and sed', () => {
  it.each([
    ['#!/usr/bin/env nu\n\nprint "hello"\n', /Nushell script/],
    ['#!/usr/bin/env elvish\n\necho hello\n', /Elvish script/],
    ['#!/usr/bin/env xonsh\n\nprint("hello")\n', /Xonsh script/],
    ['#!/usr/bin/awk -f\n{ total += $2 }\nEND { print total }\n', /Awk script/],
    ['#!/bin/sed -f\ns/foo/bar/g\n', /sed script/],
  ])('%j is a script', async (src, name) => {
    expect(await byContent('tool', src)).toBe('script');
    expect(await evidence('tool', src)).toMatch(name);
  });

  it('a Tcl shebang stays source code', async () => {
    expect(await byContent('tool', '#!/usr/bin/tclsh\nputs "hello"\n')).not.toBe('script');
  });
});

describe('zsh', () => {
  it('a completion helper without #compdef ($+functions[…], _arguments) is a zsh script by its syntax', async () => {
    const src =
      '# helpers for _frob\n(( $+functions[_frob_commands] )) || _frob_commands() {\n  local -a commands\n  _arguments \\\n    "--verbose[talk more]" \\\n    "1: :->cmds"\n}\n';
    expect(await byContent('_frob_helpers', src)).toBe('script');
    expect(await evidence('_frob_helpers', src)).toMatch(/zsh script/);
  });

  it('a completion function is a zsh script by its #compdef first line, however long the licence under it', async () => {
    const src =
      '#compdef http https\n' +
      '# Redistribution and use in source and binary forms, with or without modification.\n'.repeat(40) +
      '_arguments -s "--json[data]"\n';
    expect(await evidence('_http', src)).toMatch(/#compdef first line/);
    expect(await byContent('_http', src)).toBe('script');
  });

  it('#compdef named further down (a page about zsh) does not say so', async () => {
    const src = 'Writing completions\n\nA completion function starts with a line such as\n#compdef mytool\nand zsh reads it when compinit runs.\n';
    expect(await evidence('notes.txt', src)).not.toMatch(/#compdef first line/);
  });

  it('a prompt theme (PROMPT= with %{$fg…%} escapes) is a zsh script, not key = value settings', async () => {
    const src = 'PROMPT=\'%{$fg_bold[red]%}➜ %{$fg[cyan]%}%c%{$reset_color%} \'\nZSH_THEME_GIT_PROMPT_PREFIX="git:("\nZSH_THEME_GIT_PROMPT_SUFFIX=")"\n';
    expect(await byContent('theme.zsh-theme', src)).toBe('script');
  });

  it('a prompt theme with setopt is a zsh script', async () => {
    const src = "setopt prompt_subst\nPROMPT='%{$fg[green]%}%n%{$reset_color%} %~ '\nRPROMPT='%{$fg[red]%}%T%{$reset_color%}'\n";
    expect(await byContent('theme.zsh-theme', src)).toBe('script');
  });

  it('a .properties file whose value holds a % sign stays configuration', async () => {
    const src = 'greeting=%s says hello\nfarewell=Goodbye, %s\nprompt={0} items\n';
    expect(await byContent('messages.properties', src)).toBe('source_code');
  });
});

describe('Nushell', () => {
  it('custom commands with bracketed signatures and pipelines are a Nushell script', async () => {
    const src =
      'def "nu-complete make" [] {\n  open Makefile\n  | lines\n  | where $it =~ ":"\n  | each { |it| $it | split row ":" | first }\n}\n\nexport def build [--release(-r)] {\n  let target = $env.TARGET\n  cargo build\n}\n';
    expect(await byContent('make.nu', src)).toBe('script');
    expect(await evidence('make.nu', src)).toMatch(/Nushell script/);
  });

  it('generated extern signatures holding only a rest parameter are a Nushell script', async () => {
    const src = '# List coredumps\nextern "coredumpctl list" [\n\n\t...args\n]\n\n# Show one\nextern "coredumpctl info" [\n\n\t...args\n]\n';
    expect(await evidence('coredumpctl.nu', src)).toMatch(/Nushell script/);
  });

  it('generated extern signatures of --flags with # descriptions are a Nushell script', async () => {
    const src = 'extern "gv" [\n\t--monochrome\t\t\t# Display document using only black and white\n\t--grayscale\t\t\t# Display without colors\n]\n';
    expect(await evidence('gv.nu', src)).toMatch(/Nushell script/);
  });

  it('a file of export alias name = … lines is Nushell aliases', async () => {
    const src = 'export alias b = bat\nexport alias bn = bat --number\nexport alias bp = bat --plain\n';
    expect(await byContent('bat-aliases.nu', src)).toBe('script');
    expect(await evidence('bat-aliases.nu', src)).toMatch(/Nushell aliases/);
  });

  it("JavaScript's spread in an array literal is not a rest parameter signature", async () => {
    // `let x =` is one Nushell signal; a spread in an array or call must not be a second.
    const src = 'let all = [\n  ...defaults,\n  extra,\n];\nlet more = [...all];\n';
    expect(await evidence('list.js', src)).not.toMatch(/Nushell/);
  });

  it("Python's generic function def f[T](…) is not a Nushell signature", async () => {
    // The docstring's $it is one Nushell signal; the generic signature must not be a second.
    const src = 'def first[T](items: list[T]) -> T:\n    """The first item, what `$it` is in a pipeline."""\n    return items[0]\n';
    expect(await evidence('generic.py', src)).not.toMatch(/Nushell/);
  });
});

describe('Elvish', () => {
  it('fn name {|args| …}, var and use are an Elvish script', async () => {
    const src = 'use str\nuse path\n\nvar greeting = hello\n\nfn greet {|name|\n  echo $greeting (str:to-upper $name)\n}\n';
    expect(await byContent('greet.elv', src)).toBe('script');
    expect(await evidence('greet.elv', src)).toMatch(/Elvish script/);
  });

  it("declarations with quoted names (fn '<s' {|@s| }) are an Elvish script", async () => {
    const src = "# Compares strings.\nfn '<s' {|@string| }\n\n# Width.\nfn wcswidth {|string| }\nvar value-out-indicator\n";
    expect(await evidence('str.d.elv', src)).toMatch(/Elvish script/);
  });

  it('Rust functions (fn name(…)) are not Elvish', async () => {
    const src =
      'use std::io;\n\nfn main() {\n    let mut line = String::new();\n    io::stdin().read_line(&mut line).unwrap();\n    println!("{}", line);\n}\n';
    expect(await evidence('main.rs', src)).not.toMatch(/Elvish/);
    expect(await byContent('main.rs', src)).toBe('source_code');
  });
});

describe('lines of one shell command', () => {
  it('a file of fish complete -c lines is a fish script', async () => {
    const src =
      '# Completions for frob\ncomplete -c frob -s h -l help -d "Show help"\ncomplete -c frob -s v -l verbose -d "Talk more"\ncomplete -c frob -f -a "(__fish_complete_path)"\n';
    expect(await byContent('frob.fish', src)).toBe('script');
    expect(await evidence('frob.fish', src)).toMatch(/fish completions \(3 /);
  });

  it('a file of bash complete -F lines is a shell script', async () => {
    const src = 'complete -F _longopt frob\ncomplete -o default -F _frob_files frobnicate\n';
    expect(await evidence('frob', src)).toMatch(/bash completions/);
  });

  it('prose about completing tasks is not a completion file', async () => {
    const src = 'complete -c is how fish registers a completion.\nYou complete the form before you complete the task.\nThen complete the review.\n';
    expect(await evidence('todo.txt', src)).not.toMatch(/completions/);
  });

  it('a plugin of alias name=… lines is a shell script, not configuration directives', async () => {
    const src = '# snap aliases\nalias sv="snap version"\nalias sf="snap find"\nalias si="snap install"\nalias sr="snap remove"\n';
    expect(await byContent('snap.plugin.zsh', src)).toBe('script');
    expect(await evidence('snap.plugin.zsh', src)).toMatch(/shell aliases/);
  });

  it("mutt's alias lines (no =) stay configuration", async () => {
    const src = 'alias ada Ada Lovelace <ada@example.org>\nalias bob Bob Smith <bob@example.org>\nset realname = "Carol"\nset from = carol@example.org\n';
    expect(await evidence('muttrc', src)).not.toMatch(/shell aliases/);
  });
});

describe('sed programs', () => {
  it('lines of s/…/…/g and /regex/ commands are a sed script', async () => {
    const src = 's/"\\([^"]*\\)"/“\\1”/g\ns/`\\([^`\']*\\)\'/‘\\1’/g\n/^C .*N bracketlefttp/bx\n/^$/d\n:x\ns/“”/""/g\n';
    expect(await byContent('quot.sed', src)).toBe('script');
    expect(await evidence('quot.sed', src)).toMatch(/sed program \(6 /);
  });

  it('a list of paths or of /patterns/ is not a sed program', async () => {
    const paths = '/usr/bin\n/usr/local/bin\n/build/\n/dist/\n/node_modules/\ns/home/user\n';
    expect(await evidence('paths.txt', paths)).not.toMatch(/sed/);
  });
});

describe('awk programs without a shebang', () => {
  it('BEGIN blocks, print and awk built-ins are an Awk script', async () => {
    const src = 'BEGIN {\n  a[1] = "elephant"\n  print split(a[1], parts, "e"), substr(a[1], 1, 3)\n}\n$3 > 100 { total += $3 }\nEND { print total / NR }\n';
    expect(await byContent('split.awk', src)).toBe('script');
    expect(await evidence('split.awk', src)).toMatch(/Awk script/);
  });

  it("Ruby's END block with print and the .split / .sub methods is not awk", async () => {
    const src = 'END { print "done" }\nwords = line.split(",")\nname = title.sub("a", "b")\nprint words.size\n';
    expect(await evidence('done.rb', src)).not.toMatch(/Awk script/);
  });

  it('Perl with a BEGIN block, substr() and print stays Perl source', async () => {
    const src =
      'use strict;\nuse warnings;\nBEGIN { unshift @INC, "lib" }\nmy $name = substr($ARGV[0], 0, 3);\nprint "$name\\n";\nsub greet { my ($who) = @_; print "hi $who\\n" }\n';
    expect(await evidence('greet.pl', src)).toMatch(/Perl source/);
    expect(await byContent('greet.pl', src)).toBe('source_code');
  });
});

describe('AutoHotkey', () => {
  it('hotstrings and hotkeys with commands are an AutoHotkey script (not SQL, though they expand SQL keywords)', async () => {
    const src = ':*:sel;::SELECT * FROM\n:*:wh;::WHERE\n::currdate::\n  FormatTime, today, A_Now, M/d/yyyy\n  SendInput, %today%\nreturn\n#n::Run notepad\n';
    expect(await byContent('Hotstrings.ahk', src)).toBe('script');
    expect(await evidence('Hotstrings.ahk', src)).toMatch(/AutoHotkey script/);
  });

  it("Perl's $Package::variable lines and C's #include are not AutoHotkey", async () => {
    const perl = 'use Data::Dumper;\n$Data::Dumper::Sortkeys = 1;\n$Data::Dumper::Indent = 1;\nprint Dumper($config);\n';
    expect(await evidence('dump.pl', perl)).not.toMatch(/AutoHotkey/);
    const c = '#include <stdio.h>\n#include "frob.h"\nint main(void) { Sleep(100); return 0; }\n';
    expect(await evidence('frob.c', c)).not.toMatch(/AutoHotkey/);
  });
});
