/**
 * Writes src/core/destinations/catalog/lists/<list>.json from a snapshot of each public category
 * list declared in catalog/sources.json and the hand-made picks in scripts/catalog/picks/<list>.tsv.
 *
 * A pick names the list's category, a service id, a display name and its hosts; every host must be
 * in that category of the snapshot (so the entry's `source` is true), must not be in a refusal
 * category (adult, warez, gambling, dating… where the snapshot has them), and must not already
 * belong to a hand-curated service (those win; a pick left with no host is dropped and reported).
 * Output is sorted and laid out one service per line, so the same snapshot gives the same bytes.
 *
 *   npx tsx scripts/catalog/import-lists.ts [--ut1 <git dir>] [--v2fly <git dir>] [--update]
 *
 * A snapshot's git dir comes from the `fetch` tool (/work/.mirror/<owner>+<name>/repo). Without
 * --update the snapshot must be the commit sources.json names; --update records the new commit.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { parsePicks, type Pick } from './picks';
import { SNAPSHOT_READERS, type SnapshotReader } from './snapshots';

const CATALOG_DIR = new URL('../../src/core/destinations/catalog/', import.meta.url);
const SOURCES = new URL('sources.json', CATALOG_DIR);
const DEFAULT_SNAPSHOTS: Record<string, string> = {
  ut1: '/work/.mirror/olbat+ut1-blacklists/repo',
  v2fly: '/work/.mirror/v2fly+domain-list-community/repo',
};

interface ListDeclaration {
  id: string;
  commit: string;
  taken: string;
  categories: Record<string, string>;
}

interface ImportedService {
  id: string;
  name: string;
  category: string;
  hosts: string[];
  source: { kind: 'list'; list: string; category: string };
}

function argument(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? undefined : process.argv[i + 1];
}

function git(dir: string, ...args: string[]): string {
  return execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
}

/** Host patterns (without path, with their category) and ids of every hand-curated file: imports never take them. */
function curatedClaims(): { hosts: Map<string, string>; ids: Set<string> } {
  const files = [new URL('../catalog.json', CATALOG_DIR), ...readdirSync(new URL('curated/', CATALOG_DIR)).map((f) => new URL(`curated/${f}`, CATALOG_DIR))];
  const hosts = new Map<string, string>();
  const ids = new Set<string>();
  for (const file of files) {
    const data = JSON.parse(readFileSync(file, 'utf8')) as { services: { id: string; category: string; hosts: string[] }[] };
    for (const s of data.services) {
      ids.add(s.id);
      for (const h of s.hosts) if (!h.includes('/') && !h.startsWith('*')) hosts.set(h, s.category);
    }
  }
  return { hosts, ids };
}

/**
 * The host itself is curated, or the nearest curated parent of it already gives it the same
 * category (a more specific host with another category is a section of the site and is kept).
 */
function coveredBy(host: string, category: string, claimed: ReadonlyMap<string, string>): string | undefined {
  if (claimed.has(host)) return host;
  for (let h = host; h.includes('.');) {
    h = h.slice(h.indexOf('.') + 1);
    const owner = claimed.get(h);
    if (owner !== undefined) return owner === category ? h : undefined;
  }
  return undefined;
}

function importList(
  list: ListDeclaration,
  reader: SnapshotReader,
  dir: string,
  picks: readonly Pick[],
  claims: ReturnType<typeof curatedClaims>,
): ImportedService[] {
  const refused = reader.refused(dir, new Set(picks.flatMap((p) => p.hosts)));
  const services: ImportedService[] = [];
  const problems: string[] = [];
  const members = new Map<string, ReadonlySet<string>>();
  for (const pick of picks) {
    if (!(pick.category in list.categories)) problems.push(`${pick.line}: category ${pick.category} is not declared for ${list.id} in sources.json`);
    if (claims.ids.has(pick.id)) problems.push(`${pick.line}: id ${pick.id} is a hand-curated service`);
    let inCategory = members.get(pick.category);
    if (!inCategory) members.set(pick.category, (inCategory = reader.category(dir, pick.category)));
    const hosts: string[] = [];
    for (const host of pick.hosts) {
      if (!inCategory.has(host)) problems.push(`${pick.line}: ${host} is not in ${list.id} ${pick.category}`);
      else if (refused.has(host)) problems.push(`${pick.line}: ${host} is in ${list.id} ${refused.get(host)}`);
      else {
        const covered = coveredBy(host, list.categories[pick.category]!, claims.hosts);
        if (covered) console.log(`  ${list.id}: ${host} skipped, already curated as ${covered}`);
        else hosts.push(host);
      }
    }
    if (hosts.length === 0) console.log(`  ${list.id}: ${pick.id} dropped, no host left`);
    else
      services.push({
        id: pick.id,
        name: pick.name,
        category: list.categories[pick.category]!,
        hosts,
        source: { kind: 'list', list: list.id, category: pick.category },
      });
  }
  if (problems.length > 0) throw new Error(`picks for ${list.id}:\n${problems.join('\n')}`);
  return services.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function render(services: readonly ImportedService[]): string {
  const rows = services.map((s) => `    ${JSON.stringify(s)}`);
  return `{\n  "services": [\n${rows.join(',\n')}\n  ]\n}\n`;
}

const sources = JSON.parse(readFileSync(SOURCES, 'utf8')) as { lists: ListDeclaration[] };
const claims = curatedClaims();
const update = process.argv.includes('--update');
for (const list of sources.lists) {
  const reader = SNAPSHOT_READERS[list.id];
  if (!reader) throw new Error(`no snapshot reader for list ${list.id}`);
  const dir = argument(list.id) ?? DEFAULT_SNAPSHOTS[list.id]!;
  const [commit, date] = git(dir, 'log', '-1', '--format=%H %cI', 'HEAD').trim().split(' ');
  if (commit !== list.commit) {
    if (!update) throw new Error(`${dir} is at ${commit}, sources.json names ${list.id} ${list.commit} (pass --update to take the new snapshot)`);
    list.commit = commit!;
    list.taken = date!.slice(0, 10);
  }
  const picks = parsePicks(readFileSync(new URL(`picks/${list.id}.tsv`, import.meta.url), 'utf8'), `${list.id}.tsv`);
  console.log(`${list.id} at ${commit}: ${picks.length} picks`);
  const services = importList(list, reader, dir, picks, claims);
  writeFileSync(new URL(`lists/${list.id}.json`, CATALOG_DIR), render(services));
  console.log(`wrote lists/${list.id}.json: ${services.length} services`);
}
if (update) writeFileSync(SOURCES, `${JSON.stringify(sources, null, 2)}\n`);
