// Issue 16, item 3: self-hosted products known by their page title, on hosts the catalog does not know.
import { describe, expect, it } from 'vitest';
import { BUILTIN_CATALOG } from '../../../src/core/destinations/catalog';
import firstCatalog from '../../../src/core/destinations/catalog.json';
import { classifyDestination } from '../../../src/core/destinations/classify';
import { SELF_HOSTED_TITLES } from './self-hosted-titles';

const INTRANET = 'https://apps.intranet.acme-corp.example/x';
const rows = Object.entries(SELF_HOSTED_TITLES);

describe('self-hosted title rules', () => {
  it('cover at least 60 products beyond the first catalog', () => {
    const products = BUILTIN_CATALOG.services.filter((s) => s.titles?.length);
    expect(products.length).toBeGreaterThanOrEqual(60 + 27);
  });

  it.each(rows.flatMap(([id, { real }]) => real.map((title) => [id, title] as const)))('%s: "%s" is the product', (id, title) => {
    expect(classifyDestination({ url: INTRANET, title })).toMatchObject({ serviceId: id, matchedBy: 'title' });
  });

  it.each(rows.map(([id, { lookalike }]) => [id, lookalike] as const))('%s: "%s" is an ordinary page', (_id, title) => {
    expect(classifyDestination({ url: INTRANET, title }).serviceId).toBeUndefined();
  });

  it('never renames a known host by its title', () => {
    expect(classifyDestination({ url: 'https://www.reddit.com/r/selfhosted', title: 'Open WebUI' }).serviceId).toBe('reddit');
    expect(classifyDestination({ url: 'https://github.com/open-webui/open-webui', title: 'Stirling PDF' }).serviceId).toBe('github');
  });

  it('has a row for every self-hosted title rule of the later catalog files (registry)', () => {
    const firstFile = new Set(firstCatalog.services.map((s) => s.id));
    const later = BUILTIN_CATALOG.services.filter((s) => s.titles?.length && !firstFile.has(s.id)).map((s) => s.id);
    expect(later.filter((id) => !(id in SELF_HOSTED_TITLES))).toEqual([]);
    expect(Object.keys(SELF_HOSTED_TITLES).filter((id) => !later.includes(id))).toEqual([]);
  });
});
