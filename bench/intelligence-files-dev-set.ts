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
 * A second file, bench/data/intelligence-files-dev-text.tsv (TEXT_SET_FILE, also read by `--extra`),
 * grows the categories the classifier is weakest on from content, documents and scripts (documents
 * and scripts are a sixth of the evaluation set, and the held-out half's weakest categories by
 * their totals), with the same labelling rules:
 * - linguist: the samples of each document or script language after the 8 the sets above take,
 *   TEXT_PER_LANGUAGE at most;
 * - local: TEXT_PER_EXTENSION files of each document or script extension, spread over what is left
 *   once both sets above are taken out; and of documentation formats the evaluation set has from
 *   linguist only (TEXT_MORE_EXTENSIONS: manual pages in roff, `.1` to `.8` in a man/manN folder,
 *   and Pod), labelled
 *   `document` as linguist's Roff Manpage and Pod are.
 * No file of it has the content of a file of the evaluation set or of the first development set
 * (compared by SHA-256 of the whole file; only the number of files left out is printed, no held-out
 * file is named or shown).
 *
 * A third file, bench/data/intelligence-files-dev-scripts.tsv (SCRIPT_SET_FILE, also read by
 * `--extra`), holds scripts of other shells and shell code without a shebang from this machine and
 * from fetched snapshots: its sources are in bench/intelligence-files-dev-scripts.ts, and it is
 * disjoint by SHA-256 from the three sets above.
 *
 * Run: `npx tsx bench/intelligence-files-dev-set.ts` (needs the linguist snapshot at LINGUIST_GIT);
 * `--text-only` rebuilds the last two files, `--scripts-only` the last one.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import type { FileCategory } from '../src/core/schema/identifiers';
import { githubContents, gitBlobs, SCRIPT_SET_FILE, scriptEntries } from './intelligence-files-dev-scripts';
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
export const TEXT_SET_FILE = new URL('./data/intelligence-files-dev-text.tsv', import.meta.url);

const TEXT_PER_LANGUAGE = 40;
const TEXT_PER_EXTENSION = 80;
const TEXT_CATEGORIES = new Set<FileCategory>(['document', 'script']);
const TEXT_MORE_EXTENSIONS = new Map<string, FileCategory>(['1', '2', '3', '4', '5', '6', '7', '8', 'pod'].map((ext) => [ext, 'document']));

const readPaths = (file: URL) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.split('\t'))
    .map(([source, path]) => ({ source: source as SetEntry['source'], path: path! }));

/** SHA-256 of each entry's whole content (linguist blobs through one `git cat-file --batch`), in order; undefined when missing. */
function contentHashes(entries: readonly Pick<SetEntry, 'source' | 'path'>[]): (string | undefined)[] {
  const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
  const linguist = gitBlobs(
    LINGUIST_GIT,
    LINGUIST_COMMIT,
    entries.filter((e) => e.source === 'linguist').map((e) => e.path),
  );
  const github = githubContents(entries);
  return entries.map((e) => {
    if (e.source === 'linguist') return linguist.has(e.path) ? sha(linguist.get(e.path)!) : undefined;
    if (e.source === 'github') return github.has(e.path) ? sha(github.get(e.path)!) : undefined;
    return existsSync(e.path) ? sha(readFileSync(e.path)) : undefined;
  });
}

function writeSet(file: URL, entries: readonly SetEntry[]): void {
  const lines = [
    '# source\tpath\tlabel\trule (see bench/intelligence-files-dev-set.ts; a development set, never the evaluation set)',
    ...entries.map((e) => `${e.source}\t${e.path}\t${e.label}\t${e.rule}`),
  ];
  writeFileSync(file, `${lines.join('\n')}\n`);
  const counts = new Map<string, number>();
  for (const e of entries) counts.set(e.label, (counts.get(e.label) ?? 0) + 1);
  console.log(`${entries.length} files written to ${file.pathname}:`, Object.fromEntries(counts));
}

/** Candidates without the content of a file of `known` sets or of an earlier candidate; prints how many were left out. */
function disjoint(candidates: readonly SetEntry[], known: ReadonlySet<string>): SetEntry[] {
  const hashes = contentHashes(candidates);
  const seen = new Set<string>();
  const kept = candidates.filter((_, i) => {
    const hash = hashes[i];
    if (!hash || known.has(hash) || seen.has(hash)) return false;
    seen.add(hash);
    return true;
  });
  console.log(`${candidates.length - kept.length} candidates left out: missing, or the content of a file of the other sets (or of another candidate)`);
  return kept;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const evaluation = readPaths(SET_FILE);
  const evaluationPaths = new Set(evaluation.map((e) => e.path));
  const scriptsOnly = process.argv.includes('--scripts-only');
  if (!process.argv.includes('--text-only') && !scriptsOnly) {
    writeSet(
      DEV_SET_FILE,
      [...linguistEntries(4), ...otherLanguageEntries(), ...localEntries(evaluationPaths)].filter((e) => !evaluationPaths.has(e.path)),
    );
  }
  const first = readPaths(DEV_SET_FILE);
  const taken = new Set([...evaluationPaths, ...first.map((e) => e.path)]);
  if (!scriptsOnly) {
    const candidates = [
      ...linguistEntries(8, TEXT_PER_LANGUAGE, TEXT_CATEGORIES),
      ...localEntries(taken, TEXT_PER_EXTENSION, TEXT_CATEGORIES),
      // A manual page is in a man/manN folder (a name ending in .2 elsewhere is a library's version, a licence…).
      ...localEntries(taken, TEXT_PER_EXTENSION, TEXT_CATEGORIES, TEXT_MORE_EXTENSIONS, (path) => path.endsWith('.pod') || /\/man\/man\d\w*\//.test(path)),
    ].filter((e) => !taken.has(e.path));
    writeSet(TEXT_SET_FILE, disjoint(candidates, new Set(contentHashes([...evaluation, ...first]).filter((h) => h !== undefined))));
  }
  // Scripts: disjoint from all three sets above by content.
  const text = readPaths(TEXT_SET_FILE);
  const known = new Set(contentHashes([...evaluation, ...first, ...text]).filter((h) => h !== undefined));
  const scripts = scriptEntries().filter((e) => !taken.has(e.path));
  writeSet(SCRIPT_SET_FILE, disjoint(scripts, known));
}
