// Issue 16: a service's content pages (blog, docs, help, status, company and legal pages) are not
// its product. Fixtures written for this test from how well-known sites are laid out; none is
// taken from an evaluation set.
import { describe, expect, it } from 'vitest';
import { BUILTIN_CATALOG } from '../../../src/core/destinations/catalog';
import { classifyDestination } from '../../../src/core/destinations/classify';
import { sectionRuleFor } from '../../../src/core/destinations/section-rules';
import { SECTION_KINDS, SECTION_PATHS, SECTION_SUBDOMAINS, siteSection, type SectionKind } from '../../../src/core/destinations/site-sections';

/** [url, service whose site it is, kind of section] */
const CONTENT_PAGES: [string, string, SectionKind][] = [
  ['https://help.dropbox.com/account-access/reset-password', 'dropbox', 'help'],
  ['https://blog.dropbox.com/topics/work-culture/remote-work', 'dropbox', 'blog'],
  ['https://developers.dropbox.com/oauth-guide', 'dropbox', 'docs'],
  ['https://eu.support.dropbox.com/hc/articles/1', 'dropbox', 'help'],
  ['https://status.slack.com/2026-01', 'slack', 'status'],
  ['https://docs.github.com/en/repositories/working-with-files', 'github', 'docs'],
  ['https://docs.gitlab.com/ee/user/project/', 'gitlab', 'docs'],
  ['https://about.gitlab.com/pricing/', 'gitlab', 'company'],
  ['https://community.box.com/t/uploading-large-files/5', 'box', 'community'],
  ['https://careers.wetransfer.com/jobs/engineer', 'wetransfer', 'company'],
  ['https://help.instagram.com/1234567890', 'instagram', 'help'],
  // The front door (the registrable domain or its www host) and its first path segment.
  ['https://www.dropbox.com/pricing', 'dropbox', 'pricing'],
  ['https://www.dropbox.com/terms.html', 'dropbox', 'legal'],
  ['https://www.dropbox.com/intl/en_gb/privacy', 'dropbox', 'legal'],
  ['https://slack.com/help/articles/201330736-Add-files-to-Slack', 'slack', 'help'],
  ['https://www.notion.so/help/guides/getting-started', 'notion', 'help'],
  ['https://www.canva.com/de_de/help/upload-formats/', 'canva', 'help'],
  ['https://discord.com/blog/new-features', 'discord', 'blog'],
  ['https://wetransfer.com/legal/terms', 'wetransfer', 'legal'],
  ['https://www.box.com/hc/en-us/articles/360043697014', 'box', 'help'],
  ['https://www.blogger.com/about', 'blogger', 'company'],
];

/** [url, service, category]: product pages, which keep their service and its category. */
const PRODUCT_PAGES: [string, string, string][] = [
  ['https://docs.google.com/document/d/1abc/edit', 'google_docs', 'productivity'],
  ['https://drive.google.com/drive/my-drive', 'google_drive', 'cloud_storage'],
  ['https://www.dropbox.com/home', 'dropbox', 'cloud_storage'],
  // A folder named like a section, deeper than the first segment, is the user's.
  ['https://www.dropbox.com/home/docs/help', 'dropbox', 'cloud_storage'],
  ['https://app.box.com/folder/0', 'box', 'cloud_storage'],
  ['https://mail.google.com/mail/u/0/#inbox', 'gmail', 'email'],
  // Only the front door's paths are read: an application host's own /support route is the application.
  ['https://mail.google.com/support/compose', 'gmail', 'email'],
  ['https://outlook.live.com/mail/0/', 'outlook', 'email'],
  ['https://app.slack.com/client/T0123/C0456', 'slack', 'messaging'],
  ['https://acme.slack.com/archives/C0456', 'slack', 'messaging'],
  ['https://discord.com/channels/1/2', 'discord', 'messaging'],
  // Code hosts and social networks give the top of their paths to users and organisations.
  ['https://github.com/docs/docs/issues/1', 'github', 'source_code_repository'],
  ['https://github.com/acme/app/pull/7', 'github', 'source_code_repository'],
  ['https://gitlab.com/acme/app/-/issues', 'gitlab', 'source_code_repository'],
  // The catalog names the host itself, or a path of it: it wins.
  ['https://news.ycombinator.com/submit', 'hacker_news', 'social_media'],
  ['https://blog.naver.com/PostWriteForm.naver', 'naver_blog', 'social_media'],
  ['https://www.blogger.com/blog/posts/1234', 'blogger', 'web_hosting'],
  ['https://x.com/i/grok', 'grok', 'ai_tools'],
  // To a documents product, "docs" are its documents.
  ['https://docs.craft.do/editor/d/abc', 'craft', 'productivity'],
  ['https://shimo.im/docs/abc123', 'shimo', 'productivity'],
  // The hosting service's own front door under its private suffix is not a customer called "www".
  ['https://www.pythonanywhere.com/user/acme/files/', 'pythonanywhere', 'web_hosting'],
  // An application's own route in the address (a WordPress back office) is the application.
  ['https://news.wordpress.com/wp-admin/upload.php', 'wordpress_com', 'web_hosting'],
];

describe('site sections: a service’s content pages are `other`', () => {
  it.each(CONTENT_PAGES)('%s → other, on %s’s site (%s)', (url, serviceId, kind) => {
    const service = BUILTIN_CATALOG.services.find((s) => s.id === serviceId)!;
    expect(service.category).not.toBe('other');
    const result = classifyDestination({ url, title: 'A page' });
    expect(result).toMatchObject({ category: 'other', serviceId, serviceName: service.name, matchedBy: 'section', trusted: false });
    expect(result.section?.kind).toBe(kind);
    // The reason names the place, whose site it is and what the section holds.
    expect(result.section?.reason).toContain(result.section!.word);
    expect(result.section?.reason).toContain(service.name);
    expect(result.section?.reason).toContain(SECTION_KINDS[kind]);
  });

  it.each(PRODUCT_PAGES)('%s → %s (%s), not a section', (url, serviceId, category) => {
    const result = classifyDestination({ url, title: 'A page' });
    expect(result).toMatchObject({ serviceId, category });
    expect(result.matchedBy).not.toBe('section');
    expect(result.section).toBeUndefined();
  });

  it('explains a subdomain and a path in words', () => {
    expect(classifyDestination({ url: 'https://help.dropbox.com/x' }).section?.reason).toBe(
      'the "help." subdomain of dropbox.com holds Dropbox\'s help and support pages: not Dropbox itself',
    );
    expect(classifyDestination({ url: 'https://www.dropbox.com/pricing' }).section?.reason).toBe(
      "/pricing on www.dropbox.com holds Dropbox's pricing, product tour and solutions pages: not Dropbox itself",
    );
  });

  it('reads every catalog host pattern as its own service, never as a section (but for a path rule naming its home page)', () => {
    const wrong = BUILTIN_CATALOG.services.flatMap((s) =>
      s.hosts
        .map((pattern) => `https://${pattern.replace('*', 'acme')}${pattern.includes('/') ? '' : '/'}`)
        // A vendor's site that is all marketing (section-rules.json: "/" on kiteworks.com) says so on purpose.
        .filter((url) => !sectionRuleFor(s.id, new URL(url).hostname, '/'))
        .filter((url) => classifyDestination({ url }).category !== s.category)
        .map((url) => `${s.id}: ${url} → ${classifyDestination({ url }).category}`),
    );
    expect(wrong).toEqual([]);
  });

  describe('policy', () => {
    it('lets an admin’s custom destination name a section host', () => {
      const custom = [{ id: 'dropbox_support_uploads', name: 'Dropbox support uploads', category: 'cloud_storage' as const, hosts: ['help.dropbox.com'] }];
      expect(classifyDestination({ url: 'https://help.dropbox.com/upload' }, { customDestinations: custom })).toMatchObject({
        category: 'cloud_storage',
        serviceId: 'dropbox_support_uploads',
        matchedBy: 'domain',
      });
    });

    it('lets an admin’s pattern for a parent domain cover its sections', () => {
      const custom = [{ id: 'acme_files', name: 'Acme Files', category: 'cloud_storage' as const, hosts: ['acme-files.example'] }];
      expect(classifyDestination({ url: 'https://support.acme-files.example/drop' }, { customDestinations: custom })).toMatchObject({
        category: 'cloud_storage',
        serviceId: 'acme_files',
      });
      // A host added to a built-in service by policy is the admin's too.
      const added = [{ id: 'dropbox', hosts: ['help.dropbox.com'] }];
      expect(classifyDestination({ url: 'https://help.dropbox.com/x' }, { customDestinations: added })).toMatchObject({ category: 'cloud_storage' });
    });

    it('keeps reading sections of a built-in service whose category alone policy changed', () => {
      const custom = [{ id: 'dropbox', category: 'messaging' as const }];
      expect(classifyDestination({ url: 'https://www.dropbox.com/home' }, { customDestinations: custom }).category).toBe('messaging');
      expect(classifyDestination({ url: 'https://help.dropbox.com/x' }, { customDestinations: custom })).toMatchObject({
        category: 'other',
        matchedBy: 'section',
      });
    });

    it('keeps trust, and says what the trusted page is', () => {
      const result = classifyDestination({ url: 'https://help.dropbox.com/x' }, { trusted: ['dropbox.com'] });
      expect(result).toMatchObject({ category: 'other', serviceId: 'dropbox', trusted: true, matchedBy: 'trust' });
      expect(result.section?.kind).toBe('help');
    });
  });

  describe('on hosts the catalog does not know', () => {
    it('keeps the page’s title words from naming an upload category in a content section', () => {
      const title = 'Merge PDF files online';
      expect(classifyDestination({ url: 'https://pdf-kettle.example/', title }).category).toBe('pdf_manager');
      expect(classifyDestination({ url: 'https://blog.pdf-kettle.example/merge-pdf', title })).toMatchObject({ category: 'other', matchedBy: 'section' });
      expect(classifyDestination({ url: 'https://pdf-kettle.example/blog/merge-pdf-on-a-mac', title })).toMatchObject({
        category: 'other',
        matchedBy: 'section',
      });
      expect(classifyDestination({ url: 'https://docs.pdf-kettle.example/heic-to-jpg' }).category).toBe('other');
    });

    it('still reads an application’s own route in a content section', () => {
      expect(classifyDestination({ url: 'https://quokka-news.example/blog/wp-admin/upload.php', title: 'Upload New Media' })).toMatchObject({
        category: 'web_hosting',
        matchedBy: 'page',
      });
      expect(classifyDestination({ url: 'https://webmail.help.quokka.example/', title: 'Webmail' }).category).toBe('email');
    });

    it('still names self-hosted software by its title on a section host', () => {
      expect(classifyDestination({ url: 'https://support.acme.example/', title: 'Files - Nextcloud' })).toMatchObject({
        serviceId: 'nextcloud',
        matchedBy: 'title',
      });
    });

    it('says nothing of a section when nothing was to be suppressed', () => {
      expect(classifyDestination({ url: 'https://blog.example.org/post', title: 'My holiday' })).toMatchObject({ category: 'other', matchedBy: 'none' });
    });
  });
});

describe('siteSection', () => {
  const at = (url: string, named?: string, category?: 'productivity' | 'social_media') => {
    const { hostname: host, pathname: path } = new URL(url);
    const domain = host.split('.').slice(-2).join('.');
    return siteSection({ host, path, domain, named: named ?? domain, ...(category && { service: { name: 'S', category } }) });
  };

  it('reads only labels in front of what the catalog named', () => {
    expect(at('https://help.example.com/', 'example.com')?.word).toBe('help');
    expect(at('https://help.example.com/', 'help.example.com')).toBeUndefined();
    expect(at('https://m.help.example.com/', 'help.example.com')).toBeUndefined();
  });

  it('reads whole labels and segments only', () => {
    expect(at('https://helpful.example.com/')).toBeUndefined();
    expect(at('https://support-portal.example.com/')).toBeUndefined();
    expect(at('https://example.com/blogging-tips')).toBeUndefined();
    expect(at('https://example.com/de/blog/x')?.word).toBe('blog');
    expect(at('https://example.com/files/blog')).toBeUndefined();
  });

  it('reads paths only on the front door', () => {
    expect(at('https://www.example.com/help')?.where).toBe('path');
    expect(at('https://app.example.com/help')).toBeUndefined();
  });

  it('leaves out paths on code hosts and social networks, and "docs" on a documents product', () => {
    expect(at('https://example.com/help', undefined, 'social_media')).toBeUndefined();
    expect(at('https://example.com/docs/x', undefined, 'productivity')).toBeUndefined();
    expect(at('https://docs.example.com/', undefined, 'productivity')).toBeUndefined();
    expect(at('https://example.com/help', undefined, 'productivity')?.kind).toBe('help');
  });

  it('skips the label naming a tenant under a private public suffix, not a section in front of it', () => {
    // github.io is a private suffix: "docs.github.io" is someone's site called "docs".
    expect(siteSection({ host: 'docs.github.io', path: '/', domain: 'github.io', named: 'github.io' })).toBeUndefined();
    expect(siteSection({ host: 'docs.acme.github.io', path: '/', domain: 'github.io', named: 'github.io' })?.reason).toContain("acme.github.io's");
  });

  it('keeps its word lists apart: each word in one kind only, lower case, no api or app hosts', () => {
    for (const table of [SECTION_SUBDOMAINS, SECTION_PATHS]) {
      const words = Object.values(table).flat();
      expect(new Set(words).size).toBe(words.length);
      for (const w of words) expect(w).toMatch(/^[a-z][a-z-]*$/);
      expect(words).not.toContain('api');
      expect(words).not.toContain('app');
    }
  });
});
