/**
 * Builds an additional development set for `bench/intelligence-files.ts --extra` (issue 16, item 5)
 * and writes it to bench/data/intelligence-files-dev.tsv. The evaluation set's held-out half is
 * never studied one file at a time; this set is, so that a rule found on the development half can be
 * checked on files it was not found on before the held-out half is measured. No file of the
 * evaluation set (either half) is in it.
 *
 * Sources, with the labelling rules of bench/intelligence-files-set.ts:
 * - linguist: the next PER_LANGUAGE samples of each language (the 5th to the 8th in path order) of
 *   github-linguist/linguist at LINGUIST_COMMIT.
 * - local: this machine's files of the same extensions and roots, spread over what is left once the
 *   evaluation set's files are taken out.
 *
 * Run: `npx tsx bench/intelligence-files-dev-set.ts` (needs the linguist snapshot at LINGUIST_GIT).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { linguistEntries, localEntries, SET_FILE } from './intelligence-files-set';

export const DEV_SET_FILE = new URL('./data/intelligence-files-dev.tsv', import.meta.url);

if (import.meta.url === `file://${process.argv[1]}`) {
  const evaluation = new Set(
    readFileSync(SET_FILE, 'utf8')
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => l.split('\t')[1]!),
  );
  const entries = [...linguistEntries(4), ...localEntries(evaluation)].filter((e) => !evaluation.has(e.path));
  const lines = [
    '# source\tpath\tlabel\trule (see bench/intelligence-files-dev-set.ts; a development set, never the evaluation set)',
    ...entries.map((e) => `${e.source}\t${e.path}\t${e.label}\t${e.rule}`),
  ];
  writeFileSync(DEV_SET_FILE, `${lines.join('\n')}\n`);
  const counts = new Map<string, number>();
  for (const e of entries) counts.set(e.label, (counts.get(e.label) ?? 0) + 1);
  console.log(`${entries.length} files written to ${DEV_SET_FILE.pathname}:`, Object.fromEntries(counts));
}
