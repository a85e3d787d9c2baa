// @vitest-environment node
/**
 * Configuration text and line ends (issue 16), found on the development half of
 * bench/intelligence-files and checked on bench/data/intelligence-files-dev.tsv: directive files,
 * settings under comments, requirement lists, tables that open with comments, lines ended by CR
 * alone, and certificates in text form. Each has a case it must catch and a near miss it must
 * leave alone.
 */
import { describe, expect, it } from 'vitest';
import { classifyFile } from '../../../src/core/files/classify';
import { ContentModelSession, type ContentModelRunner } from '../../../src/core/files/content-model/session';
import { MAGIKA_CONFIG } from '../../harness/content-model-node';

const enc = (s: string) => new TextEncoder().encode(s);
const text = (name: string, s: string) => ({ name, size: enc(s).length, head: enc(s) });

/** A model that answers `label` (with `score`, the rest spread over `txt`) and counts the files it was asked about. */
function modelSaying(label: string, score = 1) {
  const asked = { files: 0 };
  const i = MAGIKA_CONFIG.target_labels_space.indexOf(label);
  const runner: ContentModelRunner = {
    async predict(rows) {
      asked.files += rows.length;
      return rows.map(() => {
        const out = new Float32Array(MAGIKA_CONFIG.target_labels_space.length);
        out[i] = score;
        out[MAGIKA_CONFIG.target_labels_space.indexOf('txt')] = 1 - score;
        return out;
      });
    },
  };
  return { session: new ContentModelSession({ config: MAGIKA_CONFIG, load: async () => runner, budgetMs: 1000, now: () => 0 }), asked };
}

describe('directive configuration', () => {
  it.each([
    ['ssh_config', 'Host build-01\n  Hostname 10.0.0.12\n  User deploy\n  Port 2222\n  IdentitiesOnly yes\n  ForwardAgent no\n'],
    [
      'site.vhost',
      '# the site\n<VirtualHost *:80>\n    ServerAdmin admin@example.org\n    DocumentRoot "/var/www/site"\n    <Directory "/var/www/site">\n        AllowOverride All\n        Require all granted\n    </Directory>\n</VirtualHost>\n',
    ],
    [
      'HiFi.conf',
      'Syntax 4\nSectionUseCase."HiFi" {\n\tFile "/codecs/HiFi.conf"\n\tComment "Play HiFi quality Music"\n}\nEnableSequence [\n\tcset "name=\'Speaker Switch\' on"\n]\n',
    ],
  ])('%s is configuration (source code), without asking the model', async (name, s) => {
    const model = modelSaying('shell');
    const verdict = await classifyFile(text(name, s), { contentModel: model.session });
    expect(verdict.categoryByContent).toBe('source_code');
    expect(verdict.evidence.join('\n')).toMatch(/configuration directives/);
    expect(model.asked.files).toBe(0);
  });

  it('a list of people with their addresses, and short lines of prose, are not directives', async () => {
    const authors =
      'Ada Lovelace <ada@example.org>\nAlan Turing <alan@example.org>\nGrace Hopper <grace@example.org> (https://example.org/grace)\nKaren Jones <karen@example.org>\n';
    const notes = 'Shopping list\nBuy milk and bread\nCall the plumber today\nPick up the children\nWater the plants\n';
    for (const [name, s] of [
      ['AUTHORS', authors],
      ['notes.txt', notes],
    ] as const) {
      const verdict = await classifyFile(text(name, s));
      expect(verdict.categoryByContent).toBe('document');
      expect(verdict.evidence.join('\n')).not.toMatch(/directives/);
    }
  });
});

describe('settings under comments', () => {
  it('one key = value setting under its comments, or settings commented out, are configuration', async () => {
    const one = '#\n# The assistive technology classes to load when the toolkit starts.\n#\nassistive_technologies=org.example.Bridge\n';
    const commented = '# uncomment to set the default look and feel\n#swing.defaultlaf=com.example.LookAndFeel\n';
    for (const s of [one, commented]) expect((await classifyFile(text('a.properties', s))).categoryByContent).toBe('source_code');
  });

  it('a Markdown heading over a "Note:" line, and comments with no setting, are not', async () => {
    expect((await classifyFile(text('a.txt', '# Release notes\nNote: the installer now asks before it replaces files.\n'))).categoryByContent).toBe('document');
    expect((await classifyFile(text('a.txt', '# just a remark\n# and another one, with x = y inside\n'))).categoryByContent).toBe('document');
  });
});

describe('package requirement lists', () => {
  it('requirements.txt is configuration; a list of plain words is text', async () => {
    const requirements = 'numpy==1.26.4\nrequests>=2.31,<3\nrich\npydantic[email]~=2.5\n-r base.txt\n';
    const verdict = await classifyFile(text('requirements.txt', requirements));
    expect(verdict.categoryByContent).toBe('source_code');
    expect(verdict.evidence.join('\n')).toMatch(/package requirements/);
    expect((await classifyFile(text('words.txt', 'apple\nbanana\ncherry\ndate\nelderberry\n'))).categoryByContent).toBe('document');
  });
});

describe('tables that open with comments', () => {
  it('a tab-separated list under a # header line is a table; a commented script with tabs is not', async () => {
    const table = '# kinds: apt\n' + Array.from({ length: 8 }, (_, i) => `apt\tpackage-${i}\t1.${i}-1`).join('\n') + '\n';
    expect((await classifyFile(text('installed.txt', table))).categoryByContent).toBe('spreadsheet');
    const script = '#!/bin/sh\n# install\nfor p in a b c; do\n\techo "$p"\n\tapt-get install -y "$p"\ndone\n';
    expect((await classifyFile(text('install', script))).categoryByContent).toBe('script');
  });
});

describe('line ends', () => {
  it('lines ended by CR alone are lines: a table written that way is still a table', async () => {
    const rows = ['name,size,owner', 'a.txt,12,ann', 'b.txt,40,bob', 'c.txt,7,cy', 'd.txt,9,di'];
    expect((await classifyFile(text('files.csv', rows.join('\r')))).categoryByContent).toBe('spreadsheet');
    // The same cells on one line, commas and all, are no table.
    expect((await classifyFile(text('files.csv', rows.join(' ')))).categoryByContent).not.toBe('spreadsheet');
  });
});

describe('certificates in text form', () => {
  const dump =
    'Certificate:\n    Data:\n        Version: 3 (0x2)\n        Serial Number: 12655831530416757420\n    Signature Algorithm: sha1WithRSAEncryption\n';

  it("the model's certificate label is taken for text (PEM and openssl dumps are certificates too)", async () => {
    const model = modelSaying('crt');
    const verdict = await classifyFile(text('ca.pem', dump.repeat(20)), { contentModel: model.session });
    expect(model.asked.files).toBe(1);
    expect(verdict.categoryByContent).toBe('source_code');
    expect(verdict.evidence.join('\n')).toMatch(/crt by the content model/);
  });

  it('another binary label for text is still the model misreading it', async () => {
    const model = modelSaying('pebin');
    const verdict = await classifyFile(text('ca.pem', dump.repeat(20)), { contentModel: model.session });
    expect(model.asked.files).toBe(1);
    expect(verdict.categoryByContent).toBe('document');
    expect(verdict.evidence.join('\n')).toMatch(/does not fit/);
  });
});

describe('languages read as prose', () => {
  it.each([
    [
      'Gherkin',
      'login.feature',
      'Feature: Log in\n  As a user I want to log in\n\nScenario: right password\n  Given a user "ann"\n  When she logs in with "secret"\n  Then she sees her inbox\n',
    ],
    [
      'GraphQL',
      'schema.graphql',
      '# The API\nschema {\n  query: Query\n}\n\ntype Query {\n  user(id: ID!): User\n}\n\ntype User implements Node {\n  id: ID!\n  name: String\n}\n',
    ],
    [
      'Smalltalk',
      'Counter.st',
      "Object subclass: #Counter\n\tinstanceVariableNames: 'count'\n\tclassVariableNames: ''\n\tpackage: 'Demo'!\n\n!Counter methodsFor: 'counting'!\nincrement\n\tcount := count + 1.\n\t^ self! !\n",
    ],
  ])('%s is source code by its syntax', async (language, name, s) => {
    const verdict = await classifyFile(text(name.replace(/\.\w+$/, '.txt'), s));
    expect(verdict.categoryByContent).toBe('source_code');
    expect(verdict.evidence.join('\n')).toContain(language);
  });

  it('prose that names the keywords is still prose', async () => {
    const prose =
      'Feature: the new release notes\n\nThis release adds a type system for queries. Given the feedback, the schema of each type is now documented, ' +
      'and a subclass of the reader can report them. Then we fixed bugs.\n';
    const verdict = await classifyFile(text('notes.txt', prose));
    expect(verdict.categoryByContent).toBe('document');
  });
});

describe('older roff', () => {
  it('a manual page of the first Unix manuals is a document; assembly with dot directives is not roff', async () => {
    const roff =
      '.th MAN I 8/20/73\n.sh NAME\nman \\- run off section of UNIX manual\n.sh SYNOPSIS\n.bd man\n[ section ] [ title ]\n.sp\n.ti 0\nDESCRIPTION\n.it Man\nis a shell command file.\n';
    const verdict = await classifyFile(text('man.1m', roff));
    expect(verdict.categoryByContent).toBe('document');
    expect(verdict.evidence.join('\n')).toMatch(/roff document/);
    const asm = '.db 0x01, 0x02\n.dw table\n.org 0x100\nstart:\n  mov a, #1\n  jmp start\n.db 0x03\n.dw end\n.if DEBUG\n.db 0\n';
    expect((await classifyFile(text('boot.s', asm))).evidence.join('\n')).not.toMatch(/roff/);
  });
});

describe("the model's table labels", () => {
  it('a ragged table the column count missed is a spreadsheet when the model says CSV', async () => {
    const ragged = 'id,name,tags\n1,ann,a,b\n2,bob\n3,cy,c\n4,di,d,e,f\n5,ed\n6,flo,g\n';
    const model = modelSaying('csv');
    const verdict = await classifyFile(text('export.txt', ragged), { contentModel: model.session });
    expect(model.asked.files).toBe(1);
    expect(verdict.categoryByContent).toBe('spreadsheet');
  });

  it('code with a comma on a few lines is not a table, whatever the model says', async () => {
    const basic = '10 REM circles\n20 CLS\n30 FOR R = 1 TO 10\n40 CIRCLE 0, 0, R\n50 NEXT R\n60 PRINT "DONE"\n70 END\n';
    const model = modelSaying('csv');
    const verdict = await classifyFile(text('CIRCLES.txt', basic), { contentModel: model.session });
    expect(model.asked.files).toBe(1);
    expect(verdict.categoryByContent).not.toBe('spreadsheet');
    expect(verdict.evidence.join('\n')).toMatch(/said csv .*does not fit/);
  });
});

describe("the model's script labels for code it does not know", () => {
  const code = 'Procedure Main()\n  Define x.i = 10\n  For i = 1 To x\n    Debug Str(i)\n  Next\nEndProcedure\n\nMain()\n'.repeat(4);

  it.each([
    ['vba', 0.7],
    ['autohotkey', 0.84],
  ])('%s at %s is code, not surely a script', async (label, score) => {
    const verdict = await classifyFile(text('sine.txt', code), { contentModel: modelSaying(label, score).session });
    expect(verdict.categoryByContent).toBe('source_code');
    expect(verdict.evidence.join('\n')).toMatch(/not surely a script/);
  });

  it.each([
    ['vba', 0.95],
    ['shell', 0.7],
  ])('%s at %s is a script', async (label, score) => {
    const verdict = await classifyFile(text('sine.txt', code), { contentModel: modelSaying(label, score).session });
    expect(verdict.categoryByContent).toBe('script');
  });
});
