/**
 * bench/destinations-other-dev (issue 16): how many ordinary pages — pages that are not an upload
 * destination — the destination classifier pulls into an upload category, on our own development
 * set (bench/data/destinations-other-dev.tsv, see its header), and how many of the set's positive
 * pages (real webmail, file transfer, AI tools…) it still names right, so a fix that costs recall
 * shows. Prints both shares and every wrong row with how it was matched. Goal: ≤ 3 % pulled.
 * Not the evaluation set: that one (bench/data/destinations-eval) is never tuned against.
 *
 *   npx tsx bench/destinations-other-dev.ts
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { classifyDestination, type DestinationResult } from '../src/core/destinations/classify';
import { classifyByPageWords } from '../src/core/destinations/page-words';
import { RULE_KINDS, SECTION_RULES } from '../src/core/destinations/section-rules';
import { usableUrlParts } from '../src/core/destinations/url-parts';
import { DestinationCategory } from '../src/core/schema/identifiers';
import { fmt } from './lib';

const FILE = join(dirname(fileURLToPath(import.meta.url)), 'data', 'destinations-other-dev.tsv');

export interface DevPage {
  url: string;
  title: string;
  /** `other` for an ordinary page, else the upload category the page is. */
  expected: DestinationCategory;
  /** Where the row comes from ("hand-written"). */
  provenance: string;
  line: number;
}

/** Rows of the TSV (url, title, expected, provenance); `#` lines are the header. A malformed row is an error naming its line. */
export function loadDevPages(text: string): DevPage[] {
  const pages: DevPage[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '' || line.startsWith('#')) return;
    const cols = line.split('\t');
    const expected = DestinationCategory.safeParse(cols[2]);
    if (cols.length !== 4 || !/^https?:\/\//.test(cols[0]!) || !expected.success || expected.data === 'unknown' || cols[3] === '')
      throw new Error(`${FILE}:${i + 1}: expected "url<TAB>title<TAB>category<TAB>provenance"`);
    pages.push({ url: cols[0]!, title: cols[1]!, expected: expected.data, provenance: cols[3]!, line: i + 1 });
  });
  return pages;
}

/** Why a page-words match fired: the rule id (the classifier itself only says `page`). */
function reason(page: DevPage, r: DestinationResult): string {
  if (r.matchedBy === 'page') {
    const parts = usableUrlParts(page.url);
    return parts ? `rule ${classifyByPageWords(parts.host, parts.path, page.title)?.rule ?? '?'}` : '';
  }
  if (r.section) return `section ${r.section.kind}`;
  return r.serviceId ? `service ${r.serviceId}` : '';
}

const isUpload = (c: DestinationCategory) => c !== 'other' && c !== 'unknown';

function show(page: DevPage, r: DestinationResult): string {
  return `  ${r.category.padEnd(22)} ${r.matchedBy.padEnd(7)} ${reason(page, r).padEnd(28)} ${page.url}  "${page.title}"`;
}

function main(): void {
  const pages = loadDevPages(readFileSync(FILE, 'utf8'));
  const results = pages.map((page) => ({ page, r: classifyDestination({ url: page.url, title: page.title }) }));
  const ordinary = results.filter(({ page }) => page.expected === 'other');
  const pulled = ordinary.filter(({ r }) => isUpload(r.category));
  const positive = results.filter(({ page }) => page.expected !== 'other');
  const missed = positive.filter(({ page, r }) => r.category !== page.expected);
  console.log(
    `destinations-other-dev: ${ordinary.length} ordinary pages, ${pulled.length} pulled into an upload category = ${fmt((100 * pulled.length) / ordinary.length, 1)} % (goal ≤ 3 %)`,
  );
  // The generic fallback (page words) apart from the catalog's own verdicts (a host, a path or a
  // self-hosted title rule): they are fixed in different places.
  const byWords = pulled.filter(({ r }) => r.matchedBy === 'page');
  console.log(
    `  by the page's words (the generic fallback): ${byWords.length} = ${fmt((100 * byWords.length) / ordinary.length, 1)} %; by the catalog (host, path, title rule): ${pulled.length - byWords.length} = ${fmt((100 * (pulled.length - byWords.length)) / ordinary.length, 1)} %`,
  );
  for (const { page, r } of [...byWords, ...pulled.filter(({ r }) => r.matchedBy !== 'page')]) console.log(show(page, r));
  console.log(
    `destinations-other-dev: ${positive.length} upload pages, ${positive.length - missed.length} named right = ${fmt((100 * (positive.length - missed.length)) / positive.length, 1)} %`,
  );
  for (const { page, r } of missed) console.log(`${show(page, r)}  (expected ${page.expected})`);
  // The path rules (catalog/section-rules.json): the reading pages they make `other`, and the same
  // sites' own upload, publish and manage pages, which they must leave named.
  const byRule = ordinary.filter(({ r }) => r.section !== undefined && Object.hasOwn(RULE_KINDS, r.section.kind));
  // Upload pages on a rule's hosts or their subdomains (portal.hostgator.com, unix.stackexchange.com).
  const ruledSites = positive.filter(({ page }) => {
    const parts = usableUrlParts(page.url);
    return parts !== undefined && SECTION_RULES.some((rule) => rule.hosts.some((h) => parts.host.endsWith(h.replace(/^\*\./, ''))));
  });
  console.log(
    `destinations-other-dev: the path rules make ${byRule.length} ordinary pages other; on the sites they cover, ${ruledSites.filter(({ page, r }) => r.category === page.expected).length} of ${ruledSites.length} upload pages are named right`,
  );
  // The fallback alone, as if the catalog knew none of these hosts: what its caution costs on real
  // tools' own titles (most upload pages here are catalog services), and how often it would fire.
  const alone = (page: DevPage) => {
    const parts = usableUrlParts(page.url);
    return parts ? classifyByPageWords(parts.host, parts.path, page.title)?.category : undefined;
  };
  const named = positive.filter(({ page }) => alone(page) === page.expected).length;
  const fired = ordinary.filter(({ page }) => alone(page) !== undefined).length;
  console.log(
    `destinations-other-dev: the page's words alone (catalog bypassed) name ${named} of ${positive.length} upload pages right and fire on ${fired} of ${ordinary.length} ordinary pages`,
  );
}

main();
