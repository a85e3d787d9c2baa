/**
 * bench/intelligence-files-script-scan (issue 16, item 5): what the script rules of the text
 * analysis (src/core/files/text-languages-shells.ts) name among files that are not scripts and are
 * in no set — their false positives, measured outside the evaluation and development sets.
 *
 * - local: up to PER_EXTENSION files of each source, configuration and documentation extension of
 *   this machine's Debian packages, node_modules and a pyenv Python, whose path is in no set;
 * - linguist: the samples of each source-code language after the 8th (the evaluation set takes the
 *   first 4, the development set the next 4).
 * Prints how many files each pool holds and every file a script rule names (path and evidence).
 *
 * Run: `npx tsx bench/intelligence-files-script-scan.ts`.
 */
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { sniffText } from '../src/core/files/sniff-text';
import { DEV_SET_FILE, TEXT_SET_FILE } from './intelligence-files-dev-set';
import { gitBlobs, SCRIPT_SET_FILE } from './intelligence-files-dev-scripts';
import { languageCategory, LINGUIST_COMMIT, LINGUIST_GIT, linguistByLanguage, SET_FILE } from './intelligence-files-set';

const PER_EXTENSION = 400;
const HEAD = 64 * 1024;
const NOT_SCRIPTS =
  /\.(pl|pm|py|rb|c|h|cc|cpp|js|mjs|ts|tcl|r|lua|php|go|sql|m4|mk|cmake|vim|el|java|scm|lisp|hs|ml|rs|json|yaml|yml|toml|ini|conf|cfg|xml|md|txt|rst)$/;
const ROOTS = ['/usr/share', '/usr/lib', '/usr/include', new URL('../node_modules', import.meta.url).pathname, '/root/.pyenv/versions/3.12.1'];
/** The evidence of the rules this scan is about. */
const SCRIPT_RULES = /zsh|Nushell|Elvish|Xonsh|Awk|sed program|sed script|aliases|completions/;

const inSets = new Set(
  [SET_FILE, DEV_SET_FILE, TEXT_SET_FILE, SCRIPT_SET_FILE].flatMap((file) =>
    existsSync(file)
      ? readFileSync(file, 'utf8')
          .split('\n')
          .map((l) => l.split('\t')[1] ?? '')
      : [],
  ),
);

function head(path: string, size: number): Uint8Array {
  const fd = openSync(path, 'r');
  try {
    const buf = new Uint8Array(Math.min(size, HEAD));
    readSync(fd, buf, 0, buf.length, 0);
    return buf;
  } finally {
    closeSync(fd);
  }
}

function localPool(found: string[]): number {
  const perExtension = new Map<string, number>();
  const walk = (dir: string, depth: number): void => {
    if (depth > 10) return;
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch {
      return;
    }
    for (const name of names) {
      const path = `${dir}/${name}`;
      const s = statSync(path, { throwIfNoEntry: false });
      if (s?.isDirectory()) {
        if (name !== '.git') walk(path, depth + 1);
        continue;
      }
      const ext = NOT_SCRIPTS.exec(name)?.[1];
      if (!ext || !s?.isFile() || s.size < 64 || inSets.has(path) || (perExtension.get(ext) ?? 0) >= PER_EXTENSION) continue;
      perExtension.set(ext, (perExtension.get(ext) ?? 0) + 1);
      const verdict = sniffText(head(path, s.size), s.size > HEAD);
      if (verdict && SCRIPT_RULES.test(verdict.evidence)) found.push(`local ${path}: ${verdict.evidence}`);
    }
  };
  for (const root of ROOTS) walk(root, 0);
  return [...perExtension.values()].reduce((a, b) => a + b, 0);
}

function linguistPool(found: string[]): number {
  if (!existsSync(LINGUIST_GIT)) return 0;
  const paths = [...linguistByLanguage()].filter(([language]) => languageCategory(language) === 'source_code').flatMap(([, p]) => p.slice(8));
  const blobs = gitBlobs(LINGUIST_GIT, LINGUIST_COMMIT, paths);
  for (const [path, bytes] of blobs) {
    const verdict = sniffText(bytes.subarray(0, HEAD), bytes.length > HEAD);
    if (verdict && SCRIPT_RULES.test(verdict.evidence)) found.push(`linguist ${path}: ${verdict.evidence}`);
  }
  return blobs.size;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const found: string[] = [];
  const local = localPool(found);
  const linguist = linguistPool(found);
  console.log(
    `bench/intelligence-files-script-scan: ${local} local files and ${linguist} linguist samples outside every set, of extensions that are not scripts`,
  );
  console.log(`named by a script rule: ${found.length}`);
  for (const line of found) console.log(`  ${line}`);
}
