/**
 * The destination evaluation set (bench/data/destinations-eval) and the arithmetic of
 * bench/intelligence-destinations: the set is what issue 16 asks for, and a bad row is refused
 * with its file and line; accuracy, the hard subset and `other` pages pulled into an upload
 * category are counted right on a hand-made set.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { loadDestinationSet, parseSetFile, type DestinationPage } from '../../bench/data/destinations-eval/set';
import { BASELINE_COMMIT, evaluate, groupMisses, loadBaseline, percent, type Classify } from '../../bench/intelligence-destinations';
import { DESTINATION_CATEGORIES, type DestinationCategory } from '../../src/core/schema/identifiers';

describe('the destination evaluation set', () => {
  const pages = loadDestinationSet();

  it('has at least 500 pages, 120 hard ones and 70 `other` ones', () => {
    expect(pages.length).toBeGreaterThanOrEqual(500);
    expect(pages.filter((p) => p.hard).length).toBeGreaterThanOrEqual(120);
    expect(pages.filter((p) => p.category === 'other').length).toBeGreaterThanOrEqual(70);
  });

  it('covers every destination category, upload categories with hard pages among them', () => {
    const present = new Set(pages.map((p) => p.category));
    expect([...DESTINATION_CATEGORIES].filter((c) => !present.has(c))).toEqual([]);
    const uploadCategories = DESTINATION_CATEGORIES.filter((c) => c !== 'other' && c !== 'unknown');
    expect(uploadCategories.filter((c) => !pages.some((p) => p.category === c && p.hard))).toEqual([]);
  });

  it('has no URL twice, and every page has a note on why it has its label', () => {
    const urls = pages.map((p) => p.url.toLowerCase());
    expect(new Set(urls).size).toBe(urls.length);
    expect(pages.filter((p) => p.why.trim().length < 3)).toEqual([]);
  });
});

describe('loading the set refuses bad rows', () => {
  let dir: string | undefined;
  afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));
  const header = 'url\ttitle\tcategory\thard\twhy\n';

  it('names the file and line of a row with missing columns, an unknown category or a bad hard flag', () => {
    const text =
      header +
      'https://a.example/\tA\tother\tno\tfine\n' +
      'https://b.example/\tB\tother\tno\n' +
      'https://c.example/\tC\twebmail\tno\tnot a category\n' +
      'https://d.example/\tD\temail\tmaybe\tbad flag\n';
    expect(() => parseSetFile('other.tsv', text)).toThrow(/other\.tsv:3: 4 columns[\s\S]*other\.tsv:4: category[\s\S]*other\.tsv:5: hard/);
  });

  it('refuses a URL twice in the set and a row in the file of another category', () => {
    dir = mkdtempSync(join(tmpdir(), 'destinations-eval-'));
    writeFileSync(join(dir, 'email.tsv'), `${header}https://mail.example/\tMail\temail\tno\twebmail\nhttps://x.example/\tX\tother\tno\twrong file\n`);
    writeFileSync(join(dir, 'other.tsv'), `${header}https://MAIL.example/\tMail\tother\tyes\tsame page again\n`);
    expect(() => loadDestinationSet(dir)).toThrow(
      /email\.tsv:3: category other in email\.tsv[\s\S]*other\.tsv:2: https:\/\/MAIL\.example\/ is already at email\.tsv:2/,
    );
  });

  it('reads a good folder, empty titles and the hard flag included', () => {
    dir = mkdtempSync(join(tmpdir(), 'destinations-eval-'));
    writeFileSync(join(dir, 'unknown.tsv'), `${header}about:blank\t\tunknown\tyes\tblank page\n`);
    expect(loadDestinationSet(dir)).toEqual([
      { url: 'about:blank', title: '', category: 'unknown', hard: true, why: 'blank page', file: 'unknown.tsv', line: 2 },
    ]);
  });
});

describe('evaluate', () => {
  const page = (url: string, category: DestinationCategory, hard: boolean): DestinationPage => ({
    url,
    title: `title of ${url}`,
    category,
    hard,
    why: 'test',
    file: 't.tsv',
    line: 1,
  });
  const pages = [
    page('https://mail.example/', 'email', false), // right
    page('https://chat.example/', 'messaging', true), // wrong: said other
    page('https://ai.example/', 'ai_tools', true), // right
    page('https://news.example/', 'other', false), // right
    page('https://shop.example/', 'other', true), // pulled into cloud_storage
    page('https://bank.example/', 'other', false), // said unknown: wrong, but not an upload category
    page('https://files.example/', 'cloud_storage', false), // right
  ];
  const answers: Record<string, DestinationCategory> = {
    'https://mail.example/': 'email',
    'https://chat.example/': 'other',
    'https://ai.example/': 'ai_tools',
    'https://news.example/': 'other',
    'https://shop.example/': 'cloud_storage',
    'https://bank.example/': 'unknown',
    'https://files.example/': 'cloud_storage',
  };
  const seen: { url: string; title?: string }[] = [];
  const classify: Classify = (input) => {
    seen.push(input);
    return { category: answers[input.url]!, matchedBy: 'none', ...(answers[input.url] === 'cloud_storage' && { serviceId: 'box' }) };
  };
  const result = evaluate(pages, classify);

  it('passes each page URL and title to the classifier', () => {
    expect(seen).toHaveLength(pages.length);
    expect(seen[0]).toEqual({ url: 'https://mail.example/', title: 'title of https://mail.example/' });
  });

  it('counts rows and correct answers by category, for all pages and for the hard ones', () => {
    const none = { rows: 0, correct: 0 };
    expect(Object.fromEntries(result.byCategory)).toEqual({
      email: { all: { rows: 1, correct: 1 }, hard: none },
      messaging: { all: { rows: 1, correct: 0 }, hard: { rows: 1, correct: 0 } },
      ai_tools: { all: { rows: 1, correct: 1 }, hard: { rows: 1, correct: 1 } },
      other: { all: { rows: 3, correct: 1 }, hard: { rows: 1, correct: 0 } },
      cloud_storage: { all: { rows: 1, correct: 1 }, hard: none },
    });
    expect(result.all).toEqual({ rows: 7, correct: 4 });
    expect(result.hard).toEqual({ rows: 3, correct: 1 });
    expect(percent(result.all)).toBe('57.1 %');
    expect(percent({ rows: 0, correct: 0 })).toBe('—');
  });

  it('counts `other` pages given an upload category, not those given `unknown`', () => {
    expect(result.otherPulled).toEqual({ rows: 3, pulled: 1 });
  });

  it('lists the misses with what was said, grouped by expected and given category', () => {
    expect(result.misses.map((m) => [m.page.url, m.got, m.serviceId])).toEqual([
      ['https://chat.example/', 'other', undefined],
      ['https://shop.example/', 'cloud_storage', 'box'],
      ['https://bank.example/', 'unknown', undefined],
    ]);
    expect([...groupMisses(result.misses)].map(([key, group]) => [key, group.length])).toEqual([
      ['messaging ← other', 1],
      ['other ← cloud_storage', 1],
      ['other ← unknown', 1],
    ]);
  });
});

describe('today’s classifier for the bench', () => {
  // The bench runs under tsx, and vitest's module runner does not import files outside the
  // project, so the extraction is checked the way the bench uses it: in a tsx process.
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
  // A shallow clone lacks the commit; the bench then prints the working tree's figures alone.
  const hasCommit = (() => {
    try {
      execFileSync('git', ['-C', root, 'cat-file', '-e', `${BASELINE_COMMIT}^{commit}`], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();

  it.skipIf(!hasCommit)('is extracted from git, imported by tsx, classifies, and its folder is removed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'destinations-baseline-'));
    try {
      const script = join(dir, 'probe.mts');
      writeFileSync(
        script,
        `import { existsSync } from 'node:fs';
import { loadBaseline } from ${JSON.stringify(join(root, 'bench/intelligence-destinations.ts'))};
const baseline = await loadBaseline();
if (!('classify' in baseline)) throw new Error(baseline.unavailable);
const category = baseline.classify({ url: 'https://mail.google.com/mail/u/0/#inbox' }).category;
const extracted = existsSync(baseline.dir);
baseline.dispose();
console.log(JSON.stringify({ category, extracted, removed: !existsSync(baseline.dir) }));
`,
      );
      const out = execFileSync(join(root, 'node_modules/.bin/tsx'), [script], { cwd: root, encoding: 'utf8' });
      expect(JSON.parse(out.trim().split('\n').pop()!)).toEqual({ category: 'email', extracted: true, removed: true });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says why when the commit cannot be read, and throws nothing', async () => {
    expect(await loadBaseline('0123456789abcdef0123456789abcdef01234567')).toEqual({ unavailable: expect.stringMatching(/unavailable: fatal: /) });
  });
});
