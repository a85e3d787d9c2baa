/**
 * A service's own content pages, not its product (issue 16: `other` pages pulled into an upload
 * category). The web keeps a service's writing about itself apart from the service: its blog, its
 * documentation, its help centre, its status page, its company and legal pages sit on subdomains
 * named for what they hold (blog.…, docs.…, help.…, status.…) or, on the site's front door (the
 * registrable domain or its www host), under a first path segment named the same way (/blog,
 * /docs, /help, /pricing, /legal…). A file given to such a page is not given to the product: the
 * page is `other`, still naming whose site it is.
 *
 * Only what the catalog did not name counts (classify.ts checks that): a catalog entry for the
 * host itself (docs.google.com is Google Docs; blog.naver.com is a blogging service), a catalog
 * path rule, or an admin's custom destination always wins. So do the page-words path and host
 * rules, which name a product function by the address itself (/wp-admin of a blog, /-/ of GitLab,
 * a webmail host): those pages are the product.
 *
 * Sites whose sections differ in function beyond these words (a package's page on a registry, a
 * question on a Q&A site, a vendor's marketing site for a product that runs elsewhere) have path
 * rules of their own, as data: catalog/section-rules.json, read by section-rules.ts (byRule).
 *
 * Tenants are not sections: on a platform under a private suffix of the public suffix list
 * (github.io, herokuapp.com, netlify.app…) the label in front of the suffix is a customer's own
 * site, whatever its name ("blog.github.io"). On code hosts and social networks the top of the path
 * names users and organisations (github.com/docs is an organisation), so there no path is read as a
 * section. A tenant that picks one of these words on a multi-tenant service outside the private
 * suffixes (a newsletter at news.<platform>.com) reads as the service's content site; an admin's
 * custom destination for that host puts it back.
 */
import { getDomain } from 'tldts';
import type { DestinationCategory } from '../schema/identifiers';
import { RULE_KINDS, sectionRuleFor, type RuleKind } from './section-rules';

export type SectionKind = 'blog' | 'news' | 'docs' | 'help' | 'community' | 'status' | 'company' | 'legal' | 'pricing' | 'tenant' | RuleKind;

export interface SiteSection {
  where: 'subdomain' | 'path';
  /** The subdomain label or the path segment, as found ("help", "docs"). */
  word: string;
  kind: SectionKind;
  /** Why, in words a person reads (page-controlled parts are the host and the path's first segment: plain text). */
  reason: string;
}

/** What each kind of section holds, for reasons and docs/destinations.md. */
export const SECTION_KINDS: Readonly<Record<SectionKind, string>> = {
  blog: 'blog',
  news: 'news and press pages',
  docs: 'documentation and developer pages',
  help: 'help and support pages',
  community: 'community forums',
  status: 'status page',
  company: 'company pages (about, careers, investors)',
  legal: 'legal pages',
  pricing: 'pricing, product tour and solutions pages',
  tenant: "a customer's own site on a web hosting service (acme.netlify.app, acme.readthedocs.io), not the hosting service",
  ...RULE_KINDS,
};

/**
 * Subdomain labels. Left out on purpose: api (uploads by script go there), app, files, upload and
 * the like (products), labs, store, shop, marketplace (they can take uploads), go, get, try, info
 * (landing pages of any kind), doc, tech, design (too often a product's own name), ir (also a country's
 * code: social networks have country subdomains such as ir.linkedin.com).
 */
export const SECTION_SUBDOMAINS: Readonly<Record<SectionKind, readonly string[]>> = {
  blog: ['blog', 'blogs', 'engineering', 'techblog'],
  news: ['news', 'newsroom', 'press', 'changelog'],
  docs: ['docs', 'documentation', 'developer', 'developers', 'learn', 'academy', 'university', 'training', 'guides'],
  help: ['help', 'helpcenter', 'help-center', 'support', 'kb', 'knowledgebase', 'faq', 'feedback'],
  community: ['community', 'forum', 'forums', 'discuss'],
  status: ['status'],
  company: ['about', 'careers', 'jobs', 'investor', 'investors', 'trust'],
  legal: ['legal'],
  pricing: [],
  // Not a word: the label in front of a private public suffix (byTenant).
  tenant: [],
  // Not words: the path rules of catalog/section-rules.json (byRule).
  package: [],
  question: [],
  listing: [],
  article: [],
  marketing: [],
};

/** First path segments on the site's front door (after a locale: /de/help, /intl/en_us/about). */
export const SECTION_PATHS: Readonly<Record<SectionKind, readonly string[]>> = {
  blog: ['blog', 'blogs'],
  news: ['news', 'newsroom', 'press', 'changelog', 'release-notes', 'whats-new', 'magazine', 'magazin'],
  docs: ['docs', 'documentation', 'developers', 'developer', 'guides', 'tutorials', 'learn', 'academy'],
  help: ['help', 'support', 'hc', 'kb', 'knowledge-base', 'knowledgebase', 'faq', 'faqs', 'articles', 'contact', 'contact-us'],
  community: ['community', 'forum', 'forums'],
  status: ['status'],
  company: ['about', 'about-us', 'company', 'careers', 'jobs', 'investors'],
  legal: ['legal', 'privacy', 'privacy-policy', 'terms', 'terms-of-service', 'terms-of-use', 'tos', 'cookies', 'cookie-policy'],
  pricing: ['pricing', 'plans', 'features', 'product', 'products', 'solutions', 'use-cases', 'customers', 'industries'],
  tenant: [],
  package: [],
  question: [],
  listing: [],
  article: [],
  marketing: [],
};

const byWord = (table: Readonly<Record<SectionKind, readonly string[]>>) =>
  new Map(Object.entries(table).flatMap(([kind, words]) => words.map((w) => [w, kind as SectionKind] as const)));
const SUBDOMAIN_KIND = byWord(SECTION_SUBDOMAINS);
const PATH_KIND = byWord(SECTION_PATHS);

/** Code hosts and social networks: the first path segment is a user or an organisation. */
const NAMESPACE_PATHS: ReadonlySet<DestinationCategory> = new Set(['source_code_repository', 'social_media']);

/**
 * First path segments a code host or a social network keeps for its own pages: no account may take
 * them, because the platform needs them for its pricing, product tour, company and legal pages
 * (github.com/pricing, x.com/tos). Left out: words an account does hold on some platform (docs,
 * blog, help, status, jobs: github.com/docs is an organisation, LinkedIn's jobs take CVs).
 */
const RESERVED_ON_NAMESPACE_HOSTS: ReadonlySet<string> = new Set(['pricing', 'features', 'about', 'careers', 'press', 'legal', 'privacy', 'terms', 'tos']);

/**
 * Section words a site also puts one level down, under a product or a hub (dropbox.com/business/pricing,
 * perplexity.ai/hub/blog/…). One level down is where an application keeps its users' own folders
 * too (dropbox.com/home/blog), so there the page's title must say the same, with other words
 * around it ("Dropbox Business pricing", "Perplexity Blog"): a folder's title is its bare name.
 */
const SECOND_LEVEL_PATHS: ReadonlySet<string> = new Set(['pricing', 'blog']);

/**
 * Words that name the product itself for a service of a category: to a documents product
 * (productivity), "docs" are its documents, not its documentation (docs.craft.do, shimo.im/docs/…,
 * coda.io/docs).
 */
const PRODUCT_NOUNS: Partial<Record<DestinationCategory, ReadonlySet<string>>> = { productivity: new Set(['docs']) };

const isProductNoun = (c: SectionContext, word: string) => c.service !== undefined && PRODUCT_NOUNS[c.service.category]?.has(word) === true;

const LOCALE = /^(?:[a-z]{2}(?:[-_][a-z]{2,4})?|intl)$/;
const PAGE_EXTENSION = /\.(?:html?|php|aspx?)$/;

export interface SectionContext {
  host: string;
  path: string;
  /** The host's registrable domain (ICANN section of the public suffix list). */
  domain: string;
  /** The part of the host the catalog named ("dropbox.com" for "help.dropbox.com"), or the domain when it named none. */
  named: string;
  /** The named service, when there is one (its id for the path rules of catalog/section-rules.json). */
  service?: { id?: string; name: string; category: DestinationCategory };
  /** The page's title, when known: a section word one level down counts only when the title says it too. */
  title?: string;
}

/**
 * Where a tenant's own name starts in the host: the label in front of a private public suffix
 * ("acme" of "docs.acme.github.io" starts at 5), or -1 when the host is under none.
 */
function tenantStart(host: string, domain: string): number {
  const tenantSite = getDomain(host, { allowPrivateDomains: true, extractHostname: false, validateHostname: false });
  if (!tenantSite || tenantSite === domain || !tenantSite.endsWith(`.${domain}`)) return -1;
  return host.length - tenantSite.length;
}

/** Label by label from the named part outwards, without splitting (this runs on every known host). */
function bySubdomain(c: SectionContext): SiteSection | undefined {
  const { host, named } = c;
  if (host.length <= named.length || !host.endsWith(named) || host.charCodeAt(host.length - named.length - 1) !== 46 /* . */) return undefined;
  let tenant: number | undefined; // looked up once, and only when a word is found
  for (let end = host.length - named.length - 1; end > 0;) {
    const start = host.lastIndexOf('.', end - 1) + 1;
    const label = host.slice(start, end);
    const kind = SUBDOMAIN_KIND.get(label);
    if (kind && !isProductNoun(c, label)) {
      tenant ??= tenantStart(host, c.domain);
      if (start !== tenant) {
        // "the "help." subdomain of dropbox.com"; in front of a tenant's label, the site is the tenant's.
        const owner = tenant >= 0 && start < tenant ? `${host.slice(tenant)}'s` : undefined;
        return { where: 'subdomain', word: label, kind, reason: reasonFor(c, `the "${label}." subdomain of ${host.slice(end + 1)}`, kind, owner) };
      }
    }
    end = start - 1;
  }
  return undefined;
}

function byPath(c: SectionContext): SiteSection | undefined {
  const { host, path, domain } = c;
  if (host !== domain && !(host.length === domain.length + 4 && host.startsWith('www.') && host.endsWith(domain))) return undefined;
  const namespaces = c.service !== undefined && NAMESPACE_PATHS.has(c.service.category);
  // The first segment, or the one after a locale (at most two of them: /intl/en_gb/privacy); then,
  // with the title's word, the one after that (SECOND_LEVEL_PATHS).
  let first: string | undefined;
  for (let from = 1, n = 0; n < 4 && from < path.length; n++) {
    const slash = path.indexOf('/', from);
    const segment = path.slice(from, slash < 0 ? path.length : slash);
    if (segment === '') return undefined;
    const word = segment.includes('.') ? segment.replace(PAGE_EXTENSION, '') : segment;
    if (first === undefined) {
      const kind = isProductNoun(c, word) || (namespaces && !RESERVED_ON_NAMESPACE_HOSTS.has(word)) ? undefined : PATH_KIND.get(word);
      if (kind) return { where: 'path', word, kind, reason: reasonFor(c, `/${word} on ${host}`, kind) };
      if (slash < 0 || namespaces) return undefined;
      if (!LOCALE.test(word) || n === 2) first = word;
    } else {
      if (!SECOND_LEVEL_PATHS.has(word) || !titleSays(c.title, word)) return undefined;
      const kind = PATH_KIND.get(word)!;
      return { where: 'path', word, kind, reason: reasonFor(c, `/${first}/${word} on ${host}`, kind) };
    }
    from = slash + 1;
  }
  return undefined;
}

/** Whether a part of the title (between " - ", " | ", ": " …) holds `word` beside other words: "Perplexity Blog", not "Blog". */
function titleSays(title: string | undefined, word: string): boolean {
  if (title === undefined) return false;
  return title
    .slice(0, 512)
    .toLowerCase()
    .split(/\s+[-–—|·•»:\\]\s+|\s*[|·•»]\s*|:\s+/)
    .some((part) => {
      const words = part.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
      return words.length > 1 && words.includes(word);
    });
}

function reasonFor(c: SectionContext, place: string, kind: SectionKind, owner?: string): string {
  const whose = owner ?? (c.service ? `${c.service.name}'s` : `the site's`);
  const not = c.service ? `not ${c.service.name} itself` : "the page's own words are not read as what it does";
  return `${place} holds ${whose} ${SECTION_KINDS[kind]}: ${not}`;
}

/**
 * A customer's own site on a web hosting service: the catalog named the hosting service's private
 * public suffix ("netlify.app", "readthedocs.io", "blogspot.com") and the page is on a label in front
 * of it. What is there is the customer's published site (a library's documentation, a blog), whose
 * uploads, if any, go to the customer, not to the hosting service; the service's own back office
 * (app.netlify.com, a /wp-admin route: classify.ts) is not under the suffix.
 */
function byTenant(c: SectionContext): SiteSection | undefined {
  const { host, named } = c;
  if (c.service?.category !== 'web_hosting' || host.length <= named.length) return undefined;
  const start = tenantStart(host, c.domain);
  // The catalog named the suffix or above it, not the tenant's own site.
  if (start < 0 || host.length - start <= named.length) return undefined;
  const site = host.slice(start);
  const label = site.slice(0, site.indexOf('.'));
  // "www.pythonanywhere.com" is the service's own front door, not a customer called "www".
  if (label === 'www') return undefined;
  return { where: 'subdomain', word: label, kind: 'tenant', reason: `${site} is a site hosted on ${c.service.name}, not ${c.service.name} itself` };
}

/**
 * The content section a page is in, or undefined. `host` and `path` lower case as UrlParts gives
 * them. Cost: a few map lookups; the public suffix list is consulted only when a word is found.
 */
export function siteSection(c: SectionContext): SiteSection | undefined {
  return bySubdomain(c) ?? byPath(c) ?? byRule(c) ?? byTenant(c);
}

/**
 * A path rule of the named service (section-rules.ts): a package's page on a registry, a question
 * on a Q&A site, a listed item on a discovery site, a vendor's marketing pages.
 */
function byRule(c: SectionContext): SiteSection | undefined {
  const id = c.service?.id;
  const match = id === undefined ? undefined : sectionRuleFor(id, c.host, c.path);
  if (!match) return undefined;
  const { kind } = match.rule;
  const word = match.pattern.split('/').find((w) => w !== '' && w !== '*') ?? c.host;
  const place = match.pattern === '/' ? c.host : `${match.pattern} on ${c.host}`;
  return { where: 'path', word, kind, reason: reasonFor(c, place, kind) };
}
