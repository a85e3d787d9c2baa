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
 * - linguist, other languages: the first OTHER_PER_LANGUAGE samples of each language the evaluation
 *   set's map does not name, labelled by the language's `type` in linguist's lib/linguist/languages.yml
 *   at LINGUIST_COMMIT: `programming` is source code, `prose` a document (`data` and `markup` mix
 *   configuration, documents and images, so they are left out). These check that a rule holds for
 *   languages no rule was written for.
 *
 * Run: `npx tsx bench/intelligence-files-dev-set.ts` (needs the linguist snapshot at LINGUIST_GIT).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import type { FileCategory } from '../src/core/schema/identifiers';
import {
  languageCategory,
  LINGUIST_COMMIT,
  LINGUIST_GIT,
  linguistByLanguage,
  linguistEntries,
  localEntries,
  SET_FILE,
  type SetEntry,
} from './intelligence-files-set';

const OTHER_PER_LANGUAGE = 2;
const TYPE_CATEGORY: Record<string, FileCategory> = { programming: 'source_code', prose: 'document' };

/** Linguist's `type` of each language (top-level keys of languages.yml and their `type:` line). */
function linguistTypes(): Map<string, string> {
  const yml = execFileSync('git', ['-C', LINGUIST_GIT, 'show', `${LINGUIST_COMMIT}:lib/linguist/languages.yml`], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const types = new Map<string, string>();
  let language: string | undefined;
  let fsName: string | undefined;
  for (const line of yml.split('\n')) {
    const top = /^([^\s#][^:]*):\s*$/.exec(line);
    if (top) {
      language = top[1]!.replace(/^"(.*)"$/, '$1');
      fsName = undefined;
      continue;
    }
    const fs = /^ {2}fs_name: "?([^"]+)"?$/.exec(line);
    if (fs && language) fsName = fs[1]!;
    const type = /^ {2}type: (\w+)$/.exec(line);
    if (type && language) types.set(language, type[1]!);
    if (fsName && language && types.has(language)) types.set(fsName, types.get(language)!);
  }
  return types;
}

function otherLanguageEntries(): SetEntry[] {
  const types = linguistTypes();
  return [...linguistByLanguage()]
    .filter(([language]) => !languageCategory(language) && TYPE_CATEGORY[types.get(language) ?? ''])
    .flatMap(([language, paths]) =>
      paths.slice(0, OTHER_PER_LANGUAGE).map((path) => ({
        source: 'linguist' as const,
        path,
        label: TYPE_CATEGORY[types.get(language)!]!,
        rule: `language ${language} (linguist type ${types.get(language)})`,
      })),
    );
}

export const DEV_SET_FILE = new URL('./data/intelligence-files-dev.tsv', import.meta.url);

if (import.meta.url === `file://${process.argv[1]}`) {
  const evaluation = new Set(
    readFileSync(SET_FILE, 'utf8')
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => l.split('\t')[1]!),
  );
  const entries = [...linguistEntries(4), ...otherLanguageEntries(), ...localEntries(evaluation)].filter((e) => !evaluation.has(e.path));
  const lines = [
    '# source\tpath\tlabel\trule (see bench/intelligence-files-dev-set.ts; a development set, never the evaluation set)',
    ...entries.map((e) => `${e.source}\t${e.path}\t${e.label}\t${e.rule}`),
  ];
  writeFileSync(DEV_SET_FILE, `${lines.join('\n')}\n`);
  const counts = new Map<string, number>();
  for (const e of entries) counts.set(e.label, (counts.get(e.label) ?? 0) + 1);
  console.log(`${entries.length} files written to ${DEV_SET_FILE.pathname}:`, Object.fromEntries(counts));
}
