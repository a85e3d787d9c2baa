// Issue 16, item 3: path rules for sites whose sections differ (catalog/section-rules.json). A
// package's page on a registry, a question on a Q&A site, a listed product and a vendor's marketing
// pages are read, not uploaded to; the same sites' upload, publish and manage pages stay the
// service. Fixtures written for this test from how these sites are laid out; none is taken from an
// evaluation set.
import { describe, expect, it } from 'vitest';
import { BUILTIN_CATALOG } from '../../../src/core/destinations/catalog';
import { classifyDestination } from '../../../src/core/destinations/classify';
import { SectionRules, sectionRuleFor, SECTION_RULES, type RuleKind } from '../../../src/core/destinations/section-rules';
import { SECTION_KINDS } from '../../../src/core/destinations/site-sections';

/** [url, service whose site it is, kind of section] */
const READING_PAGES: [string, string, RuleKind][] = [
  ['https://www.npmjs.com/package/multer', 'npm_registry', 'package'],
  ['https://www.npmjs.com/package/@aws-sdk/client-s3', 'npm_registry', 'package'],
  ['https://pypi.org/project/boto3/', 'pypi', 'package'],
  ['https://test.pypi.org/project/example-pkg/', 'pypi', 'package'],
  ['https://crates.io/crates/serde', 'crates_io', 'package'],
  ['https://www.nuget.org/packages/Newtonsoft.Json/', 'nuget', 'package'],
  ['https://anaconda.org/conda-forge/numpy', 'anaconda_org', 'package'],
  ['https://hub.docker.com/_/postgres', 'docker_hub', 'package'],
  ['https://hub.docker.com/r/linuxserver/nextcloud', 'docker_hub', 'package'],
  ['https://sourceforge.net/projects/pdfsam/', 'sourceforge', 'package'],
  ['https://stackoverflow.com/questions/1234567/how-to-upload-a-file', 'stack_overflow', 'question'],
  // Every site of the network under stackexchange.com.
  ['https://unix.stackexchange.com/questions/12345/rsync-exclude', 'stack_overflow', 'question'],
  ['https://askubuntu.com/q/1400000', 'stack_exchange', 'question'],
  // Stack Overflow in other languages and the sites' meta sites.
  ['https://ru.stackoverflow.com/questions/1000000/x', 'stack_overflow', 'question'],
  ['https://meta.askubuntu.com/questions/20000/x', 'stack_exchange', 'question'],
  // After a locale.
  ['https://greasyfork.org/en/scripts/12345-youtube-tweaks', 'greasyfork', 'package'],
  ['https://www.producthunt.com/products/sendfast', 'producthunt', 'listing'],
  ['https://www.goodreads.com/book/show/12345.Cloud_Atlas', 'goodreads', 'listing'],
  ['https://www.kiteworks.com/', 'kiteworks', 'marketing'],
  ['https://www.kiteworks.com/secure-file-transfer/', 'kiteworks', 'marketing'],
  ['https://www.hostgator.com/email', 'hostgator', 'marketing'],
  ['https://mega.io/', 'mega', 'marketing'],
  ['https://www.box.com/resources/what-is-cloud-storage', 'box', 'marketing'],
  ['https://openai.com/chatgpt/enterprise/', 'openai_web', 'marketing'],
  ['https://www.anthropic.com/claude/sonnet', 'anthropic_web', 'marketing'],
  // After a locale.
  ['https://www.one.com/en/email', 'one_com', 'marketing'],
  ['https://www.ovhcloud.com/en-gb/emails/', 'ovhcloud', 'marketing'],
];

/** [url, service, category]: the same sites' own upload, publish and manage pages. */
const SERVICE_PAGES: [string, string, string][] = [
  ['https://www.nuget.org/packages/manage/upload', 'nuget', 'source_code_repository'],
  ['https://www.npmjs.com/package/multer/access', 'npm_registry', 'source_code_repository'],
  ['https://www.npmjs.com/package/@acme/ui/access', 'npm_registry', 'source_code_repository'],
  ['https://pypi.org/manage/project/boto3/releases/', 'pypi', 'source_code_repository'],
  ['https://pub.dev/packages/file_picker/admin', 'pub_dev', 'source_code_repository'],
  ['https://hub.docker.com/repository/docker/acme/api/general', 'docker_hub', 'source_code_repository'],
  ['https://sourceforge.net/projects/pdfsam/files/', 'sourceforge', 'source_code_repository'],
  ['https://stackoverflow.com/questions/ask', 'stack_overflow', 'social_media'],
  ['https://ru.stackoverflow.com/questions/ask', 'stack_overflow', 'social_media'],
  ['https://greasyfork.org/en/scripts/12345-youtube-tweaks/versions/new', 'greasyfork', 'source_code_repository'],
  ['https://greasyfork.org/en/script_versions/new', 'greasyfork', 'source_code_repository'],
  ['https://www.producthunt.com/posts/new', 'producthunt', 'social_media'],
  ['https://acme.kiteworks.com/#/files', 'kiteworks', 'cloud_storage'],
  ['https://www.idrive.com/idrive/home/', 'idrive', 'cloud_storage'],
  ['https://portal.hostgator.com/hosting', 'hostgator', 'web_hosting'],
  ['https://mega.nz/fm/', 'mega', 'cloud_storage'],
  ['https://app.box.com/folder/0', 'box', 'cloud_storage'],
  ['https://www.box.com/s/abc123', 'box', 'cloud_storage'],
  ['https://platform.openai.com/playground', 'openai_platform', 'ai_tools'],
  ['https://console.anthropic.com/workbench', 'anthropic_console', 'ai_tools'],
  // A hosting company's home page is where its customers sign in ("/*" leaves it).
  ['https://www.hostgator.com/', 'hostgator', 'web_hosting'],
  ['https://www.one.com/admin/', 'one_com', 'web_hosting'],
  ['https://www.one.com/en/admin/', 'one_com', 'web_hosting'],
  ['https://www.strato.de/apps/CustomerService', 'strato_hosting', 'web_hosting'],
];

/**
 * Quora and Zhihu as their tabs show them: [url, title, category, kind of section when `other`]. Their
 * reading pages (questions, answers, a Space's posts, column articles) are `other`; where a person
 * writes or posts (Quora's Answer tab, a Space's front page, Zhihu's editor and creator centre) and
 * the profiles stay social media, as Stack Overflow's /questions/ask and /users/ do.
 */
const QA_SITES: [string, string, string, RuleKind?][] = [
  ['https://www.quora.com/How-do-I-send-large-files-over-the-internet', 'How do I send large files over the internet? - Quora', 'other', 'question'],
  ['https://www.quora.com/Is-WeTransfer-safe/answer/Daniel-Moore-412', "Daniel Moore's answer to Is WeTransfer safe? - Quora", 'other', 'question'],
  ['https://www.quora.com/unanswered/Can-I-upload-a-PDF-to-Google-Drive', 'Can I upload a PDF to Google Drive? - Quora', 'other', 'question'],
  ['https://es.quora.com/Cu%C3%A1l-es-la-mejor-forma-de-enviar-archivos', '¿Cuál es la mejor forma de enviar archivos? - Quora', 'other', 'question'],
  ['https://fileshacks.quora.com/Five-ways-to-share-a-folder', 'Five ways to share a folder - File Hacks - Quora', 'other', 'question'],
  ['https://www.quora.com/', 'Quora - A place to share knowledge and better understand the world', 'social_media'],
  ['https://www.quora.com/answer', 'Answer - Quora', 'social_media'],
  ['https://www.quora.com/profile/Daniel-Moore-412', 'Daniel Moore - Quora', 'social_media'],
  ['https://fileshacks.quora.com/', 'File Hacks - Quora', 'social_media'],
  ['https://www.zhihu.com/question/28401937', '如何把大文件快速传给别人？ - 知乎', 'other', 'question'],
  ['https://www.zhihu.com/question/31542986/answer/2648815321', '百度网盘和阿里云盘哪个好用？ - 知乎', 'other', 'question'],
  ['https://www.zhihu.com/answer/2648815321', '百度网盘和阿里云盘哪个好用？ - 知乎', 'other', 'question'],
  ['https://zhuanlan.zhihu.com/p/651234987', '免费文件传输工具推荐 - 知乎', 'other', 'article'],
  ['https://www.zhihu.com/', '首页 - 知乎', 'social_media'],
  ['https://zhuanlan.zhihu.com/write', '写文章 - 知乎', 'social_media'],
  ['https://zhuanlan.zhihu.com/p/651234987/edit', '编辑文章 - 知乎', 'social_media'],
  ['https://www.zhihu.com/creator', '创作中心 - 知乎', 'social_media'],
  ['https://www.zhihu.com/people/zhang-san-42', '张三 - 知乎', 'social_media'],
];

describe('section rules: Quora and Zhihu', () => {
  it.each(QA_SITES)('%s ("%s") → %s %s', (url, title, category, kind) => {
    const result = classifyDestination({ url, title });
    const serviceId = url.includes('zhihu') ? 'zhihu' : 'quora';
    expect(result).toMatchObject({ category, serviceId, matchedBy: kind ? 'section' : 'domain' });
    expect(result.section?.kind).toBe(kind);
    if (kind) expect(result.section?.reason).toContain(SECTION_KINDS[kind]);
  });

  it('reads an answer under a question, not the Answer tab, and leaves Zhihu AI search its own service', () => {
    expect(sectionRuleFor('quora', 'www.quora.com', '/answer/requests')).toBeUndefined();
    expect(sectionRuleFor('quora', 'www.quora.com', '/why-is-the-sky-blue/answer/jane-doe')?.pattern).toBe('/*');
    // Quora's own endpoints (a Space's page posts to www.quora.com) stay Quora.
    expect(classifyDestination({ url: 'https://fileshacks.quora.com/', receiverUrl: 'https://www.quora.com/graphql/gql_para_POST?q=x' }).category).toBe(
      'social_media',
    );
    expect(classifyDestination({ url: 'https://zhida.zhihu.com/search/1' })).toMatchObject({ serviceId: 'zhida_zhihu', category: 'ai_tools' });
  });
});

describe('section rules: reading pages of sites whose sections differ', () => {
  it.each(READING_PAGES)('%s → other, on %s’s site (%s)', (url, serviceId, kind) => {
    const service = BUILTIN_CATALOG.services.find((s) => s.id === serviceId)!;
    expect(service.category).not.toBe('other');
    const result = classifyDestination({ url, title: 'A page' });
    expect(result).toMatchObject({ category: 'other', serviceId, serviceName: service.name, matchedBy: 'section' });
    expect(result.section?.kind).toBe(kind);
    expect(result.section?.reason).toContain(service.name);
    expect(result.section?.reason).toContain(SECTION_KINDS[kind]);
  });

  it.each(SERVICE_PAGES)('%s → %s (%s): the service’s own page', (url, serviceId, category) => {
    const result = classifyDestination({ url, title: 'A page' });
    expect(result).toMatchObject({ serviceId, category });
    expect(result.section).toBeUndefined();
  });

  it('gives way to an admin’s custom destination for the host', () => {
    const customDestinations = [{ id: 'npm_registry', hosts: ['npmjs.com'] }];
    expect(classifyDestination({ url: 'https://www.npmjs.com/package/multer' }, { customDestinations })).toMatchObject({
      category: 'source_code_repository',
      matchedBy: 'domain',
    });
  });

  it('reads paths by whole segments: "/package/*" is not /packages, "/*" is not the home page', () => {
    expect(sectionRuleFor('npm_registry', 'www.npmjs.com', '/packages/x')).toBeUndefined();
    expect(sectionRuleFor('npm_registry', 'www.npmjs.com', '/package')).toBeUndefined();
    expect(sectionRuleFor('npm_registry', 'docs.npmjs.com', '/package/x')).toBeUndefined();
    expect(sectionRuleFor('hostgator', 'www.hostgator.com', '/')).toBeUndefined();
    expect(sectionRuleFor('one_com', 'www.one.com', '/en/')).toBeUndefined();
    expect(sectionRuleFor('hostgator', 'www.hostgator.com', '/web-hosting')?.pattern).toBe('/*');
  });

  it('names only catalog services and their own hosts, one rule per service and kind', () => {
    const rule = { kind: 'package', service: 'npm_registry', hosts: ['npmjs.com'], paths: ['/package/*'], source: 'https://docs.npmjs.com/' };
    expect(SectionRules.safeParse({ rules: [rule] }).success).toBe(true);
    const refused = (changes: object) => SectionRules.safeParse({ rules: [{ ...rule, ...changes }] }).error?.issues[0]?.message;
    expect(refused({ service: 'no_such_service' })).toContain('not a catalog service');
    expect(refused({ hosts: ['yarnpkg.com'] })).toContain('not a host of npm_registry');
    expect(refused({ service: 'papago', hosts: ['papago.naver.com'] })).toContain('already other');
    expect(refused({ paths: ['package/*'] })).toContain('path pattern');
    expect(refused({ paths: ['/Package'] })).toContain('path pattern');
    expect(refused({ source: 'http://docs.npmjs.com/' })).toBeDefined();
    expect(SectionRules.safeParse({ rules: [rule, rule] }).error?.issues[0]?.message).toContain('two package rules');
    // The built-in rules load (the module parses them) and each says where its paths come from.
    expect(SECTION_RULES.length).toBeGreaterThan(20);
    for (const r of SECTION_RULES) expect(r.source).toMatch(/^https:\/\//);
  });
});
