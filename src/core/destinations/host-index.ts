/**
 * A host-suffix index over catalog services: lookup walks the labels of a host from the most
 * specific suffix to the least, so its cost depends on the host's length, not the catalog's size.
 */
import { getDomain } from 'tldts';
import type { CatalogService } from './catalog';

interface IndexedPattern {
  /** The pattern as the catalog or the policy wrote it. */
  pattern: string;
  pathPrefix: string;
  service: CatalogService;
}

interface LabelSuffixPattern extends IndexedPattern {
  /** "-my" for "*-my.sharepoint.com". */
  labelSuffix: string;
}

export interface HostMatch {
  service: CatalogService;
  byPath: boolean;
  /** The pattern that matched, as written ("dropbox.com", "*-my.sharepoint.com", "x.com/i/grok"). */
  pattern: string;
  /**
   * The part of the looked-up host the pattern covers ("dropbox.com" of "help.dropbox.com",
   * "acme-my.sharepoint.com" of "eu.acme-my.sharepoint.com"): the labels in front of it are the
   * ones the catalog did not name.
   */
  host: string;
}

const byPathLength = (a: IndexedPattern, b: IndexedPattern) => b.pathPrefix.length - a.pathPrefix.length;

/** The registrable domain of a host by the public suffix list (ICANN section), or the host itself. */
export function registrableDomain(host: string): string {
  if (host.startsWith('[')) return host;
  return getDomain(host, { allowPrivateDomains: false, extractHostname: false, validateHostname: false }) ?? host;
}

/**
 * Built in O(n log n) for n patterns: exact hosts go into a map keyed by host then path prefix
 * (no sorting at all), and each wildcard parent's list is sorted once after every pattern is in.
 * It used to re-sort a host's list on every insert: 80,000 path patterns on one host took 86 s
 * (issue 15, item 2).
 */
export class HostIndex {
  /** Host → path prefix ("" for the bare host) → the first pattern given for it. */
  readonly #byHost = new Map<string, Map<string, IndexedPattern>>();
  /** Keyed by the parent host of the wildcard label: "sharepoint.com" for "*-my.sharepoint.com". */
  readonly #byParent = new Map<string, LabelSuffixPattern[]>();
  readonly #domains = new Set<string>();

  constructor(services: readonly CatalogService[]) {
    for (const service of services) {
      for (const pattern of service.hosts) {
        const slash = pattern.indexOf('/');
        const hostPart = slash < 0 ? pattern : pattern.slice(0, slash);
        const pathPrefix = slash < 0 ? '' : pattern.slice(slash).toLowerCase().replace(/\/+$/, '');
        if (hostPart.startsWith('*')) {
          const dot = hostPart.indexOf('.');
          const parent = hostPart.slice(dot + 1);
          const list = this.#byParent.get(parent) ?? [];
          list.push({ pattern, pathPrefix, service, labelSuffix: hostPart.slice(1, dot) });
          this.#byParent.set(parent, list);
          this.#domains.add(registrableDomain(parent));
        } else {
          const paths = this.#byHost.get(hostPart) ?? new Map<string, IndexedPattern>();
          // The first service given wins a pattern (custom services come first).
          if (!paths.has(pathPrefix)) paths.set(pathPrefix, { pattern, pathPrefix, service });
          this.#byHost.set(hostPart, paths);
          this.#domains.add(registrableDomain(hostPart));
        }
      }
    }
    // Longest path prefix first, so /i/grok wins over the bare host at the same level; the sort is
    // stable, so insertion order (custom services first) decides among equals.
    for (const list of this.#byParent.values()) list.sort(byPathLength);
  }

  /**
   * `host` lower case without a trailing dot; `path` lower case; `domain` the host's registrable
   * domain. No pattern lies above a registrable domain, so a host under a domain the catalog does
   * not know costs one set lookup.
   */
  lookup(host: string, path: string, domain = registrableDomain(host)): HostMatch | undefined {
    if (!this.#domains.has(domain)) return undefined;
    let suffix = host;
    for (;;) {
      const exact = this.#byHost.get(suffix);
      if (exact) {
        const match = longestPathMatch(exact, path, suffix);
        if (match) return match;
      }
      const dot = suffix.indexOf('.');
      if (dot < 0) return undefined;
      const parent = suffix.slice(dot + 1);
      const wild = this.#byParent.get(parent);
      if (wild) {
        const label = suffix.slice(0, dot);
        const match = firstMatch(
          wild.filter((w) => label.endsWith(w.labelSuffix) && label.length > w.labelSuffix.length),
          path,
          suffix,
        );
        if (match) return match;
      }
      suffix = parent;
    }
  }

  /** True when any catalog pattern lies under this registrable domain, whatever its host or path. */
  knowsDomain(domain: string): boolean {
    return this.#domains.has(domain);
  }
}

/**
 * The longest stored prefix of `path` that ends at a segment boundary (what pathStartsWith
 * accepts: stored prefixes never end in "/"), then the bare host. Cost: one map lookup per "/"
 * in the path, whatever the number of patterns.
 */
function longestPathMatch(paths: ReadonlyMap<string, IndexedPattern>, path: string, host: string): HostMatch | undefined {
  if (paths.size > 1 || !paths.has('')) {
    for (let end = path.length; end > 0; end = path.lastIndexOf('/', end - 1)) {
      const hit = paths.get(path.slice(0, end));
      if (hit) return { service: hit.service, byPath: true, pattern: hit.pattern, host };
    }
  }
  const bare = paths.get('');
  return bare && { service: bare.service, byPath: false, pattern: bare.pattern, host };
}

function firstMatch(patterns: readonly IndexedPattern[], path: string, host: string): HostMatch | undefined {
  for (const p of patterns) {
    if (p.pathPrefix === '') return { service: p.service, byPath: false, pattern: p.pattern, host };
    if (pathStartsWith(path, p.pathPrefix)) return { service: p.service, byPath: true, pattern: p.pattern, host };
  }
  return undefined;
}

/** "/mail" matches "/mail", "/mail/…" but not "/mailbox". */
export function pathStartsWith(path: string, prefix: string): boolean {
  if (!path.startsWith(prefix)) return false;
  const next = path.charCodeAt(prefix.length);
  return Number.isNaN(next) || next === 47 /* / */ || prefix.endsWith('/');
}
