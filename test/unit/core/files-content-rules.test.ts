// @vitest-environment node
/**
 * The content rules added while studying the development half of bench/intelligence-files
 * (issue 16): signatures the model misread (gettext catalogs, XPM images), documentation markup
 * that reads as code (Pod, Org, roff), Markdown whose examples read as code, key = value
 * configuration, language rules for Perl, Vim script, fish and AppleScript, prose in # comments,
 * Markdown or reStructuredText that opens like XML or YAML, and Vim help files.
 * Each rule has a case it must catch and a near miss it must leave alone.
 */
import { describe, expect, it } from 'vitest';
import { classifyFile } from '../../../src/core/files/classify';
import { COMMENTED_PROSE, commentShare } from '../../../src/core/files/content-model/combine';
import { LABELS } from '../../../src/core/files/content-model/labels';
import { ContentModelSession, type ContentModelRunner } from '../../../src/core/files/content-model/session';
import { MAGIKA_CONFIG } from '../../harness/content-model-node';

const enc = (s: string) => new TextEncoder().encode(s);
const text = (name: string, s: string) => ({ name, size: enc(s).length, head: enc(s) });

/** A model that answers `label` with full confidence and counts the files it was asked about. */
function modelSaying(label: string) {
  const asked = { files: 0 };
  const i = MAGIKA_CONFIG.target_labels_space.indexOf(label);
  const runner: ContentModelRunner = {
    async predict(rows) {
      asked.files += rows.length;
      return rows.map(() => {
        const out = new Float32Array(MAGIKA_CONFIG.target_labels_space.length);
        out[i] = 1;
        return out;
      });
    },
  };
  const session = new ContentModelSession({ config: MAGIKA_CONFIG, load: async () => runner, budgetMs: 1000, now: () => 0 });
  return { session, asked };
}

describe('signatures the model misread', () => {
  it.each([
    ['little-endian', [0xde, 0x12, 0x04, 0x95]],
    ['big-endian', [0x95, 0x04, 0x12, 0xde]],
  ])('a %s gettext catalog is other by its signature, and the model is not asked', async (_, magic) => {
    const head = new Uint8Array(2000);
    head.set(magic);
    head.set([0, 0, 0, 0, 12, 0, 0, 0, 28, 0, 0, 0], 4);
    for (let i = 200; i < 2000; i++) head[i] = 0x61 + (i % 26);
    const model = modelSaying('elf');
    const verdict = await classifyFile({ name: 'fr.mo', size: head.length, head }, { contentModel: model.session });
    expect(verdict).toMatchObject({ categoryByContent: 'other', mismatch: false });
    expect(verdict.evidence.join('\n')).toMatch(/gettext message catalog/);
    expect(model.asked.files).toBe(0);
  });

  it('an XPM file is an image by its first line, though it is C by its syntax', async () => {
    const xpm = '/* XPM */\nstatic char * icon_xpm[] = {\n"16 16 2 1",\n"  c None",\n". c #000000",\n' + '"................",\n'.repeat(16) + '};\n';
    const verdict = await classifyFile(text('icon.xpm', xpm));
    expect(verdict).toMatchObject({ categoryByContent: 'image', category: 'image', mismatch: false });
    // The same C array without the XPM comment is still source code.
    expect((await classifyFile(text('icon.c', xpm.replace('/* XPM */\n', '#include <stdio.h>\n#define N 16\n')))).categoryByContent).toBe('source_code');
  });
});

describe('documentation markup', () => {
  it('a file that opens with Pod is documentation; Perl with Pod after its code is Perl', async () => {
    const pod = '=head1 NAME\n\nFoo::Bar - does things\n\n=head1 SYNOPSIS\n\n  use Foo::Bar;\n  my $x = Foo::Bar->new;\n\n=cut\n';
    expect(await classifyFile(text('Bar.pod', pod))).toMatchObject({ categoryByContent: 'document', categoryByExtension: 'document' });
    const perl = 'package Foo::Bar;\nuse strict;\nuse warnings;\n\nsub new {\n  my ($class) = @_;\n  return bless {}, $class;\n}\n\n1;\n\n' + pod;
    const verdict = await classifyFile(text('Bar.pm', perl));
    expect(verdict.categoryByContent).toBe('source_code');
    expect(verdict.evidence.join('\n')).toMatch(/Perl source/);
    // Comment lines before the first Pod command (a note on the format) still open a Pod document;
    // the same comments before code do not.
    const note = '# This document contains text in Perl "POD" format.\n# Use a POD viewer like perldoc to render it.\n\n';
    const cookbook = await classifyFile(text('Cookbook.pod', `${note}=encoding utf-8\n\n${pod}`));
    expect(cookbook.categoryByContent).toBe('document');
    expect(cookbook.evidence.join('\n')).toMatch(/Pod documentation/);
    expect((await classifyFile(text('Bar.pm', `${note}${perl}`))).evidence.join('\n')).toMatch(/Perl source/);
  });

  it('an Org file and a roff manual page are documents, and the model is not asked', async () => {
    const model = modelSaying('erb');
    const org = '#+TITLE: Notes\n#+AUTHOR: Ann\n#+OPTIONS: toc:nil\n\n* Tasks\n** TODO write the report\n   <%= not a template %>\n';
    const roff = '.\\" Manual page for tool\n.TH TOOL 1 "2024" "tool 1.0"\n.SH NAME\ntool \\- does things\n.SH SYNOPSIS\n.B tool\n[options]\n';
    for (const [name, s] of [
      ['notes.txt', org],
      ['tool.txt', roff],
    ] as const) {
      const verdict = await classifyFile(text(name, s), { contentModel: model.session });
      expect(verdict.categoryByContent).toBe('document');
    }
    expect(model.asked.files).toBe(0);
    // A shell script with a comment line that starts like Org is not Org.
    expect((await classifyFile(text('x', '#!/bin/sh\n#+x: y\n#+z: w\necho hi\n'))).categoryByContent).toBe('script');
  });

  it('a Vim help file is a document whatever it quotes, and the model is not asked; a *bold* Markdown line is not one', async () => {
    const model = modelSaying('vba');
    const help =
      '*if_ole.txt*    For Vim version 9.0.  Last change: 2022 Oct 08\n\n\t\t  VIM REFERENCE MANUAL\n\n' +
      'The OLE Interface to Vim\t\t\t\t*ole-interface*\n\n1. Activation\t\t\t|ole-activation|\n2. Methods\t\t\t|ole-methods|\n\n' +
      '    Dim Vim\n    Set Vim = CreateObject("Vim.Application")\n    Vim.SendKeys ":set nu<CR>"\nEnd Sub\n';
    const verdict = await classifyFile(text('if_ole.txt', help), { contentModel: model.session });
    expect(verdict).toMatchObject({ categoryByContent: 'document', mismatch: false });
    expect(verdict.evidence.join('\n')).toMatch(/Vim help file/);
    expect(model.asked.files).toBe(0);
    const vbs = '*notes.txt* below\n\nDim fso\nSet fso = CreateObject("Scripting.FileSystemObject")\nWScript.Echo fso.GetTempName()\nEnd Sub\n';
    expect((await classifyFile(text('run.txt', vbs))).evidence.join('\n')).not.toMatch(/Vim help file/);
  });
});

describe('Markdown whose examples read as code', () => {
  const intro = 'tool\n====\n\nA small library. See [the docs](https://example.com/docs).\n\n';
  const example = "```js\nconst tool = require('tool');\nconst x = tool(1);\nconsole.log(x);\n```\n\n";

  it('code inside fenced blocks (closed, or cut open by the head) does not make a README code', async () => {
    expect((await classifyFile(text('README.md', intro + example + 'More text here.\n'))).categoryByContent).toBe('document');
    expect((await classifyFile(text('README.md', intro + example.slice(0, -6)))).categoryByContent).toBe('document');
  });

  it('code outside the fences of Markdown-like text is a guess the model checks; without a model the name decides', async () => {
    const readme = intro + example + "methods\n=======\n\nvar tool = require('tool')\n\ntool(x)\n-------\n\nReturns x.\n";
    const withoutModel = await classifyFile(text('README.md', readme));
    expect(withoutModel).toMatchObject({ category: 'document', mismatch: false });
    const model = modelSaying('markdown');
    const verdict = await classifyFile(text('README.md', readme), { contentModel: model.session });
    expect(model.asked.files).toBe(1);
    expect(verdict).toMatchObject({ categoryByContent: 'document', category: 'document', mismatch: false });
    expect(verdict.evidence.join('\n')).toMatch(/laid out as Markdown/);
    // JavaScript with no Markdown marks is still JavaScript, and the model is not asked.
    const js = "const tool = require('tool');\nconst x = tool(1);\nconsole.log(x);\n";
    const plain = modelSaying('markdown');
    expect((await classifyFile(text('a.txt', js), { contentModel: plain.session })).categoryByContent).toBe('source_code');
    expect(plain.asked.files).toBe(0);
  });
});

describe('key = value configuration', () => {
  it('.properties and .env lines are source code (configuration), named .txt or not', async () => {
    const properties = '# sounds\nDink:net/app/sound/dink.mp3\nClink:net/app/sound/clink.mp3\nBeep = net/app/sound/beep.mp3\n';
    const env = 'DATABASE_URL=postgres://app@db/app\nAPI_KEY=abc123\nexport DEBUG=1\n';
    for (const [name, s] of [
      ['sounds.properties', properties],
      ['settings.txt', env],
    ] as const) {
      const verdict = await classifyFile(text(name, s));
      expect(verdict.categoryByContent).toBe('source_code');
      expect(verdict.evidence.join('\n')).toMatch(/key = value settings/);
    }
  });

  it('a table whose first column holds colons stays a table, and a list of links stays text', async () => {
    const tsv = 'group:artifact\tversion\tnotes\n' + Array.from({ length: 6 }, (_, i) => `org.acme:lib${i}\t1.${i}.0\tserved`).join('\n') + '\n';
    expect((await classifyFile(text('deps.tsv', tsv))).categoryByContent).toBe('spreadsheet');
    const links = 'https://example.com/a\nhttps://example.com/b\nhttps://example.com/c\n';
    expect((await classifyFile(text('links.txt', links))).categoryByContent).toBe('document');
  });
});

describe('language rules', () => {
  it.each([
    [
      'Perl',
      'Waiting.pm',
      'package Test::Event::Waiting;\nuse strict;\nuse warnings;\n\nsub summary { "waiting" }\n\nsub data {\n  my $self = shift;\n  my $out = {};\n  return $out;\n}\n\n1;\n',
      'source_code',
      /Perl source/,
    ],
    [
      'Vim script',
      'basic.vim',
      '" Vim syntax file\n" Language: BASIC\n\nif exists("b:current_syntax")\n  finish\nendif\n\nsyn keyword basicStatement BEEP beep Bload bload\nsyn match basicNumber "\\<\\d\\+\\>"\nsetlocal iskeyword+=$\nhi def link basicStatement Statement\nlet b:current_syntax = "basic"\n',
      'source_code',
      /Vim script/,
    ],
    [
      'fish',
      'completion.fish',
      'function __fish_git_branches\n    git branch --no-color | string trim\nend\n\ncomplete -c git -n "__fish_use_subcommand" -a checkout\nset -l subcommands checkout branch\n',
      'script',
      /fish script/,
    ],
    [
      'AppleScript',
      'convert.txt',
      'on run argv\n  tell application "Finder"\n    set theFile to item 1 of argv\n    display dialog "Converting " & theFile\n  end tell\nend run\n',
      'script',
      /AppleScript/,
    ],
  ])('%s is recognised (%s)', async (_, name, s, category, evidence) => {
    const verdict = await classifyFile(text(name, s));
    expect(verdict.categoryByContent).toBe(category);
    expect(verdict.evidence.join('\n')).toMatch(evidence);
  });

  it('a fish script whose only gate is "set -" is tried as fish (a shorter gate, "set ", does not hide it)', async () => {
    const fish = '# settings\n\nset -g IFS \\n\\ \\t\nset -l configdir ~/.config\n\nif set -q XDG_CONFIG_HOME\n\tset configdir $XDG_CONFIG_HOME\nend\n';
    const verdict = await classifyFile(text('config.txt', fish));
    expect(verdict.categoryByContent).toBe('script');
    expect(verdict.evidence.join('\n')).toMatch(/fish script/);
  });

  it('Lua and Julia functions (with a parameter list) are not fish', async () => {
    const lua =
      'local M = {}\n\nfunction M.new(x)\n  local self = {x = x}\n  return self\nend\n\nfunction greet(name)\n  print("hi " .. name)\nend\n\nreturn M\n';
    expect((await classifyFile(text('counter.txt', lua))).evidence.join('\n')).not.toMatch(/fish script/);
  });

  it('a Windows batch script is still batch, not Vim script', async () => {
    const bat = '@echo off\nsetlocal\nset NAME=world\nif exist out.txt del out.txt\ncall :greet\ngoto :eof\n:greet\necho Hello %NAME%\n';
    expect((await classifyFile(text('run.txt', bat))).evidence.join('\n')).toMatch(/Windows batch script/);
  });

  it('Tcl and gnuplot "set name value" with % formats are not batch; batch "set NAME=value" and "set /a" are', async () => {
    const tcl = 'set width 80\nset fmt "%5d %s"\nproc show {n} {\n  global fmt\n  puts [format $fmt $n %1]\n}\n';
    const gnuplot = 'set terminal png size 800,600\nset output "out.png"\nset title "Defense %1"\nplot "data.dat" using 1:2 with lines\n';
    for (const body of [tcl, gnuplot]) expect((await classifyFile(text('plot.txt', body))).evidence.join('\n')).not.toMatch(/Windows batch/);
    const bat = 'set /a COUNT=%1+1\nset "OUT=%TEMP%\\out.txt"\necho %COUNT% > %OUT%\n';
    expect((await classifyFile(text('count.txt', bat))).evidence.join('\n')).toMatch(/Windows batch script/);
  });
});

describe('Markdown and reStructuredText that open like XML or YAML', () => {
  it('a page that opens with an HTML heading, or a <NAME> placeholder title, is a document; XML stays XML', async () => {
    const page =
      '<h1 align="center">Fastify</h1>\n\n## Logging\n\nLogging is disabled by default. Enable it by passing a logger when creating an\n' +
      'instance. See [the routes documentation](./Routes.md#custom-log-level) for the level per route.\n';
    const rst = '<PROJECT-NAME>_SOURCE_DIR\n-------------------------\n\nTop level source directory for the named project, made by the\nproject command.\n';
    for (const [name, body] of [
      ['Logging.md', page],
      ['SOURCE_DIR.rst', rst],
    ]) {
      expect((await classifyFile(text(name!, body!))).categoryByContent).toBe('document');
    }
    const xml = '<config>\n  <item name="a" value="1"/>\n  <item name="b">two</item>\n</config>\n';
    expect((await classifyFile(text('settings.txt', xml))).evidence.join('\n')).toMatch(/XML markup/);
    // Markup with prose between its tags is still markup when most lines are tags.
    const docbook = '<article>\n<title>Notes</title>\n<para>One paragraph of prose.</para>\n<para>Another one, **bold**.</para>\n</article>\n';
    expect((await classifyFile(text('notes.txt', docbook))).evidence.join('\n')).toMatch(/XML markup/);
  });

  it('a list of links under a heading is Markdown, not YAML; YAML with keys stays YAML', async () => {
    const list = '# Documentation\n\n- [API Reference](https://github.com/example/socks#api-reference)\n\n- [Code Examples](./examples/index.md)\n';
    expect((await classifyFile(text('index.md', list))).categoryByContent).toBe('document');
    const playbook = '- hosts: all\n  tasks:\n  - name: install\n    apt: name=nginx\n  - debug\n';
    expect((await classifyFile(text('site.txt', playbook))).evidence.join('\n')).toMatch(/YAML keys and lists/);
    expect((await classifyFile(text('list.txt', '---\n- alpha\n- beta\n- gamma\n'))).evidence.join('\n')).toMatch(/YAML keys and lists/);
  });
});

/** A model that answers these scores (the rest zero). */
function modelScoring(scores: Record<string, number>) {
  const runner: ContentModelRunner = {
    async predict(rows) {
      return rows.map(() => {
        const out = new Float32Array(MAGIKA_CONFIG.target_labels_space.length);
        for (const [label, score] of Object.entries(scores)) out[MAGIKA_CONFIG.target_labels_space.indexOf(label)] = score;
        return out;
      });
    },
  };
  return new ContentModelSession({ config: MAGIKA_CONFIG, load: async () => runner, budgetMs: 1000, now: () => 0 });
}

describe('prose in # comments', () => {
  const notes =
    '# Check error on an internal shell error (unable to find command).\n#\n# The test runner reads these lines and runs what\n' +
    '# follows the marker under its own shell, then compares the output.\n#\n# RUN: not-a-real-command\n';

  it('text whose every line is a # comment stays prose against a guess of the model (category-level or under 0.9)', async () => {
    for (const scores of [{ makefile: 0.45, python: 0.4 }, { shell: 0.78 }] as Record<string, number>[]) {
      const verdict = await classifyFile(text('error-0.txt', notes), { contentModel: modelScoring(scores) });
      expect(verdict.categoryByContent).toBe('document');
      expect(verdict.evidence.join('\n')).toMatch(/every line is a # comment/);
    }
  });

  it('one setting among the comments, or a sure label, is configuration; #define lines are not comments', async () => {
    const withSetting = await classifyFile(text('logging.properties', `${notes}.level = WARNING\n`), {
      contentModel: modelScoring({ makefile: 0.45, python: 0.4 }),
    });
    expect(withSetting.categoryByContent).toBe('source_code');
    const sure = await classifyFile(text('management.txt', notes), { contentModel: modelScoring({ ini: 0.97 }) });
    expect(sure.categoryByContent).toBe('source_code');
    const header = '#ifndef X_H\n#define X_H\n# define WIDTH 16\n#endif\n';
    expect(commentShare(enc(header))).toBeLessThan(COMMENTED_PROSE);
    expect(commentShare(enc(notes))).toBe(1);
  });
});

describe('label mapping', () => {
  it('SGML (DTDs and the like) is structured markup, source code by the product decision, and hides no program', () => {
    expect(LABELS.get('sgml')).toMatchObject({ category: 'source_code', text: true });
  });
});
