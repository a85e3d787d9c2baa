/**
 * Trusted activity from policy: a domain ("acme.com", "*.acme.com": the host and its subdomains)
 * or a URL prefix ("github.com/acme-corp/", "https://acme.sharepoint.com/sites/legal").
 */
import { pathStartsWith } from './host-index';

interface TrustRule {
  host: string;
  pathPrefix: string;
}

export interface TrustList {
  matches(host: string, path: string): boolean;
}

export function compileTrustList(entries: readonly string[]): TrustList {
  const rules: TrustRule[] = [];
  for (const raw of entries) {
    const rule = parseTrustEntry(raw);
    if (rule) rules.push(rule);
  }
  return {
    matches(host, path) {
      return rules.some((r) => (host === r.host || host.endsWith(`.${r.host}`)) && (r.pathPrefix === '' || pathStartsWith(path, r.pathPrefix)));
    },
  };
}

function parseTrustEntry(raw: string): TrustRule | undefined {
  let s = raw.trim().toLowerCase();
  s = s.replace(/^[a-z][a-z0-9+.-]*:\/\//, '').replace(/^\*\./, '');
  const slash = s.indexOf('/');
  const hostPort = slash < 0 ? s : s.slice(0, slash);
  const host = hostPort.replace(/:\d+$/, '').replace(/\.+$/, '');
  if (!/^[a-z0-9.-]+$/.test(host) || !host.includes('.')) return undefined;
  const path = slash < 0 ? '' : s.slice(slash).replace(/[?#].*$/, '');
  return { host, pathPrefix: path === '/' ? '' : path };
}
