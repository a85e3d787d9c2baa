/**
 * A third development set for `bench/intelligence-files.ts --extra` (issue 16, item 5): scripts,
 * the held-out half's weakest category by its totals, of which the other development sets hold
 * few beyond POSIX shell with a shebang — most of the evaluation set's script languages have 1 to 4
 * linguist samples, all taken by the evaluation set. Written to
 * bench/data/intelligence-files-dev-scripts.tsv (SCRIPT_SET_FILE) by
 * `npx tsx bench/intelligence-files-dev-set.ts --scripts-only`.
 *
 * Sources and labelling rules (every file `script`, as the evaluation set labels Shell, fish, Tcsh,
 * Nushell, Elvish, Xonsh, PowerShell, Batchfile, Awk and sed):
 * - local, by where the file lives (shell code sourced by a shell, mostly without a shebang): bash
 *   completions (/usr/share/bash-completion/completions), zsh completions
 *   (/usr/share/zsh/vendor-completions), shell start-up files (/etc/profile, /etc/bash.bashrc,
 *   /etc/profile.d, /etc/skel), Python's venv `activate` scripts;
 * - local, by a shell shebang (`#!` naming sh, bash, dash, zsh, ksh, csh, tcsh or fish) on the first
 *   line: programs of /usr/bin, /usr/sbin, /usr/lib/git-core, /etc/init.d, git's contrib
 *   (/usr/share/doc/git/contrib), pyenv (/root/.pyenv/libexec, plugins);
 * - local, by a script extension outside the evaluation set's roots (pyenv's Python builds and
 *   completions: .sh .bash .zsh .fish .csh .tcsh .ps1 .bat .cmd .vbs .awk .sed);
 * - github, by extension, from snapshots fetched to this machine (MIRRORS, at the commit named):
 *   fish-shell/fish-shell (.fish), nushell/nu_scripts (.nu), elves/elvish (.elv), xonsh/xonsh
 *   (.xsh), ohmyzsh/ohmyzsh (.zsh, .zsh-theme, and zsh completion functions named `_name`),
 *   ScoopInstaller/Scoop (.ps1), npocmaka/batch.scripts (.bat), onetrueawk/awk (.awk, and the AWK
 *   book's programs in testdir/p.*), andrewp-as-is/applescript-examples and unforswearing/applescript
 *   (.applescript), denolfe/AutoHotkey (.ahk).
 * At most PER_GROUP files a group, spread over its sorted list. No file has the content of a file
 * of the evaluation set or of the other development sets (SHA-256, in intelligence-files-dev-set.ts).
 */
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import type { SetEntry } from './intelligence-files-set';

export const SCRIPT_SET_FILE = new URL('./data/intelligence-files-dev-scripts.tsv', import.meta.url);

/** Snapshots fetched to this machine (the `fetch` tool's mirrors), at the commit the set was built from. */
export const MIRRORS: Record<string, string> = {
  'fish-shell/fish-shell': 'ff724192d0353341cef6a0a8154b59603d533cd1',
  'nushell/nu_scripts': '381eb7577705b00bea437da7c0439c39ff05f06b',
  'elves/elvish': '26a8bd5c4ee1eb5c0a2d53578d0368de2b8b3274',
  'xonsh/xonsh': '375f703fa4867fa181d5afe3bc6424304e6cdd6e',
  'ohmyzsh/ohmyzsh': '830a5bcfd29fd577fdcd5f3b8e98cbaf973421fa',
  'ScoopInstaller/Scoop': 'b588a06e41d920d2123ec70aee682bae14935939',
  'npocmaka/batch.scripts': '00a8ab0fe4f4e98e526dfa6a70382b80e4e22831',
  'onetrueawk/awk': 'd7f37646965ee26214da0e1d97f3c1d54349ae2d',
  'andrewp-as-is/applescript-examples': '071248da8f00862b17530a014d8fd004a0ed329a',
  'unforswearing/applescript': '1e404d61b610254d5e96dd42a38b3a34daafe132',
  'denolfe/AutoHotkey': 'd7fa8b42c477c186a323f8d3d98276239bff0295',
};
export const mirrorGit = (repo: string) => `/work/.mirror/${repo.replace('/', '+')}/repo`;

const PER_GROUP = 40;
const MIN_BYTES = 64;
const SHELL_SHEBANG = /^#!\s*\S*\/(?:env\s+)?(?:sh|bash|dash|zsh|ksh|mksh|csh|tcsh|fish)(?:\s|$)/;
const SCRIPT_EXTENSIONS = /\.(sh|bash|zsh|fish|csh|tcsh|ps1|bat|cmd|vbs|awk|sed)$/;

/** `path` of a `github` entry: `owner/name:path/in/repo`. */
export const splitGithubPath = (path: string) => {
  const at = path.indexOf(':');
  return { repo: path.slice(0, at), file: path.slice(at + 1) };
};

/** Blobs of one repository at one commit, through one `git cat-file --batch`; a missing path is absent. */
export function gitBlobs(git: string, commit: string, paths: readonly string[]): Map<string, Uint8Array> {
  const blobs = new Map<string, Uint8Array>();
  if (paths.length === 0 || !existsSync(git)) return blobs;
  const out = execFileSync('git', ['-C', git, 'cat-file', '--batch'], { input: paths.map((p) => `${commit}:${p}\n`).join(''), maxBuffer: 512 << 20 });
  let at = 0;
  for (const path of paths) {
    const nl = out.indexOf(10, at);
    const m = / blob (\d+)$/.exec(out.subarray(at, nl).toString());
    if (!m) {
      at = nl + 1;
      continue;
    }
    const size = Number(m[1]);
    blobs.set(path, new Uint8Array(out.subarray(nl + 1, nl + 1 + size)));
    at = nl + 1 + size + 1;
  }
  return blobs;
}

function files(dir: string, recurse: boolean, out: string[] = []): string[] {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    return out;
  }
  for (const name of names) {
    const path = `${dir}/${name}`;
    const s = statSync(path, { throwIfNoEntry: false });
    if (s?.isDirectory() && recurse && name !== '.git') files(path, true, out);
    else if (s?.isFile() && s.size >= MIN_BYTES) out.push(path);
  }
  return out;
}

function firstLine(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(128);
    const n = readSync(fd, buf, 0, 128, 0);
    return buf.subarray(0, n).toString('latin1').split('\n')[0]!;
  } finally {
    closeSync(fd);
  }
}

const spread = (paths: readonly string[], n = PER_GROUP) => {
  const step = Math.max(1, Math.floor(paths.length / n));
  return paths.filter((_, i) => i % step === 0).slice(0, n);
};

function localGroups(): [string, string[]][] {
  const shebang = ['/usr/bin', '/usr/sbin', '/usr/lib/git-core', '/etc/init.d'].flatMap((d) => files(d, false));
  const shebangDeep = ['/usr/share/doc/git/contrib', '/root/.pyenv/libexec', '/root/.pyenv/plugins'].flatMap((d) => files(d, true));
  const withShebang = (paths: string[]) => paths.filter((p) => !SCRIPT_EXTENSIONS.test(p) && SHELL_SHEBANG.test(firstLine(p)));
  const pyenv = files('/root/.pyenv', true);
  return [
    ['bash completion (sourced by bash)', spread(files('/usr/share/bash-completion/completions', false))],
    ['zsh completion function', spread(files('/usr/share/zsh/vendor-completions', false))],
    ['shell start-up file', ['/etc/profile', '/etc/bash.bashrc', ...files('/etc/profile.d', false), ...files('/etc/skel', false)].filter((p) => existsSync(p))],
    ['venv activate script (sourced by bash)', [...pyenv, ...files('/usr/lib/python3.11/venv', true)].filter((p) => /\/venv\/scripts\/.*\/activate$/.test(p))],
    ['shell shebang, a program', spread(withShebang(shebang))],
    ['shell shebang, git contrib and pyenv', spread(withShebang(shebangDeep))],
    ['script extension, pyenv', spread(pyenv.filter((p) => SCRIPT_EXTENSIONS.test(p)))],
  ];
}

function githubGroups(): [string, string[]][] {
  const list = (repo: string, test: (path: string) => boolean) =>
    execFileSync('git', ['-C', mirrorGit(repo), 'ls-tree', '-r', '-l', MIRRORS[repo]!], { encoding: 'utf8', maxBuffer: 64 << 20 })
      .split('\n')
      .map((l) => /^\d+ blob [0-9a-f]+\s+(\d+)\t(.+)$/.exec(l))
      .filter((m): m is RegExpExecArray => !!m && Number(m[1]) >= MIN_BYTES && test(m[2]!))
      .map((m) => `${repo}:${m[2]!}`)
      .sort();
  const ext = (e: string) => (p: string) => p.endsWith(e);
  return [
    ['fish (fish-shell)', spread(list('fish-shell/fish-shell', ext('.fish')))],
    ['Nushell (nu_scripts)', spread(list('nushell/nu_scripts', ext('.nu')))],
    ['Elvish (elvish)', spread(list('elves/elvish', ext('.elv')))],
    ['Xonsh (xonsh)', spread(list('xonsh/xonsh', ext('.xsh')))],
    ['zsh (ohmyzsh)', spread(list('ohmyzsh/ohmyzsh', ext('.zsh')))],
    ['zsh theme (ohmyzsh)', spread(list('ohmyzsh/ohmyzsh', ext('.zsh-theme')), 20)],
    [
      'zsh completion function (ohmyzsh)',
      spread(
        list('ohmyzsh/ohmyzsh', (p) => /\/_[\w-]+$/.test(p)),
        20,
      ),
    ],
    ['PowerShell (Scoop)', spread(list('ScoopInstaller/Scoop', ext('.ps1')))],
    ['batch (batch.scripts)', spread(list('npocmaka/batch.scripts', ext('.bat')))],
    // The one true awk's tests: .awk files and testdir/p.*, the programs of the AWK book.
    ['awk (onetrueawk)', spread(list('onetrueawk/awk', (p) => p.endsWith('.awk') || /^testdir\/p\.\w+$/.test(p)))],
    ['AppleScript (applescript-examples)', spread(list('andrewp-as-is/applescript-examples', ext('.applescript')))],
    ['AppleScript (unforswearing)', spread(list('unforswearing/applescript', ext('.applescript')), 20)],
    ['AutoHotkey (denolfe)', spread(list('denolfe/AutoHotkey', ext('.ahk')))],
  ];
}

/** The candidates, before the content check against the other sets. */
export function scriptEntries(): SetEntry[] {
  const entry = (source: SetEntry['source'], rule: string) => (path: string) => ({ source, path, label: 'script' as const, rule });
  return [
    ...localGroups().flatMap(([rule, paths]) => paths.map(entry('local', rule))),
    ...githubGroups().flatMap(([rule, paths]) => paths.map(entry('github', rule))),
  ];
}

/** The whole content of each `github` entry (by `owner/name:path`). */
export function githubContents(entries: readonly Pick<SetEntry, 'source' | 'path'>[]): Map<string, Uint8Array> {
  const byRepo = new Map<string, string[]>();
  for (const e of entries.filter((x) => x.source === 'github')) {
    const { repo, file } = splitGithubPath(e.path);
    byRepo.set(repo, [...(byRepo.get(repo) ?? []), file]);
  }
  const out = new Map<string, Uint8Array>();
  for (const [repo, paths] of byRepo) {
    if (!MIRRORS[repo]) continue;
    for (const [file, bytes] of gitBlobs(mirrorGit(repo), MIRRORS[repo], paths)) out.set(`${repo}:${file}`, bytes);
  }
  return out;
}
