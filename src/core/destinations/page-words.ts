/**
 * The generic fallback for hosts the catalog does not know (issue 16, item 3): a few words of the
 * page itself — its title and its path — that name what the page is for ("Webmail", "Send large
 * files", "HEIC to JPG", "/merge-pdf", "/-/merge_requests"). Cautious by construction:
 *
 * - a title rule looks at one segment of the title at a time (the parts between " - ", " | ",
 *   ": " …), and the segment must be the words and nothing else but filler ("free", "online",
 *   "up to 20 GB", "converter"…) or the site's own name (a word of its host): "Send large files up
 *   to 20 GB" is a file-transfer page, "Ransomware gang exploits file transfer software flaw" is not;
 * - a title that reads as an article, a help page, a listicle or a question is never used
 *   (page-words-about.ts), nor one on an address of an article, a listing or a work ("/products/…");
 * - a path rule needs a whole path segment to be the words, and (but for GitLab's "/-/" and
 *   WordPress's "/wp-admin") the first segment or the one after a locale ("/de/heic-to-jpg"), so
 *   "/blog/convert-heic-to-jpg-on-iphone" and "/wiki/Webmail" are not tools; and a tool's slug
 *   counts only when the title does not say the page is something else ("Members' gallery" at
 *   /file-sharing);
 * - on a company's main site a product name or a feature's landing page is not a tool
 *   (page-words-vendor.ts: "Movavi Video Converter", "AI assistant | Klarna US").
 *
 * Pure and cheap: our own fixed expressions (no catastrophic shapes), on a title cut to
 * TITLE_MATCH_CHARS characters.
 */
import { aboutSomething, placedInASite, titleBacksSlug } from './page-words-about';
import { isToolSlug } from './page-words-formats';
import { EMAIL_ADDRESS, PAGE_WORD_RULES, type PageWordRule, type PageWordsMatch } from './page-words-rules';
import { isFillerWord, onlyFiller, segments, type Segment } from './page-words-segments';
import { aFeaturesLandingPage, aVendorsMainSite, namedForTools, namesAProduct } from './page-words-vendor';
import { boundedTitle } from './title-patterns';

export { PAGE_WORD_RULES, type PageWordRule, type PageWordsMatch, type UploadCategory } from './page-words-rules';

const RULES_BY_WHERE = {
  title: PAGE_WORD_RULES.filter((r) => r.where === 'title segment'),
  host: PAGE_WORD_RULES.filter((r) => r.where === 'host label'),
  path: PAGE_WORD_RULES.filter((r) => r.where === 'path segment'),
};
const GITLAB_AFTER_DASH = new Set(['tree', 'blob', 'merge_requests', 'commits', 'commit', 'pipelines', 'raw', 'snippets', 'issues', 'wikis']);
const ANY_DEPTH = new Set(['gitlab_path', 'wp_admin_path']);
const LOCALE = /^[a-z]{2}(?:[-_][a-z]{2,4})?$/;

/**
 * Every title rule needs one of these; most titles have none, and then nothing else runs (the
 * classifier's budget is about 2 µs per call). It must stay a superset of the rules' words: a rule
 * added without its word here never fires (the true cases in the unit test would fail).
 */
const TITLE_SCREEN =
  /mail|inbox|posteingang|boîte|bandeja|posta|caixa|skrzynka|входящие|file|send|transfer|share|image|photo|upload|storage|pdf|to|2|→|->|convert|compress|resize|crop|\bai\b|chat/i;
/** Likewise for paths: every path rule's segment contains one of these. */
const PATH_SCREEN = /mail|owa|roundcube|rainloop|wp-admin|\/-\/|transfer|files|sharing|pdf|to|2/;

interface InSegment {
  /** The words the rule found ("Cloud storage"). */
  words: string;
  /** What the segment holds before them ("Movavi " of "Movavi Video Converter"). */
  before: string;
}

/** The rule's words when `text` is them and nothing else but filler or the site's own name. */
function segmentIs(rule: PageWordRule, text: string, host: string): InSegment | undefined {
  const found = rule.find(text);
  if (!found || found === true) return undefined;
  const before = text.slice(0, found.index);
  const rest = before + ' ' + text.slice(found.index + found[0].length);
  // The address is the account's own name in a mailbox title ("Inbox (3) - jane@acme.example").
  return onlyFiller(rule.id === 'inbox_with_address' ? rest.replace(EMAIL_ADDRESS, ' ') : rest, host) ? { words: found[0], before } : undefined;
}

/**
 * "Webmail: Anbieter, Sicherheit und Alternativen", "Cloud Storage : les meilleurs services…": the
 * words head an article whose text follows the colon. A tool's own title goes on about itself
 * after a colon ("PDF Editor: Edit PDF files online") or says nothing more ("Drop: Secure file sharing").
 */
function headsAnArticle(part: Segment, host: string): boolean {
  return saysMore(part.afterColon, host) || saysMore(part.beforeColon, host);
}

/**
 * Words beside a colon that are neither filler, the site's name nor a tool's words themselves. After
 * the tool's words, an article's text; before them, the heading of a listing the words are a
 * category of ("Self-hosted apps: File sharing", "Software: Cloud storage"). A tool names itself
 * there ("Drop: Secure file sharing").
 */
function saysMore(beside: string | undefined, host: string): boolean {
  return beside !== undefined && !onlyFiller(beside, host) && !RULES_BY_WHERE.title.some((rule) => segmentIs(rule, beside, host) !== undefined);
}

interface TitleMatch extends PageWordsMatch {
  /** The words the rule found ("Cloud storage"). */
  words: string;
  /** Some segment the rules match puts a brand before the words ("Movavi Video Converter"), webmail aside. */
  branded: boolean;
}

/** A webmail's own title names its provider ("Posteo Webmail", "STRATO Webmail"); only other tools' products are brochures. */
const MAILBOX_RULES = new Set(['webmail_title', 'inbox_with_address']);
/** The rules whose words large sites also use for a feature's landing page ("AI assistant | Klarna US", "Secure File Transfer | Kiteworks"). */
const FEATURE_RULES = new Set(['ai_title', 'file_transfer_title', 'upload_title']);

/** The title's match; `about` when its words head an article ("Webmail: Anbieter, Sicherheit…"). */
function byTitle(head: string, host: string): TitleMatch | 'about' | undefined {
  if (!TITLE_SCREEN.test(head)) return undefined;
  const parts = segments(head);
  let heading = false;
  let found: TitleMatch | undefined;
  let branded = false;
  for (const rule of RULES_BY_WHERE.title) {
    if (rule.id === 'inbox_with_address' && !EMAIL_ADDRESS.test(head)) continue;
    for (const part of parts) {
      const match = segmentIs(rule, part.text, host);
      if (match === undefined) continue;
      if (!MAILBOX_RULES.has(rule.id) && match.before.trim() !== '') branded ||= namesAProduct(match.before, head, isFillerWord);
      if (headsAnArticle(part, host)) heading = true;
      else found ??= { category: rule.category, rule: rule.id, words: match.words, branded: false };
    }
  }
  if (found) return { ...found, branded };
  return heading ? 'about' : undefined;
}

/**
 * Rules that read an application's own route, not a page's name: a webmail host or path, GitLab's
 * "/-/", WordPress's "/wp-admin". A tool's slug ("/merge-pdf") is not one: in a blog it names a post.
 */
const APPLICATION_ROUTES = new Set(['webmail_host', 'webmail_path', 'gitlab_path', 'wp_admin_path']);

/**
 * The routes that still name the application when the title says the page is about something:
 * GitLab's "/-/" and "/wp-admin" are nobody's topic, but "/webmail/" is also where a site files its
 * article about webmail ("Webmail: Anbieter, Sicherheit und Alternativen"). A webmail's own pages
 * are titled for the mailbox or the login, never as an article.
 */
const ROUTES_UNDER_AN_ARTICLE = new Set(['gitlab_path', 'wp_admin_path']);

interface PathMatch extends PageWordsMatch {
  /** The path segment that named it ("heic-to-jpg"). */
  segment: string;
}

function byPath(path: string, only?: ReadonlySet<string>): PathMatch | undefined {
  if (!PATH_SCREEN.test(path)) return undefined;
  const parts = path.split('/').filter(Boolean);
  // Tools live at the top of their site, or under a locale: "/heic-to-jpg", "/de/heic-to-jpg".
  const top = parts.length > 1 && LOCALE.test(parts[0]!) ? 2 : 1;
  for (const rule of RULES_BY_WHERE.path) {
    if (only && !only.has(rule.id)) continue;
    const depth = ANY_DEPTH.has(rule.id) ? Math.min(parts.length, 12) : Math.min(parts.length, top);
    for (let i = 0; i < depth; i++) {
      if (!rule.find(parts[i]!)) continue;
      if (rule.id === 'gitlab_path' && !GITLAB_AFTER_DASH.has(parts[i + 1] ?? '')) continue;
      return { category: rule.category, rule: rule.id, segment: parts[i]! };
    }
  }
  return undefined;
}

/** A company's main site presenting a product or a feature under the title's words (page-words-vendor.ts). */
function presentedByAVendor(host: string, path: string, named: TitleMatch): boolean {
  if (!named.branded && !(FEATURE_RULES.has(named.rule) && aFeaturesLandingPage(path, named.words))) return false;
  return aVendorsMainSite(host);
}

/**
 * The upload category the page's own words name, or undefined. Only for a host the catalog does
 * not know (classify.ts decides that); `host` and `path` lower case as UrlParts gives them.
 */
export function classifyByPageWords(host: string, path: string, title: string | undefined): PageWordsMatch | undefined {
  const dot = host.indexOf('.');
  const first = dot < 0 ? host : host.slice(0, dot);
  for (const rule of RULES_BY_WHERE.host) if (rule.find(first)) return { category: rule.category, rule: rule.id };
  const head = title ? boundedTitle(title) : undefined;
  const found = head !== undefined ? byTitle(head, host) : undefined;
  // "Upload files" names a file host only on a host named for what tools do; elsewhere it is a step
  // of the site's own business (prints, claims, filings), and only the address may name a tool.
  const named = found !== undefined && found !== 'about' && found.rule === 'upload_title' && !namedForTools(host) ? undefined : found;
  // Asked only once some rule would fire (page-words-about.ts is the dearer check): a page about
  // something names no tool by its title, nor by its address's topic ("/merge-pdf" of "How to
  // merge PDFs"); only an application's own route still names it. Nor does a page that a site
  // files among its own pages under the title's words (/tag/ai-assistant, an institution's
  // /services/transfer-large-files): there the words are what the page is about.
  if (named !== undefined && named !== 'about') {
    if (aboutSomething(head!, path)) return byPath(path, ROUTES_UNDER_AN_ARTICLE);
    if (placedInASite(host, path, named.words, isToolSlug) || presentedByAVendor(host, path, named)) return byPath(path, APPLICATION_ROUTES);
    return { category: named.category, rule: named.rule };
  }
  if (named !== undefined) return byPath(path, ROUTES_UNDER_AN_ARTICLE);
  // A tool's slug speaks alone only when the title does not say the page is something else.
  const slug = byPath(path);
  if (!slug) return undefined;
  const alone =
    head === undefined || APPLICATION_ROUTES.has(slug.rule) || (!aboutSomething(head, path) && titleBacksSlug(head, host, slug.segment, onlyFiller));
  return alone ? { category: slug.category, rule: slug.rule } : undefined;
}

/**
 * The category an application's own route in the address names (APPLICATION_ROUTES: webmail,
 * GitLab's "/-/", "/wp-admin"), or undefined: such a page is the application even in a site's
 * content section (site-sections.ts), as a WordPress back office at /blog/wp-admin is.
 */
export function classifyByApplicationRoute(host: string, path: string): PageWordsMatch | undefined {
  const dot = host.indexOf('.');
  const first = dot < 0 ? host : host.slice(0, dot);
  for (const rule of RULES_BY_WHERE.host) if (APPLICATION_ROUTES.has(rule.id) && rule.find(first)) return { category: rule.category, rule: rule.id };
  return byPath(path, APPLICATION_ROUTES);
}
