/**
 * The destination catalog: data files (catalog-files.ts lists them), validated here once. Every
 * built-in entry says where its category comes from (EntrySource). Policy can add services or
 * change built-in ones (CustomDestination, which needs no source); mergeCatalog applies those changes.
 */
import { z } from 'zod';
import { DestinationCategory, SourceCategory } from '../schema/identifiers';
import { CATALOG_FILES } from './catalog-files';
import { compileTitlePattern } from './title-patterns';

/**
 * A host pattern names a host and every subdomain of it ("dropbox.com"), optionally followed by a
 * path prefix ("facebook.com/messages", matching /messages and /messages/… but not /messagesx).
 * A leading `*` matches the end of one label: "*-my.sharepoint.com" is "acme-my.sharepoint.com"
 * and its subdomains. Lower case, no scheme, no port.
 */
export const HostPattern = z
  .string()
  .max(300)
  .regex(
    /^(?:\*[a-z0-9-]*\.)?(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\/[^\s?#]*)?$/,
    'host pattern: a lower-case host name (punycode for IDN), optionally "*-suffix." first and a /path prefix after',
  );

/**
 * Case-insensitive regular expressions over the tab title, for self-hosted software on unknown
 * hosts. JavaScript syntax, run on RE2 semantics in linear time (title-patterns.ts): a pattern RE2
 * cannot run (backreferences, lookaround) or too complex a one is refused with the reason.
 */
const TitlePatternText = z.string().min(1).max(300);
const TitlePattern = TitlePatternText.superRefine((s, ctx) => {
  if (s.length > 300) return; // already refused by max(): compile nothing unbounded
  const error = titlePatternError(s);
  if (error) ctx.addIssue({ code: 'custom', message: error });
});

function titlePatternError(source: string): string | undefined {
  const compiled = compileTitlePattern(source);
  return compiled.ok ? undefined : `invalid regular expression: ${compiled.error}`;
}

const ServiceId = z.string().regex(/^[a-z0-9_]{2,64}$/, 'service id: 2-64 characters of a-z, 0-9 and _');
const ListId = z.string().regex(/^[a-z0-9_]{2,32}$/, 'list id: 2-32 characters of a-z, 0-9 and _');
const UploadCategory = DestinationCategory.exclude(['unknown']);

/**
 * A public category list the catalog takes entries from, declared once (catalog/sources.json)
 * with its licence and the snapshot taken, so an import can be repeated (scripts/catalog/).
 */
export const CategoryList = z.strictObject({
  id: ListId,
  name: z.string().min(1).max(128),
  url: z.url({ protocol: /^https$/ }),
  licence: z.string().min(1).max(64),
  licenceUrl: z.url({ protocol: /^https$/ }),
  /** The snapshot's commit and its date. */
  commit: z.string().regex(/^[0-9a-f]{40}$/, 'a 40-hex-digit commit'),
  taken: z.iso.date(),
  /** The list's category names the catalog imports from, and the destination category each one maps to. */
  categories: z.record(z.string().min(1).max(64), UploadCategory),
});
export type CategoryList = z.infer<typeof CategoryList>;

/**
 * Where an entry's category comes from: the vendor's own page describing the product, or a public
 * category list (declared in catalog/sources.json) and the category of that list the entry is in.
 */
export const EntrySource = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('vendor'), url: z.url({ protocol: /^https?$/ }) }),
  z.strictObject({ kind: z.literal('list'), list: ListId, category: z.string().min(1).max(64) }),
]);
export type EntrySource = z.infer<typeof EntrySource>;

const ServiceFields = {
  id: ServiceId,
  name: z.string().min(1).max(128),
  /** Where an upload to this service goes. `other` for business applications that matter only as a source. */
  category: UploadCategory,
  hosts: z.array(HostPattern).max(200),
  titles: z.array(TitlePattern).max(20).optional(),
  /** What a file downloaded from this service is, for the source indicator. */
  sourceCategory: SourceCategory.optional(),
};

/** A service as classification uses it: built-in, custom or merged (policy entries carry no source). */
export const CatalogService = z.strictObject({ ...ServiceFields, source: EntrySource.optional() });
export type CatalogService = z.infer<typeof CatalogService>;

/** A built-in entry: the same fields, and its source is required. */
export const BuiltinService = z.strictObject({ ...ServiceFields, source: EntrySource });
export type BuiltinService = z.infer<typeof BuiltinService>;

function checkUnique(services: readonly { id: string; hosts?: readonly string[] }[], ctx: z.RefinementCtx): void {
  const ids = new Set<string>();
  const patterns = new Map<string, string>();
  for (const s of services) {
    if (ids.has(s.id)) ctx.addIssue({ code: 'custom', message: `duplicate service id ${s.id}` });
    ids.add(s.id);
    for (const pattern of s.hosts ?? []) {
      const owner = patterns.get(pattern);
      if (owner !== undefined) ctx.addIssue({ code: 'custom', message: `host pattern ${pattern} is in both ${owner} and ${s.id}` });
      patterns.set(pattern, s.id);
    }
  }
}

/** A list entry must name a declared list, and one of the categories declared for it that maps to the entry's category. */
function checkSources(c: { lists: readonly CategoryList[]; services: readonly BuiltinService[] }, ctx: z.RefinementCtx): void {
  const lists = new Map<string, CategoryList>();
  for (const list of c.lists) {
    if (lists.has(list.id)) ctx.addIssue({ code: 'custom', message: `list ${list.id} is declared twice` });
    lists.set(list.id, list);
  }
  for (const s of c.services) {
    if (s.source.kind !== 'list') continue;
    const list = lists.get(s.source.list);
    if (!list) {
      ctx.addIssue({ code: 'custom', message: `${s.id}: source list ${s.source.list} is not declared in catalog/sources.json` });
      continue;
    }
    const mapped = Object.hasOwn(list.categories, s.source.category) ? list.categories[s.source.category] : undefined;
    if (mapped !== s.category) {
      ctx.addIssue({ code: 'custom', message: `${s.id}: list ${list.id} category ${s.source.category} does not map to ${s.category}` });
    }
  }
}

export const Catalog = z.strictObject({ version: z.number().int(), lists: z.array(CategoryList), services: z.array(BuiltinService) }).superRefine((c, ctx) => {
  checkUnique(c.services, ctx);
  checkSources(c, ctx);
});
export type Catalog = z.infer<typeof Catalog>;

export const BUILTIN_CATALOG: Catalog = Catalog.parse(CATALOG_FILES);
const BUILTIN_BY_ID: ReadonlyMap<string, CatalogService> = new Map(BUILTIN_CATALOG.services.map((s) => [s.id, s]));

/**
 * A policy entry: a new service (name, category and hosts or titles required), or a change to a
 * built-in one named by its id (only the fields given change: re-categorise Slack with
 * `{ "id": "slack", "category": "other" }`, or add a host to it).
 */
export const CustomDestination = z
  .strictObject({
    id: ServiceId,
    name: z.string().min(1).max(128).optional(),
    category: DestinationCategory.exclude(['unknown']).optional(),
    hosts: z.array(HostPattern).max(200).optional(),
    /** Compiled by CustomDestinations once the list's totals are known to be within bounds. */
    titles: z.array(TitlePatternText).max(20).optional(),
    sourceCategory: SourceCategory.optional(),
  })
  .superRefine((d, ctx) => {
    if (BUILTIN_BY_ID.has(d.id)) return;
    if (d.name === undefined) ctx.addIssue({ code: 'custom', message: `${d.id} is not a built-in service, so it needs a name` });
    if (d.category === undefined) ctx.addIssue({ code: 'custom', message: `${d.id} is not a built-in service, so it needs a category` });
    if (!d.hosts?.length && !d.titles?.length) {
      ctx.addIssue({ code: 'custom', message: `${d.id} is not a built-in service, so it needs hosts or titles` });
    }
  });
export type CustomDestination = z.infer<typeof CustomDestination>;

/**
 * What settings may hold in all, so the work they cause stays bounded: every pattern is indexed on
 * each settings load and worker start, every title pattern runs on each upload to an unknown host,
 * and wildcard patterns under one parent are scanned one by one (issue 15, item 2).
 */
export const CUSTOM_DESTINATION_LIMITS = { hostPatterns: 10_000, wildcardHostPatterns: 1_000, titlePatterns: 200 } as const;

/** False when the list is over a limit: then nothing more is checked (compiling 20,000 patterns could take 40 s). */
function checkTotals(list: readonly CustomDestination[], ctx: z.RefinementCtx): boolean {
  let hosts = 0;
  let wildcards = 0;
  let titles = 0;
  for (const d of list) {
    hosts += d.hosts?.length ?? 0;
    wildcards += d.hosts?.filter((h) => h.startsWith('*')).length ?? 0;
    titles += d.titles?.length ?? 0;
  }
  const over = (what: string, count: number, limit: number) =>
    ctx.addIssue({ code: 'custom', message: `${count} ${what} in all custom destinations: at most ${limit} are allowed` });
  if (hosts > CUSTOM_DESTINATION_LIMITS.hostPatterns) over('host patterns', hosts, CUSTOM_DESTINATION_LIMITS.hostPatterns);
  if (wildcards > CUSTOM_DESTINATION_LIMITS.wildcardHostPatterns) over('wildcard host patterns', wildcards, CUSTOM_DESTINATION_LIMITS.wildcardHostPatterns);
  if (titles > CUSTOM_DESTINATION_LIMITS.titlePatterns) over('title patterns', titles, CUSTOM_DESTINATION_LIMITS.titlePatterns);
  return (
    hosts <= CUSTOM_DESTINATION_LIMITS.hostPatterns &&
    wildcards <= CUSTOM_DESTINATION_LIMITS.wildcardHostPatterns &&
    titles <= CUSTOM_DESTINATION_LIMITS.titlePatterns
  );
}

function checkTitlePatterns(list: readonly CustomDestination[], ctx: z.RefinementCtx): void {
  list.forEach((d, i) =>
    d.titles?.forEach((source, j) => {
      const error = titlePatternError(source);
      if (error) ctx.addIssue({ code: 'custom', message: error, path: [i, 'titles', j] });
    }),
  );
}

export const CustomDestinations = z
  .array(CustomDestination)
  .max(1000)
  .superRefine((list, ctx) => {
    if (!checkTotals(list, ctx)) return;
    checkTitlePatterns(list, ctx);
    checkUnique(list, ctx);
  });

/**
 * The built-in services with the policy's changes applied. A custom service's host patterns take
 * precedence over a built-in service with the same pattern (the built-in one loses that pattern).
 */
export function mergeCatalog(custom: readonly CustomDestination[]): CatalogService[] {
  const customById = new Map(custom.map((d) => [d.id, d]));
  const claimed = new Set(custom.flatMap((d) => d.hosts ?? []));
  const merged: CatalogService[] = [];
  for (const d of custom) {
    const base = BUILTIN_BY_ID.get(d.id);
    const service: CatalogService = {
      id: d.id,
      name: d.name ?? base?.name ?? d.id,
      category: d.category ?? base?.category ?? 'other',
      hosts: [...new Set([...(d.hosts ?? []), ...(base?.hosts ?? [])])],
    };
    const titles = d.titles ?? base?.titles;
    if (titles) service.titles = titles;
    const sourceCategory = d.sourceCategory ?? base?.sourceCategory;
    if (sourceCategory) service.sourceCategory = sourceCategory;
    merged.push(service);
  }
  for (const s of BUILTIN_CATALOG.services) {
    if (customById.has(s.id)) continue;
    merged.push(s.hosts.some((h) => claimed.has(h)) ? { ...s, hosts: s.hosts.filter((h) => !claimed.has(h)) } : s);
  }
  return merged;
}

const mergedById = new WeakMap<readonly CustomDestination[], Map<string, CatalogService>>();

/** Every service (built-in, with the policy's changes applied) by id. */
export function servicesById(custom: readonly CustomDestination[] | undefined): ReadonlyMap<string, CatalogService> {
  if (!custom || custom.length === 0) return BUILTIN_BY_ID;
  let map = mergedById.get(custom);
  if (!map) {
    map = new Map(mergeCatalog(custom).map((s) => [s.id, s]));
    mergedById.set(custom, map);
  }
  return map;
}
