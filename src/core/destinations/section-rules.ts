/**
 * Path rules for sites whose sections differ in function (issue 16, item 3): the reading pages of a
 * service whose host the catalog names for what the service's other pages do. A package's page on
 * a registry is read by people choosing a library, while publishing goes through the registry's
 * client or its upload page; a question on a Q&A site is read, asking is another page, and so is an
 * article in a column, writing it another page; a product listed on a discovery site is read; a
 * vendor's marketing site describes a product that runs elsewhere (an app host, customers' own
 * servers). Data in catalog/section-rules.json, one rule per service and kind, each with the page
 * that shows the site's paths (`source`); validated here against the catalog once, when the module
 * loads (a rule for a service or a host the catalog does not name is an error, as a bad catalog
 * entry is).
 *
 * site-sections.ts applies them like its section words: only where the catalog named the host
 * itself (never over a catalog path entry or an admin's custom host pattern, classify.ts).
 */
import { z } from 'zod';
import { BUILTIN_CATALOG } from './catalog';
import rulesFile from './catalog/section-rules.json';

export const RULE_KINDS = {
  package: 'package and project pages (readme, versions, install command)',
  question: 'questions and their answers',
  listing: 'listings of products, books and topics',
  article: 'articles published in columns',
  marketing: 'marketing pages about a product that runs elsewhere',
} as const;
export type RuleKind = keyof typeof RULE_KINDS;

/**
 * A path prefix, segment by segment: `*` is any one segment; "/" is every page, "/*" every page but
 * the home page. Lower case (UrlParts lower-cases paths).
 */
const PathPattern = z
  .string()
  .max(200)
  .regex(/^\/(?:(?:\*|[a-z0-9@._~+-]+)(?:\/(?:\*|[a-z0-9@._~+-]+))*)?$/, 'path pattern: "/" or /segment/… with * for any one segment, lower case');

/** An exact host (its `www.` host counts too), or "*.host" for every subdomain of it. */
const RuleHost = z.string().regex(/^(?:\*\.)?(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$/, 'rule host: a lower-case host name, optionally "*." first');

export const SectionRule = z.strictObject({
  kind: z.enum(Object.keys(RULE_KINDS) as [RuleKind, ...RuleKind[]]),
  service: z.string().regex(/^[a-z0-9_]{2,64}$/),
  hosts: z.array(RuleHost).min(1).max(20),
  paths: z.array(PathPattern).min(1).max(20),
  /** The service's own upload, publish or manage pages under those paths: they stay the service. */
  except: z.array(PathPattern).max(20).optional(),
  /** Where the site's paths are shown: the vendor's documentation, help centre, or a page of the shape. */
  source: z.url({ protocol: /^https$/ }),
  /** Why, when the kind alone does not say it (where the product runs instead). */
  note: z.string().min(1).max(300).optional(),
});
export type SectionRule = z.infer<typeof SectionRule>;

/** Built-in services by id, for checking that a rule names one and only its hosts. */
const SERVICES = new Map(BUILTIN_CATALOG.services.map((s) => [s.id, s]));

export const SectionRules = z.strictObject({ rules: z.array(SectionRule) }).superRefine(({ rules }, ctx) => {
  const seen = new Set<string>();
  rules.forEach((rule, i) => {
    const key = `${rule.service} ${rule.kind}`;
    if (seen.has(key)) ctx.addIssue({ code: 'custom', message: `two ${rule.kind} rules for ${rule.service}: make them one`, path: ['rules', i] });
    seen.add(key);
    const service = SERVICES.get(rule.service);
    if (!service) {
      ctx.addIssue({ code: 'custom', message: `${rule.service} is not a catalog service`, path: ['rules', i, 'service'] });
      return;
    }
    if (service.category === 'other') ctx.addIssue({ code: 'custom', message: `${rule.service} is already other: a rule changes nothing`, path: ['rules', i] });
    const names = service.hosts.filter((h) => !h.includes('/') && !h.startsWith('*'));
    for (const host of rule.hosts) {
      const bare = host.replace(/^\*\./, '');
      if (!names.some((n) => bare === n || bare.endsWith(`.${n}`)))
        ctx.addIssue({ code: 'custom', message: `${host} is not a host of ${rule.service} (${names.join(', ')})`, path: ['rules', i, 'hosts'] });
    }
  });
});

export const SECTION_RULES: readonly SectionRule[] = SectionRules.parse(rulesFile).rules;

const LOCALE = /^(?:[a-z]{2}(?:[-_][a-z]{2,4})?|intl)$/;

/** Whether `pattern` (split) is a prefix of `segments`. */
function prefixOf(pattern: readonly string[], segments: readonly string[]): boolean {
  if (pattern.length > segments.length) return false;
  return pattern.every((p, i) => p === '*' || p === segments[i]);
}

interface Compiled {
  rule: SectionRule;
  paths: string[][];
  except: string[][];
}

const split = (path: string) => path.split('/').filter(Boolean);
const BY_SERVICE = new Map<string, Compiled[]>();
for (const rule of SECTION_RULES) {
  const list = BY_SERVICE.get(rule.service) ?? [];
  list.push({ rule, paths: rule.paths.map(split), except: (rule.except ?? []).map(split) });
  BY_SERVICE.set(rule.service, list);
}

function hostMatches(ruleHost: string, host: string): boolean {
  if (ruleHost.startsWith('*.')) return host.endsWith(ruleHost.slice(1));
  return host === ruleHost || (host.length === ruleHost.length + 4 && host.startsWith('www.') && host.endsWith(ruleHost));
}

export interface RuleMatch {
  rule: SectionRule;
  /** The pattern that matched, as written ("/package/*"). */
  pattern: string;
}

/**
 * The rule a page of `serviceId` falls under, or undefined. `host` and `path` lower case. Paths are
 * read after a locale; an exception holds with or without it.
 */
export function sectionRuleFor(serviceId: string, host: string, path: string): RuleMatch | undefined {
  const compiled = BY_SERVICE.get(serviceId);
  if (!compiled) return undefined;
  const segments = split(path.replace(/\.(?:html?|php|aspx?)$/, ''));
  // The path itself, then without up to two locale segments in front (/en/email, /intl/en_us/…).
  const rests = [segments];
  for (let skip = 1; skip <= 2 && skip <= segments.length && LOCALE.test(segments[skip - 1]!); skip++) rests.push(segments.slice(skip));
  for (const c of compiled) {
    if (!c.rule.hosts.some((h) => hostMatches(h, host))) continue;
    if (rests.some((rest) => c.except.some((p) => prefixOf(p, rest)))) continue;
    // Paths after the locale: "/en/" is the home page in English, not a page "/*" names.
    const at = c.paths.findIndex((p) => prefixOf(p, rests.at(-1)!));
    if (at >= 0) return { rule: c.rule, pattern: c.rule.paths[at]! };
  }
  return undefined;
}
