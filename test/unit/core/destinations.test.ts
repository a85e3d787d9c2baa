import { describe, expect, it } from 'vitest';
import { BUILTIN_CATALOG, Catalog } from '../../../src/core/destinations/catalog';
import { classifyDestination } from '../../../src/core/destinations/classify';

type Case = [url: string, title: string, category: string, serviceId: string | undefined];

const CASES: Case[] = [
  ['https://www.dropbox.com/home', 'Dropbox', 'cloud_storage', 'dropbox'],
  ['https://drive.google.com/drive/my-drive', 'My Drive - Google Drive', 'cloud_storage', 'google_drive'],
  ['https://app.box.com/folder/0', 'All Files | Powered by Box', 'cloud_storage', 'box'],
  ['https://us-east.app.box.com/folder/0', 'Box', 'cloud_storage', 'box'],
  ['https://onedrive.live.com/?id=root', 'OneDrive', 'cloud_storage', 'onedrive'],
  ['https://wetransfer.com/', 'WeTransfer', 'cloud_storage', 'wetransfer'],
  ['https://mail.google.com/mail/u/0/#inbox', 'Inbox - me@gmail.com - Gmail', 'email', 'gmail'],
  ['https://outlook.office.com/mail/', 'Mail - Outlook', 'email', 'outlook'],
  ['https://outlook.live.com/mail/0/', 'Outlook', 'email', 'outlook'],
  ['https://mail.yahoo.co.jp/', 'Yahoo!メール', 'email', 'yahoo_mail'],
  ['https://app.slack.com/client/T1/C1', 'general - Acme - Slack', 'messaging', 'slack'],
  ['https://teams.microsoft.com/v2/', 'Microsoft Teams', 'messaging', 'microsoft_teams'],
  ['https://web.whatsapp.com/', 'WhatsApp', 'messaging', 'whatsapp'],
  ['https://github.com/acme/app', 'acme/app', 'source_code_repository', 'github'],
  ['https://gist.github.com/', 'Create a new Gist', 'source_code_repository', 'github_gist'],
  ['https://gist.github.com/copilot', 'Gist', 'source_code_repository', 'github_gist'],
  ['https://github.com/copilot', 'Copilot', 'ai_tools', 'github_copilot'],
  ['https://github.com/copilotfan/repo', 'repo', 'source_code_repository', 'github'],
  ['https://chatgpt.com/', 'ChatGPT', 'ai_tools', 'chatgpt'],
  ['https://claude.ai/new', 'Claude', 'ai_tools', 'claude'],
  ['https://www.ilovepdf.com/merge_pdf', 'Merge PDF files online', 'pdf_manager', 'ilovepdf'],
  ['https://cloudconvert.com/pdf-to-docx', 'PDF to DOCX', 'file_conversion', 'cloudconvert'],
  ['https://www.facebook.com/', 'Facebook', 'social_media', 'facebook'],
  ['https://www.facebook.com/messages/t/123', 'Messenger', 'messaging', 'facebook_messenger'],
  ['https://x.com/home', 'Home / X', 'social_media', 'x_twitter'],
  ['https://x.com/messages', 'Messages / X', 'messaging', 'x_messages'],
  ['https://x.com/i/grok', 'Grok / X', 'ai_tools', 'grok'],
  ['https://www.icloud.com/mail/', 'iCloud Mail', 'email', 'icloud_mail'],
  ['https://www.icloud.com/iclouddrive/', 'iCloud Drive', 'cloud_storage', 'icloud_drive'],
  // Hosts that are case-folded, have a trailing dot, a port or userinfo.
  ['HTTPS://WWW.DROPBOX.COM/Home', 'Dropbox', 'cloud_storage', 'dropbox'],
  ['https://www.dropbox.com./home', 'Dropbox', 'cloud_storage', 'dropbox'],
  ['https://www.dropbox.com:8443/home', 'Dropbox', 'cloud_storage', 'dropbox'],
  ['https://user:pw@www.dropbox.com/home', 'Dropbox', 'cloud_storage', 'dropbox'],
  // Self-hosted software known by its title, only on hosts the catalog does not know.
  ['https://cloud.acme.example/apps/files/', 'Files - Nextcloud', 'cloud_storage', 'nextcloud'],
  ['https://webmail.acme.example/?_task=mail', 'Acme :: Roundcube Webmail :: Inbox', 'email', 'roundcube'],
  ['https://git.acme.example/acme/app', 'acme / app · GitLab', 'source_code_repository', 'gitlab_self_hosted'],
  // A title never turns a known host into another service.
  ['https://www.dropbox.com/home', 'Files - Nextcloud', 'cloud_storage', 'dropbox'],
  // Titles mentioning mail or drive do not classify an unknown host.
  ['https://news.example.com/tech', 'Gmail outage: what to do about Google Drive', 'other', undefined],
  ['https://www.bbc.co.uk/news', 'BBC News', 'other', undefined],
  ['http://192.168.1.10:8080/upload', 'Upload', 'other', undefined],
  ['https://[2001:db8::1]/upload', 'Upload', 'other', undefined],
  // No usable URL.
  ['about:blank', '', 'unknown', undefined],
  ['data:text/html,<h1>x</h1>', '', 'unknown', undefined],
  ['blob:https://www.dropbox.com/5d7e', '', 'unknown', undefined],
  ['file:///home/me/page.html', 'page', 'unknown', undefined],
  ['chrome-extension://abc/popup.html', 'x', 'unknown', undefined],
  ['javascript:alert(1)', 'x', 'unknown', undefined],
  ['not a url', 'x', 'unknown', undefined],
  ['', '', 'unknown', undefined],
];

describe('classifyDestination', () => {
  it.each(CASES)('%s (%s) → %s', (url, title, category, serviceId) => {
    const result = classifyDestination({ url, title });
    expect(result.category).toBe(category);
    expect(result.serviceId).toBe(serviceId);
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
  it('validates and has unique ids', () => {
    expect(() => Catalog.parse(BUILTIN_CATALOG)).not.toThrow();
  });

  it('has every service of the first catalog', () => {
    const ids = new Set(BUILTIN_CATALOG.services.map((s) => s.id));
    for (const id of ['dropbox', 'google_drive', 'box', 'onedrive', 'wetransfer', 'gmail', 'outlook', 'slack',
      'microsoft_teams', 'whatsapp', 'github', 'chatgpt', 'claude', 'ilovepdf', 'cloudconvert']) {
      expect(ids.has(id), id).toBe(true);
    }
  });

  it('has every service exercised by at least one case', () => {
    const covered = new Set(CASES.map((c) => c[3]));
    for (const extra of ['mega', 'proton_mail', 'telegram', 'discord', 'gitlab', 'bitbucket', 'pastebin', 'gemini',
      'microsoft_copilot', 'perplexity', 'smallpdf', 'adobe_acrobat_online', 'zamzar', 'convertio', 'google_docs',
      'notion', 'linkedin', 'netlify', 'workday', 'salesforce', 'sharepoint']) covered.add(extra);
    const uncovered = BUILTIN_CATALOG.services.map((s) => s.id).filter((id) => !covered.has(id));
    expect(uncovered).toEqual([]);
  });

  it.each([
    ['https://mega.nz/fm', 'mega'],
    ['https://mail.proton.me/u/0/inbox', 'proton_mail'],
    ['https://web.telegram.org/k/', 'telegram'],
    ['https://discord.com/channels/1/2', 'discord'],
    ['https://gitlab.com/acme/app', 'gitlab'],
    ['https://bitbucket.org/acme/app', 'bitbucket'],
    ['https://pastebin.com/', 'pastebin'],
    ['https://gemini.google.com/app', 'gemini'],
    ['https://copilot.microsoft.com/', 'microsoft_copilot'],
    ['https://www.perplexity.ai/', 'perplexity'],
    ['https://smallpdf.com/compress-pdf', 'smallpdf'],
    ['https://acrobat.adobe.com/link/home', 'adobe_acrobat_online'],
    ['https://www.zamzar.com/', 'zamzar'],
    ['https://convertio.co/', 'convertio'],
    ['https://docs.google.com/document/d/1', 'google_docs'],
    ['https://www.notion.so/acme', 'notion'],
    ['https://www.linkedin.com/feed/', 'linkedin'],
    ['https://app.netlify.com/drop', 'netlify'],
    ['https://wd5.myworkday.com/acme/d/home.htmld', 'workday'],
    ['https://acme.lightning.force.com/lightning/page/home', 'salesforce'],
    ['https://acme.sharepoint.com/sites/x', 'sharepoint'],
    ['https://acme-my.sharepoint.com/personal/x', 'sharepoint'],
  ])('%s → %s', (url, serviceId) => {
    expect(classifyDestination({ url }).serviceId).toBe(serviceId);
  });
});
