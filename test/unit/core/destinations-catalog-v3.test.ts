// Issue 16, item 3: the catalog's breadth, its sources, and sections of sites whose function differs.
import { describe, expect, it } from 'vitest';
import { BUILTIN_CATALOG, Catalog, CustomDestinations } from '../../../src/core/destinations/catalog';
import { classifyDestination } from '../../../src/core/destinations/classify';

const services = BUILTIN_CATALOG.services;
const first = services[0]!;

describe('catalog entries and their sources', () => {
  it('has at least 1,500 services, every one with a source', () => {
    expect(services.length).toBeGreaterThanOrEqual(1500);
    expect(services.filter((s) => !s.source)).toEqual([]);
  });

  it('takes entries from at least two declared public lists, each with a licence and a snapshot commit', () => {
    expect(BUILTIN_CATALOG.lists.map((l) => l.id).sort()).toEqual(['ut1', 'v2fly']);
    for (const list of BUILTIN_CATALOG.lists) {
      expect(list.licence).not.toBe('');
      expect(list.commit).toMatch(/^[0-9a-f]{40}$/);
      expect(services.filter((s) => s.source.kind === 'list' && s.source.list === list.id).length, list.id).toBeGreaterThan(50);
    }
  });

  const refused = (change: (c: Catalog) => unknown) => {
    const copy = structuredClone(BUILTIN_CATALOG);
    const result = Catalog.safeParse(change(copy) ?? copy);
    return result.success ? '' : result.error.issues.map((i) => i.message).join('; ');
  };

  it('refuses an entry without a source', () => {
    expect(
      refused((c) => {
        delete (c.services[0] as { source?: unknown }).source;
      }),
    ).not.toBe('');
  });

  it('refuses an entry naming an undeclared list, or a list category that maps elsewhere', () => {
    expect(refused((c) => void (c.services[0]!.source = { kind: 'list', list: 'nolist', category: 'webmail' }))).toMatch(/nolist is not declared/);
    expect(refused((c) => void (c.services[0]!.source = { kind: 'list', list: 'ut1', category: 'webmail' }))).toMatch(
      /ut1 category webmail does not map to cloud_storage/,
    );
    expect(refused((c) => void (c.services[0]!.source = { kind: 'list', list: 'ut1', category: 'porn' }))).toMatch(/does not map/);
  });

  it('refuses a vendor source that is not a web address', () => {
    expect(refused((c) => void (c.services[0]!.source = { kind: 'vendor', url: 'javascript:alert(1)' }))).not.toBe('');
  });

  it('refuses a host pattern in two entries, and a list declared twice', () => {
    expect(refused((c) => void c.services.push({ ...first, id: 'dropbox_twin' }))).toMatch(/host pattern dropbox\.com is in both dropbox and dropbox_twin/);
    expect(refused((c) => void c.lists.push(c.lists[0]!))).toMatch(/declared twice/);
  });

  it('keeps policy custom destinations free of sources', () => {
    const result = CustomDestinations.safeParse([{ id: 'acme_vault', name: 'Acme Vault', category: 'cloud_storage', hosts: ['vault.acme.example'] }]);
    expect(result.success).toBe(true);
    expect(
      CustomDestinations.safeParse([
        { id: 'acme_vault', name: 'V', category: 'email', hosts: ['v.example'], source: { kind: 'vendor', url: 'https://v.example/' } },
      ]).success,
    ).toBe(false);
  });
});

describe('a sample of the services added for issue 16', () => {
  it.each([
    // cloud storage and transfer
    ['https://www.gigafile.nu/', 'gigafile', 'cloud_storage'],
    ['https://1fichier.com/', 'onefichier', 'cloud_storage'],
    ['https://www.cowtransfer.com/s/abc', 'cowtransfer', 'cloud_storage'],
    ['https://acme.blob.core.windows.net/container/x', 'azure_blob', 'cloud_storage'],
    ['https://pairdrop.net/', 'pairdrop', 'cloud_storage'],
    // regional webmail
    ['https://mail.centrum.cz/', 'centrum_cz_mail', 'email'],
    ['https://www.abv.bg/', 'abv_bg_mail', 'email'],
    ['https://hanmail.net/', 'daum_hanmail', 'email'],
    ['https://citromail.hu/', 'citromail', 'email'],
    ['https://webmail.pec.it/', 'aruba_pec', 'email'],
    // messaging
    ['https://chat.zalo.me/', 'zalo', 'messaging'],
    ['https://meet.jit.si/standup', 'jitsi_meet', 'messaging'],
    ['https://line.me/R/', 'line', 'messaging'],
    // converters for one media type, PDF tools
    ['https://heictojpg.com/', 'heictojpg', 'file_conversion'],
    ['https://www.iloveimg.com/resize-image', 'iloveimg', 'file_conversion'],
    ['https://www.pdf2doc.com/', 'pdf2doc', 'pdf_manager'],
    ['https://www.combinepdf.com/', 'combinepdf', 'pdf_manager'],
    // social, including the Fediverse
    ['https://mastodon.world/@someone', 'mastodon_world', 'social_media'],
    ['https://fosstodon.org/home', 'fosstodon', 'social_media'],
    ['https://lemmy.world/c/technology', 'lemmy_world', 'social_media'],
    ['https://www.zhihu.com/', 'zhihu', 'social_media'],
    // code hosting and paste
    ['https://salsa.debian.org/debian/apt', 'salsa_debian', 'source_code_repository'],
    ['https://gitcode.com/acme/app', 'gitcode', 'source_code_repository'],
    ['https://pypi.org/manage/projects/', 'pypi', 'source_code_repository'],
    // web hosting
    ['https://hpanel.hostinger.com/', 'hostinger', 'web_hosting'],
    ['https://my.kinsta.com/sites', 'kinsta', 'web_hosting'],
    ['https://kas.all-inkl.com/', 'all_inkl', 'web_hosting'],
    // newer AI assistants and AI search
    ['https://www.t3.chat/', 't3_chat', 'ai_tools'],
    ['https://felo.ai/search', 'felo', 'ai_tools'],
    ['https://yuanbao.tencent.com/chat', 'yuanbao', 'ai_tools'],
    ['https://lumo.proton.me/', 'lumo', 'ai_tools'],
    ['https://openrouter.ai/models', 'openrouter', 'ai_tools'],
    // productivity, and translation is `other`
    ['https://hackmd.io/@team/notes', 'hackmd', 'productivity'],
    ['https://www.overleaf.com/project', 'overleaf', 'productivity'],
    ['https://papago.naver.com/', 'papago', 'other'],
    ['https://www.deepl.com/translator', 'deepl', 'other'],
    ['https://www.reverso.net/text-translation', 'reverso', 'other'],
  ])('%s → %s (%s)', (url, serviceId, category) => {
    expect(classifyDestination({ url })).toMatchObject({ serviceId, category });
  });
});

describe('path rules: sections whose function differs from their site', () => {
  it.each([
    ['https://www.facebook.com/messages/t/123', 'facebook_messenger', 'messaging', 'https://www.facebook.com/groups/1', 'facebook'],
    ['https://www.tiktok.com/messages?lang=en', 'tiktok_messages', 'messaging', 'https://www.tiktok.com/@someone', 'tiktok'],
    ['https://bsky.app/messages', 'bluesky_chat', 'messaging', 'https://bsky.app/profile/a.bsky.social', 'bluesky'],
    ['https://vk.com/im?sel=1', 'vk_messenger', 'messaging', 'https://vk.com/feed', 'vk'],
    ['https://vk.com/docs', 'vk_docs', 'cloud_storage', 'https://vk.com/friends', 'vk'],
    ['https://www.reddit.com/message/inbox', 'reddit_messages', 'messaging', 'https://www.reddit.com/r/selfhosted', 'reddit'],
    ['https://www.etsy.com/messages', 'etsy_messages', 'messaging', 'https://www.etsy.com/listing/1', 'etsy'],
    ['https://business.facebook.com/latest/inbox/all', 'facebook_business_inbox', 'messaging', 'https://business.facebook.com/latest/home', 'facebook'],
    ['https://www.bing.com/chat', 'bing_copilot_search', 'ai_tools', 'https://www.bing.com/translator', 'bing_translator'],
    ['https://www.office.com/chat', 'office_copilot_chat', 'ai_tools', 'https://www.office.com/launch/word', 'microsoft_365'],
    ['https://github.com/marketplace/models/azure-openai/gpt-4o', 'github_models', 'ai_tools', 'https://github.com/marketplace', 'github'],
    ['https://duckduckgo.com/aichat', 'duckduckgo_ai_chat', 'ai_tools', 'https://duckduckgo.com/chatter', undefined],
    ['https://huggingface.co/spaces/acme/demo', 'huggingface_spaces_pages', 'ai_tools', 'https://huggingface.co/acme/model', 'hugging_face'],
    ['https://console.aws.amazon.com/sagemaker/home', 'aws_sagemaker', 'ai_tools', 'https://console.aws.amazon.com/ec2/home', 'aws_console'],
    ['https://console.cloud.google.com/vertex-ai/studio', 'vertex_ai_studio', 'ai_tools', 'https://console.cloud.google.com/home', 'google_cloud_console'],
    ['https://www.figma.com/make/abc', 'figma_make', 'ai_tools', 'https://www.figma.com/file/abc', 'figma'],
    ['https://www.canva.com/ai', 'canva_ai_assistant', 'ai_tools', 'https://www.canva.com/design/abc', 'canva'],
    ['https://search.brave.com/ask?q=x', 'brave_leo', 'ai_tools', 'https://search.brave.com/search?q=x', undefined],
    ['https://www.adobe.com/acrobat/online/pdf-to-word.html', 'adobe_acrobat_online_tools', 'pdf_manager', 'https://www.adobe.com/express/', 'adobe_express'],
    ['https://www.aol.com/mail', 'aol_portal_mail', 'email', 'https://mail.aol.com/', 'aol_mail'],
    ['https://dash.cloudflare.com/r2/overview', 'cloudflare_r2_console', 'cloud_storage', 'https://dash.cloudflare.com/', 'cloudflare_dashboard'],
    ['https://www.kaggle.com/code/acme/notebook', 'kaggle_code', 'source_code_repository', 'https://www.kaggle.com/datasets', 'kaggle_datasets'],
  ])('%s → %s (%s); %s stays %s', (url, serviceId, category, elsewhere, siteId) => {
    expect(classifyDestination({ url })).toMatchObject({ serviceId, category, matchedBy: 'url' });
    expect(classifyDestination({ url: elsewhere }).serviceId).toBe(siteId);
  });

  it('takes a subdomain of a big site with another function (grok.x.com) as its own service', () => {
    expect(classifyDestination({ url: 'https://grok.x.com/' })).toMatchObject({ serviceId: 'grok_x', category: 'ai_tools' });
    expect(classifyDestination({ url: 'https://x.com/home' }).serviceId).toBe('x_twitter');
  });

  it('matches whole path segments only', () => {
    expect(classifyDestination({ url: 'https://www.facebook.com/messagesfan' }).serviceId).toBe('facebook');
    expect(classifyDestination({ url: 'https://www.canva.com/aidan' }).serviceId).toBe('canva');
  });
});
