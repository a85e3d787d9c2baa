/** Renders docs/destinations.md from the built-in catalog (generated; drift-tested). */
import { BUILTIN_CATALOG, type CatalogService } from '../../src/core/destinations/catalog';
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
  other: 'Other known services (business applications)',
};

/** Markdown table cell: pipes escaped, code spans for patterns. */
const cell = (s: string) => s.replace(/\|/g, '\\|');
const code = (items: readonly string[] | undefined) => (items ?? []).map((i) => `\`${cell(i)}\``).join(', ');

function table(services: readonly CatalogService[]): string {
  const rows = services.map(
    (s) => `| ${cell(s.name)} | \`${s.id}\` | ${code(s.hosts)} | ${code(s.titles)} | ${s.sourceCategory ? `\`${s.sourceCategory}\`` : ''} |`,
  );
  return ['| Service | id | Host patterns | Self-hosted title rules | Source category |', '|---|---|---|---|---|', ...rows].join('\n');
}

export function renderDestinationsDoc(): string {
  const services = BUILTIN_CATALOG.services;
  const categories = DESTINATION_CATEGORIES.filter((c) => c !== 'unknown');
  const counts = categories.map((c) => `| \`${c}\` | ${services.filter((s) => s.category === c).length} |`);
  const sections = categories.map((c) => `## ${CATEGORY_TITLES[c] ?? c} (\`${c}\`)\n\n${table(services.filter((s) => s.category === c))}`);
  const sources = SOURCE_CATEGORIES.map((sc) => {
    const names = services.filter((s) => s.sourceCategory === sc).map((s) => s.name);
    return `| \`${sc}\` | ${names.map(cell).join(', ')} |`;
  });
  return `# Destination catalog

<!-- Generated from src/core/destinations/catalog.json by \`npx tsx scripts/generate.ts\`; a unit test fails when this file drifts. Do not edit by hand. -->

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
   A leading \`*\` matches the end of a label: \`*-my.sharepoint.com\` is every tenant's OneDrive.
4. **Title** — only for registrable domains the catalog does not know, and only the self-hosted-software rules
   below (Nextcloud, Roundcube, GitLab…). Titles are page-controlled: a title never turns a known host into another service.
5. **\`other\`** — any other real http(s) host.
6. **\`unknown\`** — no usable URL: \`about:blank\` with no parent frame URL, \`data:\`, \`blob:\`, \`file:\`, \`javascript:\`, extension pages.

The frame URL counts when the tab URL is unusable, or when the upload happens in a third-party frame of a known
service (a Dropbox chooser embedded in a blog). Host names are compared in lower case, without a trailing dot,
in punycode (\`bücher.de\` is \`xn--bcher-kva.de\`), so lookalike hosts (\`drоpbox.com\` with a Cyrillic о,
\`dropbox.com.phish.example\`) stay \`other\`. The registrable domain comes from the Public Suffix List (ICANN section).

## Changing the catalog by policy

\`customDestinations\` adds services or changes built-in ones by id (only the fields given change):

\`\`\`json
[
  { "id": "acme_vault", "name": "Acme Vault", "category": "cloud_storage", "hosts": ["vault.acme.io"] },
  { "id": "acme_wiki", "name": "Acme wiki", "category": "productivity", "titles": ["^.+ - Acme Wiki$"] },
  { "id": "slack", "category": "other" }
]
\`\`\`

A custom service's host pattern takes precedence over the same pattern in the built-in catalog. The list is
validated with the rest of the policy: if an entry is invalid, the error names it and the last good
\`customDestinations\` stays in force.

## Services per category

| Category | Services |
|---|---|
${counts.join('\n')}

${sections.join('\n\n')}

## Download sources

The same catalog names the source category of files downloaded from a service (the \`source\` indicators).

| Source category | Services |
|---|---|
${sources.join('\n')}
`;
}
