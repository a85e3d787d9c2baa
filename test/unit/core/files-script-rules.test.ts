// @vitest-environment node
/**
 * The script rules added while studying the scripts development set of bench/intelligence-files
 * (issue 16): shebangs of Nushell, Elvish, Xonsh, awk and sed; zsh, Nushell and Elvish by their
 * syntax; files of shell aliases. Each rule has a case it must catch and a near miss it must leave alone.
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
  it('a completion function (#compdef, _arguments) is a zsh script', async () => {
    const src = '#compdef frob\n\nlocal -a commands\n_arguments \\\n  "--verbose[talk more]" \\\n  "1: :->cmds"\n';
    expect(await byContent('_frob', src)).toBe('script');
    expect(await evidence('_frob', src)).toMatch(/zsh script/);
  });

  it('a prompt theme (%{$fg…%} and setopt) is a zsh script, not key = value settings', async () => {
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

  it('Rust functions (fn name(…)) are not Elvish', async () => {
    const src =
      'use std::io;\n\nfn main() {\n    let mut line = String::new();\n    io::stdin().read_line(&mut line).unwrap();\n    println!("{}", line);\n}\n';
    expect(await evidence('main.rs', src)).not.toMatch(/Elvish/);
    expect(await byContent('main.rs', src)).toBe('source_code');
  });
});

describe('shell aliases', () => {
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
