// Issue 16, item 3: the breadth pass over the long tail — well-known services of each kind the
// catalog lacked, sections of big sites whose function differs, and translation kept `other`.
import { describe, expect, it } from 'vitest';
import { BUILTIN_CATALOG } from '../../../src/core/destinations/catalog';
import { classifyDestination } from '../../../src/core/destinations/classify';
import { requiredTitleLiteral } from '../../../src/core/destinations/title-literals';

describe('long-tail services', () => {
  it.each([
    // regional and national webmail, and temporary mailboxes
    ['https://mail.de/', 'mail_de', 'email'],
    ['https://mail.nate.com/', 'nate_mail', 'email'],
    ['https://mail.21cn.com/w2/', 'mail_21cn', 'email'],
    ['https://qiye.163.com/login/', 'netease_qiye', 'email'],
    ['https://mail.goo.ne.jp/', 'goo_mail', 'email'],
    ['https://indamail.hu/', 'indamail', 'email'],
    ['https://correo.movistar.es/', 'movistar_correo', 'email'],
    ['https://mail.tm/en/', 'mail_tm', 'email'],
    ['https://webmail.orange.fr/appsuite/', 'orange_webmail', 'email'],
    // small file hosts and transfer sites
    ['https://oshi.at/', 'oshi_at', 'cloud_storage'],
    ['https://dropmefiles.com/', 'dropmefiles', 'cloud_storage'],
    ['https://fex.net/', 'fex_net', 'cloud_storage'],
    ['https://www.transferxl.com/', 'transferxl', 'cloud_storage'],
    ['https://www.lanzoui.com/abc123', 'lanzou_share', 'cloud_storage'],
    // newer AI assistants, AI search and generators
    ['https://komo.ai/', 'komo_ai', 'ai_tools'],
    ['https://www.perplexity.com/search', 'perplexity_com', 'ai_tools'],
    ['https://giga.chat/', 'gigachat', 'ai_tools'],
    ['https://julius.ai/chat', 'julius_ai', 'ai_tools'],
    ['https://app.pixverse.ai/', 'pixverse', 'ai_tools'],
    ['https://zhida.zhihu.com/', 'zhida_zhihu', 'ai_tools'],
    // alternative and federated social networks
    ['https://pawoo.net/@someone', 'pawoo', 'social_media'],
    ['https://lemmy.ca/c/canada', 'lemmy_ca', 'social_media'],
    ['https://infosec.pub/', 'infosec_pub', 'social_media'],
    ['https://deck.blue/', 'deck_blue', 'social_media'],
    ['https://coracle.social/notes', 'coracle', 'social_media'],
    ['https://www.facebook.com.br/', 'facebook_cc_domains', 'social_media'],
    // converters for one media type, and PDF tools
    ['https://www.mp3smaller.com/', 'mp3smaller', 'file_conversion'],
    ['https://www.mp4compress.com/', 'mp4compress', 'file_conversion'],
    ['https://products.aspose.app/words/conversion', 'aspose_apps', 'file_conversion'],
    ['https://www.ezyzip.com/', 'ezyzip', 'file_conversion'],
    ['https://pdfguru.com/', 'pdfguru', 'pdf_manager'],
    ['https://www.pdf4me.com/', 'pdf4me', 'pdf_manager'],
    // messaging, productivity, hosting and code
    ['https://web.groupme.com/chats', 'groupme', 'messaging'],
    ['https://meeting.tencent.com/', 'tencent_meeting', 'messaging'],
    ['https://www.kdocs.cn/latest', 'kdocs', 'productivity'],
    ['https://www.hostpoint.ch/', 'hostpoint', 'web_hosting'],
    ['https://www.modelscope.cn/models', 'modelscope', 'source_code_repository'],
    ['https://greasyfork.org/en/scripts', 'greasyfork', 'source_code_repository'],
    ['https://wenku.baidu.com/view/abc', 'baidu_wenku', 'cloud_storage'],
    ['https://www.studocu.com/en-us/document/x', 'studocu', 'cloud_storage'],
    ['https://creators.spotify.com/pod/dashboard', 'spotify_creators', 'social_media'],
    ['https://qiita.com/someone/items/1', 'qiita', 'social_media'],
  ])('%s → %s (%s)', (url, serviceId, category) => {
    expect(classifyDestination({ url })).toMatchObject({ serviceId, category });
  });

  it('keeps translation tools `other` (product decision), even AI-backed ones', () => {
    for (const url of ['https://translate.kagi.com/', 'https://transmart.qq.com/', 'https://laratranslate.com/', 'https://immersivetranslate.com/']) {
      expect(classifyDestination({ url }).category, url).toBe('other');
      expect(classifyDestination({ url }).serviceId, url).toBeDefined();
    }
  });

  it('keeps the content pages of a new service `other` (site sections), naming the service', () => {
    expect(classifyDestination({ url: 'https://help.pdfguru.com/en/' })).toMatchObject({ serviceId: 'pdfguru', category: 'other', matchedBy: 'section' });
    expect(classifyDestination({ url: 'https://www.mp3smaller.com/blog/' })).toMatchObject({ category: 'other', matchedBy: 'section' });
  });
});

describe('sections of big sites whose function differs', () => {
  it.each([
    ['https://message.bilibili.com/#/whisper', 'bilibili_messages', 'messaging', 'https://www.bilibili.com/video/BV1xx', 'bilibili'],
    ['https://mesg.ebay.com/mesgweb/ViewMessages/0', 'ebay_messages', 'messaging', 'https://www.ebay.com/itm/1', 'ebay'],
    ['https://www.xing.com/chats', 'xing_chats', 'messaging', 'https://www.xing.com/jobs', 'xing'],
    ['https://www.patreon.com/messages', 'patreon_messages', 'messaging', 'https://www.patreon.com/home', 'patreon'],
    ['https://www.bing.com/images/create', 'bing_image_creator', 'ai_tools', 'https://www.bing.com/images/search?q=x', undefined],
    ['https://www.canva.com/dream-lab', 'canva_dream_lab', 'ai_tools', 'https://www.canva.com/design/abc', 'canva'],
    ['https://github.com/spark', 'github_spark', 'ai_tools', 'https://github.com/sparkle-project/Sparkle', 'github'],
    ['https://mp.weixin.qq.com/s/abc', 'wechat_official_accounts', 'social_media', 'https://weixin.qq.com/', 'weixin'],
    ['https://hf.co/chat/', 'hf_chat_short', 'ai_tools', 'https://hf.co/meta-llama', 'hugging_face'],
    ['https://www.freepik.com/pikaso', 'freepik_ai', 'ai_tools', 'https://www.freepik.com/free-photos', undefined],
    ['https://www.linkedin.com/sales/inbox/123', 'linkedin_sales_inbox', 'messaging', 'https://www.linkedin.com/sales/home', 'linkedin'],
    ['https://imgflip.com/gif-maker', 'imgflip_gif', 'file_conversion', 'https://imgflip.com/memegenerator', 'imgflip'],
  ])('%s → %s (%s); %s stays %s', (url, serviceId, category, elsewhere, siteId) => {
    expect(classifyDestination({ url })).toMatchObject({ serviceId, category });
    expect(classifyDestination({ url: elsewhere }).serviceId).toBe(siteId);
  });
});

describe('the catalog after the breadth pass', () => {
  it('holds at least 2,500 services, with title rules for at least 200 self-hosted products and 100 path rules', () => {
    const services = BUILTIN_CATALOG.services;
    expect(services.length).toBeGreaterThanOrEqual(2500);
    expect(services.filter((s) => s.titles?.length).length).toBeGreaterThanOrEqual(200);
    expect(services.flatMap((s) => s.hosts).filter((h) => h.includes('/')).length).toBeGreaterThanOrEqual(100);
  });

  it('gives every new title rule a screening literal (a rule without one runs on every titled page of an unknown host)', () => {
    const unscreened = BUILTIN_CATALOG.services.flatMap((s) => (s.titles ?? []).filter((t) => requiredTitleLiteral(t) === undefined).map(() => s.id));
    expect([...new Set(unscreened)].sort()).toEqual(['alist', 'phabricator', 'rainloop']);
  });

  it('names no shared tenant suffix as a service host', () => {
    // A tenant suffix (pages.dev, vercel.app, sakura.ne.jp…) would put every site hosted there in one category.
    const tenantSuffixes = ['pages.dev', 'vercel.app', 'github.io', 'herokuapp.com', 'sakura.ne.jp', 'web.app', 'firebaseapp.com'];
    const hosts = BUILTIN_CATALOG.services.flatMap((s) => s.hosts.map((h) => h.split('/')[0]!));
    expect(hosts.filter((h) => tenantSuffixes.includes(h))).toEqual([]);
  });
});
