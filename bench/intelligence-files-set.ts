/**
 * Builds the labelled file set of `bench/intelligence-files.ts` (issue 16, item 5) and writes it to
 * bench/intelligence-files.tsv: one line per file with its source and its label. Nothing here was
 * chosen by looking at either classifier's answers; the set is for evaluation only (nothing is
 * trained or tuned on it).
 *
 * Sources and labelling rules:
 * - linguist: the `samples/<Language>/` folders of github-linguist/linguist at LINGUIST_COMMIT
 *   (MIT; each sample keeps its own project's licence, so only paths are kept here, never the
 *   files). Label: the language folder, mapped to a file category by LANGUAGE_CATEGORY below. At
 *   most 4 files per language, the first in path order.
 * - local: files of this machine's Debian packages (/usr/share, /usr/lib, /usr/include) and of this
 *   project's node_modules (installed from package-lock.json). Label: the extension, mapped by
 *   EXTENSION_CATEGORY below (written for this set; structured data text is `source_code` and
 *   compiled bytecode `executable`, by the product decisions of issue 16). At most 10 files per
 *   extension, spread over the sorted list.
 *
 * Run: `npx tsx bench/intelligence-files-set.ts` (needs the linguist snapshot at LINGUIST_GIT).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import type { FileCategory } from '../src/core/schema/identifiers';

export const LINGUIST_GIT = '/work/.mirror/github-linguist+linguist/repo';
export const LINGUIST_COMMIT = 'b45dbe9b2825a43285bcd035861be91cc0a7299e';
export const SET_FILE = new URL('./intelligence-files.tsv', import.meta.url);

const group = (category: FileCategory, names: string) => names.split('|').map((n) => [n, category] as const);

/** Linguist language folder → category: programming and configuration languages are source code. */
const LANGUAGE_CATEGORY = new Map<string, FileCategory>([
  ...group(
    'source_code',
    'C|C++|C#|Go|Swift|Scala|Haskell|Lua|Perl|R|Elixir|Clojure|OCaml|Objective-C|Fortran|Assembly|Verilog|SystemVerilog|VHDL|HCL|Terraform Template|' +
      'GraphQL|Svelte|Vue|Nix|Makefile|Dockerfile|Java|JavaScript|TypeScript|TSX|Python|Ruby|Rust|PHP|Kotlin|Dart|Julia|Erlang|Groovy|Pascal|Prolog|' +
      'Scheme|Emacs Lisp|Common Lisp|Tcl|Zig|Solidity|SQL|PLSQL|TSQL|PLpgSQL|CSS|SCSS|Less|Sass|Stylus|HTML|JSON|JSON5|JSON with Comments|YAML|TOML|INI|XML|' +
      'Java Properties|CMake|Protocol Buffer|Thrift|Smali|COBOL|CoffeeScript|Elm|F#|Crystal|D|Nim|Racket|Standard ML|Ada|MATLAB|Raku|Vim script|Jsonnet|' +
      'Starlark|Gradle|Maven POM|Twig|Jinja|Handlebars|Mustache|Cuda|GLSL|HLSL|OpenCL|Hack|Apex|ActionScript|Idris|Agda|Lean|PureScript|Reason|ReScript|' +
      'Haml|Pug|Slim|Smarty|Liquid|EJS|Nunjucks|Astro|Objective-C++|Visual Basic .NET|Puppet|Meson|QMake|Bicep|Nginx|ApacheConf|HAProxy|Git Config|' +
      'EditorConfig|Dotenv|Ignore List|SSH Config|HOCON|Cabal Config|Pip Requirements|Go Module|NPM Config|XML Property List|Jupyter Notebook|Gherkin|' +
      'WebIDL|Yacc|Lex|Linker Script|Unix Assembly|Motorola 68K Assembly|WebAssembly|Modelica|Mercury|Forth|Smalltalk|Eiffel|Pony|Odin|V|Gleam|Mojo|Move|Cairo|Vyper|Yul',
  ),
  ...group('script', 'Shell|PowerShell|Batchfile|Awk|VBScript|AutoHotkey|fish|Tcsh|AppleScript|sed|Xonsh|Nushell|Elvish|VBA'),
  ...group(
    'document',
    'Markdown|reStructuredText|TeX|Text|AsciiDoc|Org|BibTeX|SubRip Text|WebVTT|E-mail|Wikitext|Texinfo|Roff Manpage|Roff|iCalendar|vCard|RDoc|Creole|Pod|Rich Text Format',
  ),
  ...group('spreadsheet', 'CSV|TSV'),
  ...group('image', 'X PixMap|PostScript'),
]);

/** Extension → category for this machine's files (the rule for the `local` source). */
const EXTENSION_CATEGORY = new Map<string, FileCategory>([
  ...group(
    'source_code',
    'py|pyi|js|mjs|cjs|ts|mts|cts|h|hpp|c|cpp|pl|pm|cmake|vim|tcl|php|css|html|sql|go|el|cs|proto|f90|sv|m4|mk|json|yaml|yml|xml|toml|ini|cfg|conf|properties|xsd|dtd|pem|crt|patch',
  ),
  ...group('script', 'sh|bash|fish|awk|sed|bat|cmd|ps1'),
  ...group('document', 'md|markdown|rst|txt|tex|srt'),
  ...group('spreadsheet', 'csv|tsv'),
  ...group('image', 'png|gif|jpg|ico|svg|xpm|bmp|tif'),
  ...group('pdf', 'pdf'),
  ...group('audio', 'mp3|wav|ogg|oga'),
  ...group('archive', 'gz|zip|jar|tar|xz|bz2'),
  ...group('executable', 'so|exe|wasm|pyc|node'),
  ...group('other', 'ttf|otf|woff|woff2|mo'),
]);

const LOCAL_ROOTS = ['/usr/share', '/usr/lib', '/usr/include', new URL('../node_modules', import.meta.url).pathname];
const PER_LANGUAGE = 4;
const PER_EXTENSION = 10;
const MIN_BYTES = 64;

export interface SetEntry {
  /** `github`: a snapshot fetched to this machine (bench/intelligence-files-dev-scripts.ts), path `owner/name:path`. */
  source: 'linguist' | 'local' | 'github';
  path: string;
  label: FileCategory;
  rule: string;
}

/** Every linguist sample of MIN_BYTES or more, by its language folder, in path order. */
export function linguistByLanguage(): Map<string, string[]> {
  const listing = execFileSync('git', ['-C', LINGUIST_GIT, 'ls-tree', '-r', '-l', LINGUIST_COMMIT, 'samples'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const byLanguage = new Map<string, string[]>();
  for (const line of listing.split('\n')) {
    const m = /^\d+ blob [0-9a-f]+\s+(\d+)\t(samples\/([^/]+)\/.+)$/.exec(line);
    if (!m || Number(m[1]) < MIN_BYTES) continue;
    byLanguage.set(m[3]!, [...(byLanguage.get(m[3]!) ?? []), m[2]!]);
  }
  for (const paths of byLanguage.values()) paths.sort();
  return byLanguage;
}

/** Whether the evaluation set's language map names the language (its samples may be in the set). */
export const languageCategory = (language: string): FileCategory | undefined => LANGUAGE_CATEGORY.get(language);

/** The first `count` samples of each language (of a category of `only`, if given) after `skip` (the evaluation set skips none). */
export function linguistEntries(skip = 0, count = PER_LANGUAGE, only?: ReadonlySet<FileCategory>): SetEntry[] {
  return [...linguistByLanguage()]
    .filter(([language]) => LANGUAGE_CATEGORY.has(language) && (!only || only.has(LANGUAGE_CATEGORY.get(language)!)))
    .flatMap(([language, paths]) =>
      paths
        .slice(skip, skip + count)
        .map((path) => ({ source: 'linguist' as const, path, label: LANGUAGE_CATEGORY.get(language)!, rule: `language ${language}` })),
    );
}

function walk(dir: string, out: string[], depth = 0): void {
  if (depth > 12) return;
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    return;
  }
  for (const name of names) {
    const path = `${dir}/${name}`;
    try {
      const s = statSync(path, { throwIfNoEntry: false });
      if (!s) continue;
      if (s.isDirectory()) walk(path, out, depth + 1);
      else if (s.isFile() && s.size >= MIN_BYTES) out.push(path);
    } catch {
      // unreadable: not in the set
    }
  }
}

/**
 * `perExtension` files of each extension (of `only`, if given) spread over the sorted list, none of
 * `exclude`; `extensions` replaces the evaluation set's extension map and `accept` narrows the
 * paths (a development set's own).
 */
export function localEntries(
  exclude: ReadonlySet<string> = new Set(),
  perExtension = PER_EXTENSION,
  only?: ReadonlySet<FileCategory>,
  extensions: ReadonlyMap<string, FileCategory> = EXTENSION_CATEGORY,
  accept: (path: string) => boolean = () => true,
): SetEntry[] {
  const files: string[] = [];
  for (const root of LOCAL_ROOTS) walk(root, files);
  const byExtension = new Map<string, string[]>();
  for (const path of files) {
    const m = /\.([a-z0-9]+)$/.exec(path.split('/').pop()!);
    const category = m && extensions.get(m[1]!);
    if (!category || (only && !only.has(category)) || path.includes('/.git/') || exclude.has(path) || !accept(path)) continue;
    byExtension.set(m![1]!, [...(byExtension.get(m![1]!) ?? []), path]);
  }
  return [...byExtension].flatMap(([ext, paths]) => {
    const step = Math.max(1, Math.floor(paths.length / perExtension));
    const picked = paths.filter((_, i) => i % step === 0).slice(0, perExtension);
    return picked.map((path) => ({ source: 'local' as const, path, label: extensions.get(ext)!, rule: `extension .${ext}` }));
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const entries = [...linguistEntries(), ...localEntries()];
  const lines = ['# source\tpath\tlabel\trule (see bench/intelligence-files-set.ts)', ...entries.map((e) => `${e.source}\t${e.path}\t${e.label}\t${e.rule}`)];
  writeFileSync(SET_FILE, `${lines.join('\n')}\n`);
  const counts = new Map<string, number>();
  for (const e of entries) counts.set(e.label, (counts.get(e.label) ?? 0) + 1);
  console.log(`${entries.length} files written to ${SET_FILE.pathname}:`, Object.fromEntries(counts));
}
