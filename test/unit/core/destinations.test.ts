import { describe, expect, it } from 'vitest';
import { BUILTIN_CATALOG, Catalog, CustomDestinations } from '../../../src/core/destinations/catalog';
import firstCatalog from '../../../src/core/destinations/catalog.json';
import { classifyDestination } from '../../../src/core/destinations/classify';
import { DESTINATION_CASES } from './destination-cases';

describe('classifyDestination', () => {
  it('has at least 400 table cases', () => {
    expect(DESTINATION_CASES.length).toBeGreaterThanOrEqual(400);
  });

  it.each(DESTINATION_CASES)('$url ($title) → $category $serviceId', ({ url, title, category, serviceId }) => {
    const result = classifyDestination({ url, title });
    expect({ category: result.category, serviceId: result.serviceId }).toEqual({ category, serviceId });
    expect(result.trusted).toBe(false);
  });

  it('gives the registrable domain from the public suffix list', () => {
    expect(classifyDestination({ url: 'https://a.b.example.co.uk/x' }).domain).toBe('example.co.uk');
    expect(classifyDestination({ url: 'https://mail.yahoo.co.jp/' }).domain).toBe('yahoo.co.jp');
    expect(classifyDestination({ url: 'https://us-east.app.box.com/' })).toMatchObject({
      host: 'us-east.app.box.com',
      domain: 'box.com',
    });
  });

  it('says how it matched', () => {
    expect(classifyDestination({ url: 'https://x.com/i/grok' }).matchedBy).toBe('url');
    expect(classifyDestination({ url: 'https://www.dropbox.com/' }).matchedBy).toBe('domain');
    expect(classifyDestination({ url: 'https://c.acme.example/', title: 'Files - Nextcloud' }).matchedBy).toBe('title');
    expect(classifyDestination({ url: 'https://example.org/' }).matchedBy).toBe('none');
  });

  describe('trusted activity from policy', () => {
    const trusted = ['acme.com', 'github.com/acme-corp/', 'https://acme.sharepoint.com', '*.corp.example'];
    it.each([
      ['https://files.acme.com/upload', true],
      ['https://acme.com/', true],
      ['https://notacme.com/', false],
      ['https://github.com/acme-corp/app', true],
      ['https://github.com/acme-corp-evil/app', false],
      ['https://github.com/someone/app', false],
      ['https://acme.sharepoint.com/sites/legal', true],
      ['https://evil.sharepoint.com/sites/legal', false],
      ['https://wiki.corp.example/', true],
    ])('%s trusted=%s', (url, expected) => {
      const result = classifyDestination({ url, title: '' }, { trusted });
      expect(result.trusted).toBe(expected);
      if (expected) expect(result.matchedBy).toBe('trust');
    });

    it('keeps the service of a trusted destination', () => {
      const result = classifyDestination({ url: 'https://github.com/acme-corp/app' }, { trusted });
      expect(result).toMatchObject({ trusted: true, serviceId: 'github', category: 'source_code_repository' });
    });
  });

  describe('frame URL', () => {
    it('counts when the tab URL is unusable', () => {
      const result = classifyDestination({ url: 'about:blank', frameUrl: 'https://www.dropbox.com/chooser' });
      expect(result.serviceId).toBe('dropbox');
    });
    it('counts for a third-party frame of a known service', () => {
      const result = classifyDestination({
        url: 'https://blog.example.org/post',
        title: 'My blog',
        frameUrl: 'https://www.dropbox.com/chooser',
      });
      expect(result.serviceId).toBe('dropbox');
    });
    it('does not replace the tab by an unknown frame', () => {
      const result = classifyDestination({
        url: 'https://mail.google.com/mail/u/0/',
        frameUrl: 'https://ads.example.net/frame',
      });
      expect(result.serviceId).toBe('gmail');
    });
  });

  // Issue 13: the host that receives the bytes counts, and trust never carries over to it.
  describe('frames and receiving hosts on a trusted page', () => {
    const options = { trusted: ['intranet.acme.example', 'files.acme.example'] };
    const intranet = 'https://intranet.acme.example/docs';
    it.each([
      ['a known service frame', { frameUrl: 'https://wetransfer.com/embed' }, { serviceId: 'wetransfer', trusted: false }],
      ['an unknown frame', { frameUrl: 'https://upload.widgets.example/w' }, { host: 'upload.widgets.example', category: 'other', trusted: false }],
      ['a trusted frame', { frameUrl: 'https://files.acme.example/picker' }, { host: 'files.acme.example', trusted: true }],
      ['a send to a known service', { receiverUrl: 'https://wetransfer.com/api/v4/transfers' }, { serviceId: 'wetransfer', trusted: false }],
      ['a send to an unknown host', { receiverUrl: 'https://transfer.example.net/put' }, { host: 'transfer.example.net', trusted: false }],
      ['a send to a trusted host', { receiverUrl: 'https://files.acme.example/put' }, { host: 'files.acme.example', trusted: true }],
      ['a send to the page itself', { receiverUrl: 'https://intranet.acme.example/api/upload' }, { host: 'intranet.acme.example', trusted: true }],
    ])('%s', (_label, extra, expected) => {
      expect(classifyDestination({ url: intranet, ...extra }, options)).toMatchObject(expected);
    });

    it('on an untrusted page, an unknown receiving host leaves the page destination; a known one takes over', () => {
      expect(classifyDestination({ url: 'https://www.dropbox.com/home', receiverUrl: 'https://content.dropboxapi.example/2/upload' })).toMatchObject({
        serviceId: 'dropbox',
      });
      expect(classifyDestination({ url: 'https://blog.example.org/', receiverUrl: 'https://wetransfer.com/api' })).toMatchObject({ serviceId: 'wetransfer' });
    });
  });

  it('lets policy add a service', () => {
    const customDestinations = [{ id: 'acme_vault', name: 'Acme Vault', category: 'cloud_storage' as const, hosts: ['vault.acme.io'] }];
    expect(classifyDestination({ url: 'https://eu.vault.acme.io/' }, { customDestinations })).toMatchObject({
      serviceId: 'acme_vault',
      category: 'cloud_storage',
    });
  });

  it('never throws on hostile input', () => {
    const inputs = [
      { url: `https://example.com/${'a'.repeat(100_000)}`, title: 'x'.repeat(100_000) },
      { url: 'https://exa\u0000mple.com/', title: '\u0000\u0007\u001b[31m' },
      { url: 'http://', title: '' },
      { url: 'https://xn--80ak6aa92e.com/', title: 'Files - Nextcloud'.padStart(100_000, '(') },
      { url: 42 as unknown as string, title: {} as unknown as string },
    ];
    for (const input of inputs) expect(() => classifyDestination(input)).not.toThrow();
  });
});

describe('the built-in catalog', () => {
  const services = BUILTIN_CATALOG.services;
  const count = (category: string) => services.filter((s) => s.category === category).length;

  it('validates: unique ids, unique host patterns, valid title expressions', () => {
    expect(() => Catalog.parse(BUILTIN_CATALOG)).not.toThrow();
    const duplicate = { ...BUILTIN_CATALOG, services: [...services, { ...services[0]!, id: 'dropbox_again' }] };
    expect(Catalog.safeParse(duplicate).error?.issues[0]?.message).toMatch(/host pattern dropbox\.com is in both/);
  });

  it('has at least 300 services and the minimum per category', () => {
    expect(services.length).toBeGreaterThanOrEqual(300);
    const minimum: Record<string, number> = {
      cloud_storage: 40,
      email: 40,
      messaging: 25,
      pdf_manager: 15,
      file_conversion: 15,
      productivity: 25,
      social_media: 25,
      source_code_repository: 15,
      web_hosting: 15,
      ai_tools: 30,
    };
    for (const [category, min] of Object.entries(minimum)) expect(count(category), category).toBeGreaterThanOrEqual(min);
  });

  it('names the source category of the business applications downloads come from', () => {
    const sourceOf = (id: string) => services.find((s) => s.id === id)?.sourceCategory;
    const expected: Record<string, string> = {
      workday: 'hr',
      adp: 'hr',
      bamboohr: 'hr',
      successfactors: 'hr',
      salesforce: 'crm',
      hubspot: 'crm',
      zendesk: 'crm',
      tableau: 'business_intelligence',
      power_bi: 'business_intelligence',
      looker: 'business_intelligence',
      netsuite: 'financial_services',
      quickbooks: 'financial_services',
      carta: 'financial_services',
      docusign: 'contract_management',
      ironclad: 'contract_management',
      marketo: 'marketing',
      jenkins: 'coding_tools',
      jira: 'coding_tools',
      servicenow: 'coding_tools',
      confluence: 'productivity',
      github: 'source_code_repository',
      gitlab: 'source_code_repository',
      bitbucket: 'source_code_repository',
      google_drive: 'cloud_storage',
      onedrive: 'cloud_storage',
      sharepoint: 'cloud_storage',
      slack: 'messaging',
      microsoft_teams: 'messaging',
    };
    for (const [id, category] of Object.entries(expected)) expect(sourceOf(id), id).toBe(category);
  });

  it('reaches every service by each of its host patterns (none shadowed by another entry)', () => {
    const unreachable = services.flatMap((s) =>
      s.hosts
        .map((pattern) => `https://${pattern.replace('*', 'acme')}${pattern.includes('/') ? '' : '/'}`)
        .filter((url) => classifyDestination({ url }).serviceId !== s.id)
        .map((url) => `${s.id}: ${url} → ${classifyDestination({ url }).serviceId}`),
    );
    expect(unreachable).toEqual([]);
  });

  it('has every hand-curated service of the first catalog exercised by a table case', () => {
    const covered = new Set(DESTINATION_CASES.map((c) => c.serviceId));
    expect(firstCatalog.services.map((s) => s.id).filter((id) => !covered.has(id))).toEqual([]);
  });

  it('has every self-hosted title rule of the first catalog exercised on a host the catalog does not know', () => {
    const byTitle = new Set(DESTINATION_CASES.filter((c) => c.title && classifyDestination(c).matchedBy === 'title').map((c) => c.serviceId));
    expect(
      firstCatalog.services
        .filter((s) => 'titles' in s)
        .map((s) => s.id)
        .filter((id) => !byTitle.has(id)),
    ).toEqual([]);
  });
});

describe('policy changes to the catalog', () => {
  it('re-categorises a built-in service by id and keeps its hosts', () => {
    const customDestinations = [{ id: 'slack', category: 'other' as const }];
    expect(classifyDestination({ url: 'https://app.slack.com/client' }, { customDestinations })).toMatchObject({
      serviceId: 'slack',
      serviceName: 'Slack',
      category: 'other',
    });
  });

  it('takes a host pattern from a built-in service', () => {
    const customDestinations = [{ id: 'acme_box', name: 'Acme Box tenant', category: 'productivity' as const, hosts: ['acme.app.box.com'] }];
    expect(classifyDestination({ url: 'https://acme.app.box.com/folder/1' }, { customDestinations }).serviceId).toBe('acme_box');
    expect(classifyDestination({ url: 'https://other.app.box.com/' }, { customDestinations }).serviceId).toBe('box');
  });

  it('adds a self-hosted title rule', () => {
    const customDestinations = [{ id: 'acme_vault', name: 'Acme Vault', category: 'cloud_storage' as const, titles: ['^Acme Vault$'] }];
    expect(classifyDestination({ url: 'https://v.acme.example/', title: 'Acme Vault' }, { customDestinations })).toMatchObject({
      serviceId: 'acme_vault',
      matchedBy: 'title',
    });
  });

  it.each([
    [{ id: 'new_thing', category: 'email' }, /needs a name/],
    [{ id: 'new_thing', name: 'New', category: 'email' }, /needs hosts or titles/],
    [{ id: 'new_thing', name: 'New', category: 'unknown', hosts: ['n.example'] }, /expected one of/],
    [{ id: 'New Thing', name: 'New', category: 'email', hosts: ['n.example'] }, /service id/],
    [{ id: 'new_thing', name: 'New', category: 'email', hosts: ['https://n.example/'] }, /host pattern/],
    [{ id: 'new_thing', name: 'New', category: 'email', titles: ['(unclosed'] }, /invalid regular expression/],
  ])('rejects %j', (entry, message) => {
    const result = CustomDestinations.safeParse([entry]);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.message).join('; ')).toMatch(message);
  });

  it('rejects two custom services claiming one host pattern', () => {
    const entries = [
      { id: 'a_one', name: 'A', category: 'email', hosts: ['a.example'] },
      { id: 'a_two', name: 'A2', category: 'email', hosts: ['a.example'] },
    ];
    expect(CustomDestinations.safeParse(entries).success).toBe(false);
  });
});

describe('registrable domains and hosts', () => {
  it.each([
    ['https://a.b.example.co.uk/x', 'a.b.example.co.uk', 'example.co.uk'],
    ['https://mail.yahoo.co.jp/', 'mail.yahoo.co.jp', 'yahoo.co.jp'],
    ['https://email.uol.com.br/', 'email.uol.com.br', 'uol.com.br'],
    ['https://us-east.app.box.com/', 'us-east.app.box.com', 'box.com'],
    ['https://acme.github.io/', 'acme.github.io', 'github.io'],
    ['https://bücher.de/', 'xn--bcher-kva.de', 'xn--bcher-kva.de'],
    ['https://WWW.DROPBOX.COM./', 'www.dropbox.com', 'dropbox.com'],
    ['http://192.168.1.10:8080/', '192.168.1.10', '192.168.1.10'],
    ['https://[2001:db8::1]/', '[2001:db8::1]', '[2001:db8::1]'],
    ['http://localhost:3000/', 'localhost', 'localhost'],
  ])('%s → host %s, domain %s', (url, host, domain) => {
    expect(classifyDestination({ url })).toMatchObject({ host, domain });
  });
});
