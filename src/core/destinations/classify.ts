/**
 * classifyDestination: where is this file going? Pure and synchronous.
 *
 * Precedence: trusted (policy) > host + path > host > title (self-hosted software on hosts the
 * catalog does not know) > page words (the cautious generic fallback of page-words.ts, on hosts the
 * catalog does not know) > `other` for any real http(s) host > `unknown`. Titles are
 * page-controlled, so a title never turns a known host into another service.
 *
 * A service's content pages (site-sections.ts: help.dropbox.com, www.dropbox.com/pricing) are
 * `other`, still naming the service, when the catalog named the host only through a parent domain;
 * on hosts the catalog does not know, a content section keeps the page's title words from naming
 * an upload category.
 */
import type { DestinationCategory } from '../schema/identifiers';
import { BUILTIN_CATALOG, mergeCatalog, type CatalogService, type CustomDestination } from './catalog';
import { HostIndex, registrableDomain, type HostMatch } from './host-index';
import { classifyByApplicationRoute, classifyByPageWords } from './page-words';
import { isArticleAddress, isSearchResults, namesAProductItIsAbout } from './page-words-about';
import { siteSection, type SiteSection } from './site-sections';
import { TitleMatcher } from './title-patterns';
import { compileTrustList, type TrustList } from './trust';
import { usableUrlParts, type UrlParts } from './url-parts';

export interface DestinationInput {
  url: string;
  title?: string;
  frameUrl?: string;
  /** For a file sent by script: the URL the request went to. */
  receiverUrl?: string;
}

export interface DestinationOptions {
  /** Policy trusted domains and URL prefixes. */
  trusted?: readonly string[];
  /** Policy services: new ones, or changes to built-in ones by id (see CustomDestination). */
  customDestinations?: readonly CustomDestination[];
}

/**
 * `page`: no catalog entry, the page's own title or path words (page-words.ts) named the category.
 * `section`: the page is in a site's content section (site-sections.ts), so it is `other`; `section`
 * says which and why.
 */
export type MatchedBy = 'trust' | 'url' | 'title' | 'domain' | 'page' | 'section' | 'none';

export interface DestinationResult {
  category: DestinationCategory;
  serviceId?: string;
  serviceName?: string;
  host: string;
  domain: string;
  trusted: boolean;
  matchedBy: MatchedBy;
  /** Set when the page is a content section of a site (matchedBy `section`, or `trust` on such a page). */
  section?: SiteSection;
}

interface CompiledCatalog {
  index: HostIndex;
  /** Host patterns an admin gave (custom destinations): a host they name is never a content section. */
  customPatterns: ReadonlySet<string>;
  /** Title rules in catalog order, each compiled on its own (title-patterns.ts). */
  titles: TitleMatcher<CatalogService>;
}

function compileCatalog(services: readonly CatalogService[], custom: readonly CustomDestination[] = []): CompiledCatalog {
  const titles = new TitleMatcher(services.flatMap((service) => (service.titles ?? []).map((source) => ({ source, value: service }))));
  return { index: new HostIndex(services), customPatterns: new Set(custom.flatMap((d) => d.hosts ?? [])), titles };
}

let builtin: CompiledCatalog | undefined;
const compiledCustom = new WeakMap<readonly CustomDestination[], CompiledCatalog>();
const compiledTrust = new WeakMap<readonly string[], TrustList>();

function catalogFor(options: DestinationOptions): CompiledCatalog {
  const custom = options.customDestinations;
  if (!custom || custom.length === 0) return (builtin ??= compileCatalog(BUILTIN_CATALOG.services));
  let compiled = compiledCustom.get(custom);
  if (!compiled) {
    compiled = compileCatalog(mergeCatalog(custom), custom);
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

function named(host: string, domain: string, service: CatalogService, trusted: boolean, matchedBy: MatchedBy): DestinationResult {
  return { category: service.category, serviceId: service.id, serviceName: service.name, host, domain, trusted, matchedBy };
}

/**
 * The content section of a catalog service's site this page is in, or undefined. The catalog wins
 * when it names the host itself or a path of it, an admin's custom pattern always wins, and so does
 * an address that is an application's own route (page-words' classifyByApplicationRoute: /wp-admin).
 */
function sectionOfService(parsed: UrlParts, domain: string, match: HostMatch, compiled: CompiledCatalog, title: string | undefined): SiteSection | undefined {
  if (match.byPath || compiled.customPatterns.has(match.pattern)) return undefined;
  const { host, path } = parsed;
  const section = siteSection({ host, path, domain, named: match.host, service: match.service, ...(title !== undefined && { title }) });
  return section && !classifyByApplicationRoute(host, path) ? section : undefined;
}

function ofSection(host: string, domain: string, service: CatalogService, section: SiteSection, trusted: boolean): DestinationResult {
  return { ...named(host, domain, service, trusted, trusted ? 'trust' : 'section'), category: 'other', section };
}

/**
 * Self-hosted software's title on a page that is not an instance of it: its encyclopedia entry or a
 * review (page-words-about.ts), an article about it ("Synology DiskStation - heise online" at
 * /tests/synology-diskstation-…-9000000.html), or the vendor's own website ("BigBlueButton - Virtual
 * Classroom Software" on bigbluebutton.org, the domain of the entry's vendor source): instances run
 * on their users' hosts.
 */
function titleNamesNoInstance(service: CatalogService, title: string, path: string, domain: string): boolean {
  return namesAProductItIsAbout(title) || isArticleAddress(path) || vendorDomain(service) === domain;
}

/** The registrable domain of a service's vendor source, or '' (looked up once per service: tldts is the dear part). */
const vendorDomains = new WeakMap<CatalogService, string>();
function vendorDomain(service: CatalogService): string {
  let domain = vendorDomains.get(service);
  if (domain === undefined) {
    const vendor = service.source?.kind === 'vendor' ? usableUrlParts(service.source.url) : undefined;
    domain = vendor ? registrableDomain(vendor.host) : '';
    vendorDomains.set(service, domain);
  }
  return domain;
}

/** `url`: the raw address, read only when the page's words would name a category (a search query in it). */
function classifyUrl(parsed: UrlParts, title: string | undefined, options: DestinationOptions, url?: string): DestinationResult {
  const { host, path } = parsed;
  const domain = registrableDomain(host);
  const compiled = catalogFor(options);
  const match = compiled.index.lookup(host, path, domain);
  const section = match && sectionOfService(parsed, domain, match, compiled, title);

  if (trustFor(options)?.matches(host, path)) {
    if (!match) return { category: 'other', host, domain, trusted: true, matchedBy: 'trust' };
    return section ? ofSection(host, domain, match.service, section, true) : named(host, domain, match.service, true, 'trust');
  }
  if (match)
    return section ? ofSection(host, domain, match.service, section, false) : named(host, domain, match.service, false, match.byPath ? 'url' : 'domain');
  // Titles are page-controlled: they only name self-hosted software on domains the catalog does not
  // know, and the page's words only guess a category there (never a service).
  if (!compiled.index.knowsDomain(domain)) {
    const service = title && compiled.titles.size > 0 ? compiled.titles.match(title) : undefined;
    if (service && !titleNamesNoInstance(service, title!, path, domain)) return named(host, domain, service, false, 'title');
    const guess = classifyByPageWords(host, path, title);
    if (guess) {
      // In a content section the page's words describe (a blog post on merging PDFs), and on a
      // results page they are the search ("mp4 to mp3 - Qwant"); an application's own route in the
      // address still names it (/blog/wp-admin, GitLab's /-/issues?search=…).
      const content = siteSection({ host, path, domain, named: domain });
      const searched = !content && url !== undefined && isSearchResults(url);
      const byAddress = (content || searched) && classifyByApplicationRoute(host, path);
      if (content && !byAddress) return { category: 'other', host, domain, trusted: false, matchedBy: 'section', section: content };
      if (searched && !byAddress) return { category: 'other', host, domain, trusted: false, matchedBy: 'none' };
      const used = byAddress || guess;
      return { category: used.category, host, domain, trusted: false, matchedBy: 'page' };
    }
  }
  return { category: 'other', host, domain, trusted: false, matchedBy: 'none' };
}

const UNKNOWN: DestinationResult = { category: 'unknown', host: '', domain: '', trusted: false, matchedBy: 'none' };

/**
 * An upload that lands on another host than the page it starts from (a cross-origin frame, a
 * request by script to another host) goes to that host when it is known or trusted. Trust never
 * carries over: on a trusted page, an untrusted receiving host is that host, untrusted.
 */
function landingElsewhere(page: DestinationResult, parts: UrlParts, options: DestinationOptions): DestinationResult {
  const other = classifyUrl(parts, undefined, options);
  if (other.trusted || other.serviceId !== undefined || page.trusted) return other;
  return page;
}

export function classifyDestination(input: DestinationInput, options: DestinationOptions = {}): DestinationResult {
  const tab = usableUrlParts(input.url);
  const frame = usableUrlParts(input.frameUrl);
  const receiver = usableUrlParts(input.receiverUrl);
  const title = typeof input.title === 'string' ? input.title : undefined;
  let result: DestinationResult;
  if (tab) {
    result = classifyUrl(tab, title, options, input.url);
    // An upload inside a third-party frame (an embedded Dropbox chooser on a blog) goes to the
    // frame's service; the frame's title is not known, so only its URL counts.
    if (frame && frame.host !== tab.host) result = landingElsewhere(result, frame, options);
  } else {
    result = frame ? classifyUrl(frame, undefined, options) : { ...UNKNOWN };
  }
  // A file sent by script goes where the request goes.
  if (receiver && receiver.host !== result.host) result = landingElsewhere(result, receiver, options);
  return result;
}
