/**
 * A host-suffix index over catalog services: lookup walks the labels of a host from the most
 * specific suffix to the least, so its cost depends on the host's length, not the catalog's size.
 */
import type { CatalogService } from './catalog';

interface IndexedPattern {
  pathPrefix: string;
  service: CatalogService;
}

export interface HostMatch {
  service: CatalogService;
  byPath: boolean;
}

export class HostIndex {
  readonly #byHost = new Map<string, IndexedPattern[]>();

  constructor(services: readonly CatalogService[]) {
    for (const service of services) {
      for (const pattern of service.hosts) {
        const slash = pattern.indexOf('/');
        const host = slash < 0 ? pattern : pattern.slice(0, slash);
        const pathPrefix = slash < 0 ? '' : pattern.slice(slash).toLowerCase().replace(/\/+$/, '');
        const list = this.#byHost.get(host) ?? [];
        list.push({ pathPrefix, service });
        // Longest path prefix first, so /i/grok wins over the bare host at the same level.
        list.sort((a, b) => b.pathPrefix.length - a.pathPrefix.length);
        this.#byHost.set(host, list);
      }
    }
  }

  /** `host` lower case without a trailing dot; `path` lower case. */
  lookup(host: string, path: string): HostMatch | undefined {
    let suffix = host;
    for (;;) {
      const patterns = this.#byHost.get(suffix);
      if (patterns) {
        for (const p of patterns) {
          if (p.pathPrefix === '') return { service: p.service, byPath: false };
          if (pathStartsWith(path, p.pathPrefix)) return { service: p.service, byPath: true };
        }
      }
      const dot = suffix.indexOf('.');
      if (dot < 0) return undefined;
      suffix = suffix.slice(dot + 1);
    }
  }

  /** True when any catalog pattern names this host or a parent of it, whatever its path. */
  knowsHost(host: string): boolean {
    let suffix = host;
    for (;;) {
      if (this.#byHost.has(suffix)) return true;
      const dot = suffix.indexOf('.');
      if (dot < 0) return false;
      suffix = suffix.slice(dot + 1);
    }
  }
}

/** "/mail" matches "/mail", "/mail/…" but not "/mailbox". */
export function pathStartsWith(path: string, prefix: string): boolean {
  if (!path.startsWith(prefix)) return false;
  const next = path.charCodeAt(prefix.length);
  return Number.isNaN(next) || next === 47 /* / */ || prefix.endsWith('/');
}
