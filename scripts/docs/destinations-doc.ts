/** Renders docs/destinations.md from the built-in catalog (generated; drift-tested). */
import { BUILTIN_CATALOG, type BuiltinService } from '../../src/core/destinations/catalog';
import { PAGE_WORD_RULES } from '../../src/core/destinations/page-words';
import { RULE_KINDS, SECTION_RULES } from '../../src/core/destinations/section-rules';
import { SECTION_KINDS, SECTION_PATHS, SECTION_SUBDOMAINS, type SectionKind } from '../../src/core/destinations/site-sections';
import { DESTINATION_CATEGORIES, SOURCE_CATEGORIES } from '../../src/core/schema/identifiers';

const CATEGORY_TITLES: Record<string, string> = {
  cloud_storage: 'Cloud storage and file transfer',
  email: 'Email',
  messaging: 'Messaging',
  pdf_manager: 'PDF managers',
  file_conversion: 'File conversion tools',
  productivity: 'Productivity tools',
  social_media: 'Social media',
  source_code_repository: 'Source code hosts and paste sites',
  web_hosting: 'Web hosting and site builders',
  ai_tools: 'Generative-AI tools',
  other: 'Other known services (business applications, translation)',
};

/** Markdown table cell: pipes escaped, code spans for patterns. */
const cell = (s: string) => s.replace(/\|/g, '\\|');
const code = (items: readonly string[] | undefined) => (items ?? []).map((i) => `\`${cell(i)}\``).join(', ');

function sourceCell(s: BuiltinService): string {
  return s.source.kind === 'vendor' ? `[vendor](${s.source.url})` : `list \`${s.source.list}\` · ${cell(s.source.category)}`;
}

function table(services: readonly BuiltinService[]): string {
  const rows = services.map(
    (s) => `| ${cell(s.name)} | \`${s.id}\` | ${code(s.hosts)} | ${code(s.titles)} | ${s.sourceCategory ? `\`${s.sourceCategory}\`` : ''} | ${sourceCell(s)} |`,
  );
  return ['| Service | id | Host patterns | Self-hosted title rules | Source category | Category from |', '|---|---|---|---|---|---|', ...rows].join('\n');
}

function sourcesSection(services: readonly BuiltinService[]): string {
  const vendor = services.filter((s) => s.source.kind === 'vendor').length;
  const byList = BUILTIN_CATALOG.lists.map((list) => {
    const taken = services.filter((s) => s.source.kind === 'list' && s.source.list === list.id);
    const perCategory = Object.entries(list.categories)
      .map(([name, category]) => `\`${cell(name)}\` → \`${category}\` (${taken.filter((s) => s.source.kind === 'list' && s.source.category === name).length})`)
      .join(', ');
    return { list, count: taken.length, perCategory };
  });
  const counts = [
    `| The vendor's own page describes the product (its URL is the entry's source) | ${vendor} |`,
    ...byList.map((b) => `| Public list \`${b.list.id}\` | ${b.count} |`),
  ];
  const lists = byList.map(
    ({ list, perCategory }) =>
      `| \`${list.id}\` | [${cell(list.name)}](${list.url}) | [${cell(list.licence)}](${list.licenceUrl}) | \`${list.commit.slice(0, 12)}\` (${list.taken}) | ${perCategory} |`,
  );
  return `## Where each category comes from

Every built-in entry has a \`source\`: \`{ "kind": "vendor", "url": … }\` when the vendor's own page describes the
product, or \`{ "kind": "list", "list": …, "category": … }\` when a public category list puts the host in a category
(the list is declared once in \`src/core/destinations/catalog/sources.json\`; validation refuses an entry naming an
undeclared list, or a list category that does not map to the entry's category). Policy custom destinations need no source.

| Category from | Services |
|---|---|
${counts.join('\n')}

| List | Name | Licence | Snapshot | List category → destination category (entries) |
|---|---|---|---|---|
${lists.join('\n')}

List entries are hand-picked (well-known, live services; never a raw dump) in \`scripts/catalog/picks/<list>.tsv\`, and
\`npx tsx scripts/catalog/import-lists.ts\` writes \`src/core/destinations/catalog/lists/<list>.json\` from a snapshot of the
list (a bare git repository): every picked host must be in that category of the snapshot, hosts the list also files under
adult, warez, gambling, dating, malware or phishing (where the snapshot has those files) are refused, and hand-curated
services win over picks. The same snapshot and picks give the same bytes. The UT1 entries are a derived work of the UT1
lists and are shared under the same licence (CC BY-SA 4.0), with attribution to Université Toulouse Capitole.`;
}

function titleRulesSection(services: readonly BuiltinService[]): string {
  const rows = services
    .filter((s) => s.titles?.length)
    .map((s) => `| ${cell(s.name)} | \`${s.category}\` | ${code(s.titles)} |`)
    .sort();
  return `## Self-hosted products known by their title (${rows.length})

Only on registrable domains the catalog does not know: a page titled "Open WebUI" on \`ai.intranet.example\` is Open WebUI;
on reddit.com it is still Reddit. Patterns are anchored to each product's own title format, case-insensitive, run on RE2
semantics; each is tested with a real title and an ordinary page that names the product.

| Product | Category | Title patterns |
|---|---|---|
${rows.join('\n')}`;
}

function pathRulesSection(services: readonly BuiltinService[]): string {
  const rows = services.flatMap((s) => s.hosts.filter((h) => h.includes('/')).map((h) => `| \`${cell(h)}\` | ${cell(s.name)} | \`${s.category}\` |`)).sort();
  return `## Path rules: sections whose function differs from their site (${rows.length})

A messages page of a social network is messaging, an AI section of a search engine or an office suite is an AI tool,
the mail section of a portal is email. The longest matching prefix wins, by whole path segments.

| Host and path prefix | Service | Category |
|---|---|---|
${rows.join('\n')}`;
}

function fallbackSection(): string {
  const rows = PAGE_WORD_RULES.map((r) => `| \`${r.category}\` | ${r.where} | ${cell(r.words)} |`);
  return `## The generic fallback: the page's own words

For a host the catalog does not know, when no self-hosted title rule matches, a few words of the page itself can still
name an upload category (\`matchedBy: "page"\`, no service named). It is cautious by construction
(\`src/core/destinations/page-words.ts\`):

- a title is read one segment at a time (the parts between " - ", " | ", ": " …), and a segment counts only when it is
  the words plus filler ("free", "online", "up to 20 GB", "converter"…) or the site's own name (a word of its host):
  "Send large files up to 20 GB" is a file-transfer page, "Ransomware gang exploits file transfer software flaw" is not;
- a title that reads as an article, a help page, a listing or a question (how, best, vs, review, guide, news, docs,
  pricing, "?"…) is never used;
- a path counts by a whole segment at the top of the site or after a locale (\`/heic-to-jpg\`, \`/de/merge-pdf\`), but for
  GitLab's \`/-/\` and WordPress's \`/wp-admin\`, at any depth; and a tool's slug counts only when the page has no title,
  or its title is the site's name or holds every word of the slug ("Members' gallery" at \`/file-sharing\` is not a tool);
- on a company's main site (\`www.\` or the bare domain, not named for what tools do), a product name ("Movavi Video
  Converter", "Lenovo AI Assistant") is desktop software or a feature unless the title says it works online, and an AI or
  file-transfer title on a page named for its words ("AI assistant | Klarna US" at \`/us/ai-assistant/\`) is that
  feature's landing page (\`src/core/destinations/page-words-vendor.ts\`).

The unit tests measure it on ordinary pages (news, shops, docs, banks, government, travel, forums) that must stay \`other\`
(\`test/unit/core/page-words-cases.ts\`): at most 3 % may be pulled into an upload category. A larger development set
(\`bench/data/destinations-other-dev.tsv\`, \`npx tsx bench/destinations-other-dev.ts\`) prints the share pulled by the page's
words apart from the catalog's own verdicts, and how many upload pages are still named.

| Category | Where | Words |
|---|---|---|
${rows.join('\n')}`;
}

function siteSectionsSection(): string {
  // The path rules' kinds have no words: their own table follows (sectionRulesSection).
  const kinds = (Object.keys(SECTION_KINDS) as SectionKind[]).filter((k) => !Object.hasOwn(RULE_KINDS, k));
  const words = (list: readonly string[], shape: (w: string) => string) => list.map((w) => `\`${shape(w)}\``).join(', ');
  const rows = kinds.map((k) => `| ${SECTION_KINDS[k]} | ${words(SECTION_SUBDOMAINS[k], (w) => `${w}.`)} | ${words(SECTION_PATHS[k], (w) => `/${w}`)} |`);
  return `## Content sections: a service's own pages, not its product

A service's blog, documentation, help centre, status page and company, legal and pricing pages are not where it keeps
uploads (\`src/core/destinations/site-sections.ts\`). A page is such a section when the catalog named its host only
through a parent domain and a label in front of that domain is one of the subdomain words below (\`help.dropbox.com\`,
\`eu.support.dropbox.com\`), or when it is on the site's front door (the registrable domain or its \`www\` host) and its
first path segment, after a locale, is one of the path words (\`www.dropbox.com/pricing\`, \`slack.com/help/…\`,
\`www.canva.com/de_de/help/\`). It is then \`other\`, still naming the service, with \`matchedBy: "section"\` and a
\`section\` that says which word and why.

The catalog and the admin win: a catalog entry for the host itself (\`docs.google.com\` is Google Docs,
\`blog.naver.com\` a blogging service), a catalog path rule, and any host pattern of a custom destination. So does an
application's own route in the address (a webmail host or path, GitLab's \`/-/\`, WordPress's \`/wp-admin\`). Not read
as sections: the label naming a tenant's own site under a private suffix of the Public Suffix List (\`blog.github.io\`),
paths on code hosts and social networks (their first segment names users and organisations: \`github.com/docs\`), and
\`docs\` on productivity services (their documents: \`docs.craft.do\`). A tenant that picks one of these words on a
multi-tenant service outside the private suffixes is read as the service's section: a custom destination for its host
puts it back.

On a host the catalog does not know, a content section keeps the page's words from naming an upload category (a blog
post titled "Merge PDF files online"), but for an application's own route.

| Section | Subdomains | First path segments (front door) |
|---|---|---|
${rows.join('\n')}`;
}

function sectionRulesSection(): string {
  const byId = new Map(BUILTIN_CATALOG.services.map((s) => [s.id, s]));
  const rows = SECTION_RULES.map((r) => {
    const service = byId.get(r.service)!;
    const note = r.note ? ` ${cell(r.note)}` : '';
    return `| ${RULE_KINDS[r.kind]} | ${cell(service.name)} (\`${service.category}\`) | ${code(r.hosts)} | ${code(r.paths)} | ${code(r.except)} | [source](${r.source})${note} |`;
  });
  return `### Path rules: sites whose sections differ

Some sites the catalog names by their host keep pages of another function beside the service's own: a package's page
on a registry is read by people choosing a library while publishing goes through the registry's client or its upload
page; a question on a Q&A site is read, asking is another page; a product or a book listed on a discovery site is
read; and a vendor's marketing site describes a product that runs elsewhere (an app host, customers' own servers).
The rules below (\`src/core/destinations/catalog/section-rules.json\`, validated against the catalog by
\`section-rules.ts\`) make those pages \`other\`, still naming the service, with \`matchedBy: "section"\`. A path
pattern is a prefix by whole segments, read after a locale (\`/en/\`); \`*\` is any one segment, \`/\` every page and
\`/*\` every page but the home page (where a hosting company's customers sign in). The service's own upload, publish
and manage pages under those paths are the exceptions, and stay the service. The words above are read first (a help
page under a rule's path is help), and as with them a catalog entry for the host or a path of it, and an admin's
custom destination, win.

| Section | Service | Hosts (and \`www.\`) | Reading pages | Stay the service | Where the paths come from |
|---|---|---|---|---|---|
${rows.join('\n')}`;
}

export function renderDestinationsDoc(): string {
  const services = BUILTIN_CATALOG.services;
  const categories = DESTINATION_CATEGORIES.filter((c) => c !== 'unknown');
  const counts = categories.map((c) => `| \`${c}\` | ${services.filter((s) => s.category === c).length} |`);
  const sections = categories.map((c) => `### ${CATEGORY_TITLES[c] ?? c} (\`${c}\`)\n\n${table(services.filter((s) => s.category === c))}`);
  const sources = SOURCE_CATEGORIES.map((sc) => {
    const names = services.filter((s) => s.sourceCategory === sc).map((s) => s.name);
    return `| \`${sc}\` | ${names.map(cell).join(', ')} |`;
  });
  return `# Destination catalog

<!-- Generated from src/core/destinations/ (catalog files and page-words.ts) by \`npx tsx scripts/generate.ts\`; a unit test fails when this file drifts. Do not edit by hand. -->

Upwatch names where a file is going from the tab's URL and title (and the frame's URL), with
\`classifyDestination\` in \`src/core/destinations\`. This page lists the built-in catalog
(version ${BUILTIN_CATALOG.version}, ${services.length} services).

## How a destination is decided

1. **Trusted** — the policy's \`trustedDomains\` (a domain such as \`acme.com\` covers its subdomains; a URL
   prefix such as \`github.com/acme-corp/\` or \`https://acme.sharepoint.com/sites/legal\` covers that path).
   Trusted activity scores 0; the service is still named.
2. **Host + path** — a catalog pattern with a path prefix (\`x.com/i/grok\`, \`facebook.com/messages\`,
   \`mail.google.com/chat\`). Path prefixes match whole segments: \`/messages\` matches \`/messages/1\`, not \`/messagesfan\`.
3. **Host** — the most specific catalog host that is the tab's host or a parent of it (\`us-east.app.box.com\` → \`box.com\`).
   A leading \`*\` matches the end of a label: \`*-my.sharepoint.com\` is every tenant's OneDrive. A content section
   of the service's site (\`help.dropbox.com\`, \`www.dropbox.com/pricing\`, see below) is \`other\`, naming the service.
4. **Title** — only for registrable domains the catalog does not know, and only the self-hosted-software rules
   below (Nextcloud, Roundcube, GitLab, Open WebUI…). Titles are page-controlled: a title never turns a known host into another service.
5. **Page words** — only for registrable domains the catalog does not know: the cautious fallback below.
6. **\`other\`** — any other real http(s) host.
7. **\`unknown\`** — no usable URL: \`about:blank\` with no parent frame URL, \`data:\`, \`blob:\`, \`file:\`, \`javascript:\`, extension pages.

The frame URL counts when the tab URL is unusable, or when the upload happens in a third-party frame of a known
service (a Dropbox chooser embedded in a blog). Host names are compared in lower case, without a trailing dot,
in punycode (\`bücher.de\` is \`xn--bcher-kva.de\`), so lookalike hosts (\`drоpbox.com\` with a Cyrillic о,
\`dropbox.com.phish.example\`) stay \`other\`. The registrable domain comes from the Public Suffix List (ICANN section).

## Adding a custom destination (admins)

No catalog is complete. \`customDestinations\` in the policy adds services or changes built-in ones by id (only the
fields given change); a custom entry needs a name, a category and hosts or title patterns, and no source:

\`\`\`json
[
  { "id": "acme_vault", "name": "Acme Vault", "category": "cloud_storage", "hosts": ["vault.acme.io"] },
  { "id": "acme_wiki", "name": "Acme wiki", "category": "productivity", "titles": ["^.+ - Acme Wiki$"] },
  { "id": "slack", "category": "other" }
]
\`\`\`

A custom service's host pattern takes precedence over the same pattern in the built-in catalog. The list is
validated with the rest of the policy: if an entry is invalid, the error names it and the last good
\`customDestinations\` stays in force. To check what a URL and title give, ask the console
(\`GET /api/v1/destinations/classify?url=…&title=…\`), which runs the same code.

## Services per category

| Category | Services |
|---|---|
${counts.join('\n')}

${sourcesSection(services)}

${titleRulesSection(services)}

${pathRulesSection(services)}

${siteSectionsSection()}

${sectionRulesSection()}

${fallbackSection()}

## All services

${sections.join('\n\n')}

## Download sources

The same catalog names the source category of files downloaded from a service (the \`source\` indicators).

| Source category | Services |
|---|---|
${sources.join('\n')}
`;
}
