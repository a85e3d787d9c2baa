/**
 * classifyDestination: where is this file going? Pure and synchronous.
 *
 * Precedence: trusted (policy) > host + path > host > title (self-hosted software on hosts the
 * catalog does not know) > `other` for any real http(s) host > `unknown`. Titles are page-controlled,
 * so a title never turns a known host into another service.
 */
import { getDomain } from 'tldts';
import type { DestinationCategory } from '../schema/identifiers';
import { BUILTIN_CATALOG, type CatalogService } from './catalog';
import { HostIndex } from './host-index';
import { compileTrustList, type TrustList } from './trust';

export interface DestinationInput {
  url: string;
  title?: string | undefined;
  frameUrl?: string | undefined;
}

export interface DestinationOptions {
  /** Policy trusted domains and URL prefixes. */
  trusted?: readonly string[];
  /** Policy services; they take precedence over built-in ones with the same host pattern or id. */
  customDestinations?: readonly CatalogService[];
}

export type MatchedBy = 'trust' | 'url' | 'title' | 'domain' | 'none';

export interface DestinationResult {
  category: DestinationCategory;
  serviceId?: string;
  serviceName?: string;
  host: string;
  domain: string;
  trusted: boolean;
  matchedBy: MatchedBy;
}

/** Titles longer than this are cut before matching: bounded work for hostile 100 KB titles. */
const TITLE_MATCH_CHARS = 512;

interface CompiledCatalog {
  index: HostIndex;
  titleRules: { pattern: RegExp; service: CatalogService }[];
}

function compileCatalog(services: readonly CatalogService[]): CompiledCatalog {
  return {
    index: new HostIndex(services),
    titleRules: services.flatMap((service) =>
      (service.titles ?? []).map((source) => ({ pattern: new RegExp(source, 'i'), service })),
    ),
  };
}

let builtin: CompiledCatalog | undefined;
const compiledCustom = new WeakMap<readonly CatalogService[], CompiledCatalog>();
const compiledTrust = new WeakMap<readonly string[], TrustList>();

function catalogFor(options: DestinationOptions): CompiledCatalog {
  const custom = options.customDestinations;
  if (!custom || custom.length === 0) return (builtin ??= compileCatalog(BUILTIN_CATALOG.services));
  let compiled = compiledCustom.get(custom);
  if (!compiled) {
    const customIds = new Set(custom.map((s) => s.id));
    // Custom services go first: at equal specificity the index keeps insertion order.
    compiled = compileCatalog([...custom, ...BUILTIN_CATALOG.services.filter((s) => !customIds.has(s.id))]);
    compiledCustom.set(custom, compiled);
  }
  return compiled;
}

function trustFor(options: DestinationOptions): TrustList | undefined {
  const trusted = options.trusted;
  if (!trusted || trusted.length === 0) return undefined;
  let list = compiledTrust.get(trusted);
  if (!list) {
    list = compileTrustList(trusted);
    compiledTrust.set(trusted, list);
  }
  return list;
}

interface ParsedUrl {
  host: string;
  path: string;
}

/** Only http(s) URLs with a host name are usable; everything else (about:, data:, blob:, file:, extension pages) is not. */
function parseUsableUrl(raw: string | undefined): ParsedUrl | undefined {
  if (!raw || raw.length > 65_536) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  const host = url.hostname.toLowerCase().replace(/\.+$/, '');
  if (!host) return undefined;
  return { host, path: url.pathname.toLowerCase() };
}

function registrableDomain(host: string): string {
  if (host.startsWith('[')) return host;
  return getDomain(host, { allowPrivateDomains: false }) ?? host;
}

function classifyUrl(parsed: ParsedUrl, title: string | undefined, options: DestinationOptions): DestinationResult {
  const { host, path } = parsed;
  const domain = registrableDomain(host);
  const trust = trustFor(options);
  const compiled = catalogFor(options);
  const match = compiled.index.lookup(host, path);
  const base = { host, domain };

  if (trust?.matches(host, path)) {
    return {
      ...base,
      category: match?.service.category ?? 'other',
      ...(match && { serviceId: match.service.id, serviceName: match.service.name }),
      trusted: true,
      matchedBy: 'trust',
    };
  }
  if (match) {
    return {
      ...base,
      category: match.service.category,
      serviceId: match.service.id,
      serviceName: match.service.name,
      trusted: false,
      matchedBy: match.byPath ? 'url' : 'domain',
    };
  }
  if (title && !compiled.index.knowsHost(host)) {
    const head = title.length > TITLE_MATCH_CHARS ? title.slice(0, TITLE_MATCH_CHARS) : title;
    for (const rule of compiled.titleRules) {
      if (rule.pattern.test(head)) {
        return {
          ...base,
          category: rule.service.category,
          serviceId: rule.service.id,
          serviceName: rule.service.name,
          trusted: false,
          matchedBy: 'title',
        };
      }
    }
  }
  return { ...base, category: 'other', trusted: false, matchedBy: 'none' };
}

const UNKNOWN: DestinationResult = { category: 'unknown', host: '', domain: '', trusted: false, matchedBy: 'none' };

export function classifyDestination(input: DestinationInput, options: DestinationOptions = {}): DestinationResult {
  const tab = parseUsableUrl(input.url);
  const frame = parseUsableUrl(input.frameUrl);
  const title = typeof input.title === 'string' ? input.title : undefined;
  if (!tab) return frame ? classifyUrl(frame, undefined, options) : { ...UNKNOWN };
  const byTab = classifyUrl(tab, title, options);
  // An upload inside a third-party frame of a known service (an embedded Dropbox chooser on a
  // blog) goes to that service; the frame's title is not known, so only its URL counts.
  if (frame && frame.host !== tab.host && !byTab.trusted) {
    const byFrame = classifyUrl(frame, undefined, options);
    if (byFrame.trusted || byFrame.serviceId !== undefined) return byFrame;
  }
  return byTab;
}
