/**
 * Reading a category out of a list's git snapshot (a bare repository from the `fetch` tool; no
 * work tree, so files are read with `git show HEAD:<path>`).
 */
import { execFileSync } from 'node:child_process';

export interface SnapshotReader {
  /** Every domain in one category of the list. */
  category(dir: string, name: string): ReadonlySet<string>;
  /** Of the given hosts, those the list puts in a category the catalog must never take from (host → category). */
  refused(dir: string, hosts: ReadonlySet<string>): ReadonlyMap<string, string>;
}

function show(dir: string, path: string): string | undefined {
  try {
    return execFileSync('git', ['-C', dir, 'show', `HEAD:${path}`], { encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    // Files over GitHub's size limit are listed in the snapshot but absent (or stored compressed).
    return undefined;
  }
}

function refusedIn(dir: string, hosts: ReadonlySet<string>, files: readonly [category: string, path: string][], read: (text: string) => Iterable<string>) {
  const refused = new Map<string, string>();
  for (const [category, path] of files) {
    const text = show(dir, path);
    if (text === undefined) {
      console.log(`  (refusal list ${path} is not in this snapshot)`);
      continue;
    }
    for (const domain of read(text)) if (hosts.has(domain) && !refused.has(domain)) refused.set(domain, category);
  }
  return refused;
}

const lines = (text: string) => text.split('\n').map((l) => l.trim().toLowerCase());

/** UT1: blacklists/<category>/domains, one domain a line. */
const UT1_REFUSED = ['adult', 'mixed_adult', 'porn', 'malware', 'phishing', 'warez', 'gambling', 'dating', 'cryptojacking', 'stalkerware', 'ddos', 'sect'];
const ut1: SnapshotReader = {
  category: (dir, name) => new Set(lines(show(dir, `blacklists/${name}/domains`) ?? '').filter(Boolean)),
  refused: (dir, hosts) =>
    refusedIn(
      dir,
      hosts,
      UT1_REFUSED.map((c) => [c, `blacklists/${c}/domains`]),
      lines,
    ),
};

/**
 * v2fly: data/<name>, one rule a line: a domain, `domain:`/`full:` and a domain, `include:<file>`
 * (recursively), `keyword:`/`regexp:` (not hosts, skipped); ` @attr` and `#` comments stripped.
 */
function v2flyDomains(dir: string, name: string, seen = new Set<string>()): Set<string> {
  const out = new Set<string>();
  if (seen.has(name)) return out;
  seen.add(name);
  for (const raw of lines(show(dir, `data/${name}`) ?? '')) {
    const rule = raw.replace(/#.*$/, '').trim().split(/\s+/)[0] ?? '';
    if (rule === '') continue;
    if (rule.startsWith('include:')) for (const d of v2flyDomains(dir, rule.slice(8).split('@')[0]!, seen)) out.add(d);
    else if (rule.startsWith('keyword:') || rule.startsWith('regexp:')) continue;
    else out.add(rule.replace(/^(?:domain|full):/, '').split('@')[0]!);
  }
  return out;
}

const v2fly: SnapshotReader = {
  category: (dir, name) => v2flyDomains(dir, name),
  refused: (dir, hosts) => {
    const refused = new Map<string, string>();
    for (const category of ['category-porn', 'category-betting-ru']) {
      for (const d of v2flyDomains(dir, category)) if (hosts.has(d) && !refused.has(d)) refused.set(d, category);
    }
    return refused;
  },
};

export const SNAPSHOT_READERS: Record<string, SnapshotReader> = { ut1, v2fly };
