// Issue 16, item 3: the cautious generic fallback for hosts the catalog does not know.
import { describe, expect, it } from 'vitest';
import { classifyDestination } from '../../../src/core/destinations/classify';
import { PAGE_WORD_RULES, classifyByPageWords } from '../../../src/core/destinations/page-words';
import { HELD_OUT_ORDINARY_PAGES, HELD_OUT_PAGES_THAT_SAY_WHAT_THEY_ARE, ORDINARY_PAGES, PAGES_THAT_SAY_WHAT_THEY_ARE } from './page-words-cases';

const pulledIn = (pages: readonly [string, string][]) => pages.filter(([url, title]) => classifyDestination({ url, title }).category !== 'other');

describe('page words (generic fallback)', () => {
  it.each(PAGES_THAT_SAY_WHAT_THEY_ARE)('%s "%s" → %s', (url, title, category) => {
    const result = classifyDestination({ url, title });
    expect(result).toMatchObject({ category, matchedBy: 'page' });
    expect(result.serviceId).toBeUndefined();
  });

  it('pulls at most 3 % of ordinary pages into an upload category (the pages it was written against)', () => {
    expect(ORDINARY_PAGES.length).toBeGreaterThanOrEqual(150);
    const wrong = pulledIn(ORDINARY_PAGES);
    expect(wrong.length / ORDINARY_PAGES.length, wrong.map(([url, title]) => `${url} ${title}`).join('\n')).toBeLessThanOrEqual(0.03);
  });

  it('pulls at most 3 % of a second set of ordinary pages written after the rules were fixed', () => {
    const wrong = pulledIn(HELD_OUT_ORDINARY_PAGES);
    expect(wrong.length / HELD_OUT_ORDINARY_PAGES.length, wrong.map(([url, title]) => `${url} ${title}`).join('\n')).toBeLessThanOrEqual(0.03);
  });

  it('names most pages of the second set that say what they are', () => {
    const named = HELD_OUT_PAGES_THAT_SAY_WHAT_THEY_ARE.filter(([url, title, category]) => classifyDestination({ url, title }).category === category);
    expect(named.length / HELD_OUT_PAGES_THAT_SAY_WHAT_THEY_ARE.length).toBeGreaterThanOrEqual(0.6);
  });

  it('never overrides a catalog host, a self-hosted title rule or trust', () => {
    expect(classifyDestination({ url: 'https://www.bbc.co.uk/webmail', title: 'Webmail' }).matchedBy).toBe('page'); // bbc is not in the catalog
    expect(classifyDestination({ url: 'https://github.com/acme/app/-/tree/main', title: 'Send large files' })).toMatchObject({
      serviceId: 'github',
      matchedBy: 'domain',
    });
    expect(classifyDestination({ url: 'https://cloud.acme.example/webmail', title: 'Files - Nextcloud' })).toMatchObject({
      serviceId: 'nextcloud',
      matchedBy: 'title',
    });
    expect(classifyDestination({ url: 'https://files.acme.example/file-transfer', title: 'Send large files' }, { trusted: ['acme.example'] })).toMatchObject({
      category: 'other',
      trusted: true,
      matchedBy: 'trust',
    });
  });

  it('reads paths by whole segments at the top of the site (or under a locale)', () => {
    expect(classifyByPageWords('tools.example', '/de/heic-to-jpg', undefined)?.category).toBe('file_conversion');
    expect(classifyByPageWords('tools.example', '/blog/heic-to-jpg', undefined)).toBeUndefined();
    expect(classifyByPageWords('tools.example', '/convert-heic-to-jpg-on-iphone', undefined)).toBeUndefined();
    expect(classifyByPageWords('tools.example', '/jpg-to-jpg', undefined)).toBeUndefined();
    expect(classifyByPageWords('tools.example', '/wiki/webmail', undefined)).toBeUndefined();
    expect(classifyByPageWords('shop.example', '/usb-c-to-hdmi', undefined)).toBeUndefined();
    expect(classifyByPageWords('git.example', '/a/b/-/settings', undefined)).toBeUndefined();
    expect(classifyByPageWords('blog.example', '/news/wp-admin/media-new.php', undefined)?.category).toBe('web_hosting');
  });

  it('documents every rule', () => {
    for (const rule of PAGE_WORD_RULES) expect(rule.words.length, rule.id).toBeGreaterThan(5);
    expect(new Set(PAGE_WORD_RULES.map((r) => r.id)).size).toBe(PAGE_WORD_RULES.length);
  });
});
