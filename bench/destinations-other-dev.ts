/**
 * bench/destinations-other-dev (issue 16): how many ordinary pages — pages that are not an upload
 * destination — the destination classifier pulls into an upload category, on our own development
 * set (bench/data/destinations-other-dev.tsv, see its header). Prints the pulled share and every
 * pulled row with how it was matched, so a rule's over-eager word shows. Goal: ≤ 3 %.
 * Not the evaluation set: that one (bench/data/destinations-eval) is never tuned against.
 *
 *   npx tsx bench/destinations-other-dev.ts
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { classifyDestination } from '../src/core/destinations/classify';
import { classifyByPageWords } from '../src/core/destinations/page-words';
import { usableUrlParts } from '../src/core/destinations/url-parts';
import { fmt } from './lib';

const FILE = join(dirname(fileURLToPath(import.meta.url)), 'data', 'destinations-other-dev.tsv');

export interface OrdinaryPage {
  url: string;
  title: string;
  line: number;
}

/** Rows of the TSV (url, title); `#` lines are the header. A malformed row is an error naming its line. */
export function loadOrdinaryPages(text: string): OrdinaryPage[] {
  const pages: OrdinaryPage[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '' || line.startsWith('#')) return;
    const cols = line.split('\t');
    if (cols.length !== 2 || !/^https?:\/\//.test(cols[0]!)) throw new Error(`${FILE}:${i + 1}: expected "url<TAB>title"`);
    pages.push({ url: cols[0]!, title: cols[1]!, line: i + 1 });
  });
  return pages;
}

/** Why a page-words match fired: the rule id (the classifier itself only says `page`). */
function reason(page: OrdinaryPage, matchedBy: string, serviceId: string | undefined): string {
  if (matchedBy === 'page') {
    const parts = usableUrlParts(page.url);
    return parts ? `rule ${classifyByPageWords(parts.host, parts.path, page.title)?.rule ?? '?'}` : '';
  }
  return serviceId ? `service ${serviceId}` : '';
}

function main(): void {
  const pages = loadOrdinaryPages(readFileSync(FILE, 'utf8'));
  const pulled = pages.flatMap((page) => {
    const r = classifyDestination({ url: page.url, title: page.title });
    return r.category === 'other' || r.category === 'unknown' ? [] : [{ page, ...r }];
  });
  console.log(
    `destinations-other-dev: ${pages.length} ordinary pages, ${pulled.length} pulled into an upload category = ${fmt((100 * pulled.length) / pages.length, 1)} % (goal ≤ 3 %)`,
  );
  for (const p of pulled)
    console.log(`  ${p.category.padEnd(22)} ${p.matchedBy.padEnd(7)} ${reason(p.page, p.matchedBy, p.serviceId).padEnd(28)} ${p.page.url}  "${p.page.title}"`);
}

main();
