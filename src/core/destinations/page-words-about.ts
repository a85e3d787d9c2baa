/**
 * When a page is about something rather than being it (issue 16: `other` pages pulled into an
 * upload category by their words): page-words.ts uses none of a title's words, and no tool slug of
 * its address, when the title reads as an article, a help page, a listing, a question or a work
 * ("File Transfer (2023) - IMDb"), or the address is a shop's product, a job ad, an article or a
 * wiki entry. Pure, our own fixed expressions.
 */

/** Same as page-words' locale segment: "/de/…", "/en-us/…". */
const LOCALE = /^[a-z]{2}(?:[-_][a-z]{2,4})?$/;

/** A title like this is about something, not the thing itself: articles, help, listings, questions. */
const NOT_THE_PAGE_ITSELF =
  /\?|\b(?:how|why|what|when|where|which|best|top \d+|\d+ (?:best|ways|tips)|vs\.?|versus|review|reviews|alternatives?|comparison|compared|guide|tutorial|tips|help|support|faq|docs|documentation|manual|api|sdk|reference|blog|news|forum|reddit|wikipedia|github|youtube|download|downloads|app store|google play|podcast|course|jobs?|careers|pricing|price|prices|plans|buy|shop|sale|deal|deals|announces?|launch(?:es|ed)?|released?|raises|acquires?|update|updates|changelog|release notes|cve-\d+|vulnerability|attack|breach|outage|status|terms|privacy|policy|login issues?|forums|encyclopedia|definitions?|meaning|glossary|dictionary|translation|for (?:windows|mac|macos|pc|linux)|archives|category|tagged|explained|library|libraries|cli|command[- ]line|plugins?|extensions?|add-?ons?|widgets?|components?|templates?|themes?)\b/i;

/**
 * The same, in the other languages people read the web in: a German, French or Polish article
 * about "Cloud Storage" or a "PDF Editor" borrows the English words for its topic, a non-English
 * encyclopedia names itself with an accent ("Wikipédia"), and a dictionary's entry translates them
 * ("file transfer - Deutsch-Übersetzung – Linguee Wörterbuch"; translation tools are `other`).
 */
const NOT_THE_PAGE_ITSELF_ELSEWHERE =
  /(?<![\p{L}\p{N}])(?:wikip[eé]dia|enciclop[eé]dia|encyclop[eé]die|die besten|im test|vergleich|anleitung|ratgeber|erklärt|was ist|meilleur(?:e)?s?|qu'est-ce|mejores|qué es|cómo|migliori|cos'è|melhores|o que é|de beste|wat is|najlepsze|getest|wörterbuch|übersetzung|dictionnaire|traduction|diccionario|traducción|dizionario|traduzione|dicionário|tradução|woordenboek|vertaling|słownik|tłumaczenie|t[ée]l[ée]charger|descargar|baixar|pobierz|scarica|herunterladen|downloaden|indir)(?=$|[^\p{L}])|википеди|скачать|维基百科|ウィキペディア|下载/iu;

/** "(2023)", "(1999)": a film's, a book's or a record's title. */
const A_WORKS_YEAR = /\((?:1[89]|20)\d\d\)/;

/**
 * First path segments (after a locale) of pages whose title names what they list, sell or write
 * about: a shop's product or category ("/products/cloud-storage", eBay's "/b/"), a film's or a
 * book's page ("/title/"), a job ad, an article, a wiki entry. The title's words are the subject
 * there, not what the page does. (Blogs, news and help are site sections: site-sections.ts.)
 */
const SUBJECT_PATHS = new Set(
  (
    'products product p dp b c category categories collections shop store item itm title titles book books movie movies film films show shows ' +
    'watch s search jobs job viewjob job-listing article artikel wiki story stories reviews review tag tags topic topics questions question ' +
    'threads thread definitions definition glossary encyclopedia dictionary'
  ).split(' '),
);

function firstPathSegment(path: string): string {
  const parts = path.split('/', 4).filter(Boolean);
  return (parts.length > 1 && LOCALE.test(parts[0]!) ? parts[1] : parts[0]) ?? '';
}

/**
 * A word of any path segment that files the page among a site's help, manuals or articles, where
 * site-sections.ts does not see it (it reads first segments and subdomains):
 * "/en/online/online_help", "/support/product/readynas/user_guide/file-sharing".
 */
const HELP_IN_PATH = /(?:^|[/_.-])(?:help|support|faqs?|manual|manuals|docs|documentation|guide|guides|user-?guides?|kb|knowledgebase|tutorials?)(?=$|[/_.-])/;

/** A title that reads as being about something (an article, a listing, a work), on such an address. */
export function aboutSomething(head: string, path: string): boolean {
  return (
    NOT_THE_PAGE_ITSELF.test(head) ||
    NOT_THE_PAGE_ITSELF_ELSEWHERE.test(head) ||
    A_WORKS_YEAR.test(head) ||
    SUBJECT_PATHS.has(firstPathSegment(path)) ||
    HELP_IN_PATH.test(path)
  );
}

/** Reviews and comparisons name a product in their title: "SFTPGo Reviews - G2", "Perplexica Alternatives". */
const A_REVIEW = /\b(?:reviews|alternatives?|vs\.?|versus|comparison|compared)\b/i;

/**
 * A title that names self-hosted software because it is about it — its encyclopedia entry, a review
 * or a comparison ("BigBlueButton - Wikipedia") — not the software's own page. The catalog's title
 * rules take the product's name with any site name around it, so classify.ts asks this first. The
 * product's own titles carry none of these words ("Gerrit Code Review" is singular).
 */
export function namesAProductItIsAbout(title: string): boolean {
  return NOT_THE_PAGE_ITSELF_ELSEWHERE.test(title) || A_REVIEW.test(title);
}

/**
 * A search query or a listing's filter in the address (?q=, ?s=, ?text=, ?wd=, ?tag=, ?category=…): a results page, whose
 * title repeats what was searched for ("mp4 to mp3 - Qwant", "You searched for heic to jpg"). Its
 * words are the visitor's, not what the page does. Read from the raw URL, only once a page word
 * would fire.
 */
const SEARCH_QUERY = /[?&](?:q|query|s|search|search_query|searchterm|keywords?|k|wd|text|term|st|tag|tags|category|topic)=[^&#]/i;

export function isSearchResults(url: string): boolean {
  const hash = url.indexOf('#');
  const query = url.indexOf('?');
  return query >= 0 && (hash < 0 || query < hash) && SEARCH_QUERY.test(hash < 0 ? url.slice(query) : url.slice(query, hash));
}

/**
 * An article's address: a last segment of at least four words joined by hyphens that ends in a
 * page extension or a long number, as news and review sites name their articles
 * ("/tests/synology-diskstation-ds224-im-test-9000000.html"). An application's routes are not made
 * of prose.
 */
const ARTICLE_SLUG = /\/[a-z0-9]+(?:-[a-z0-9]+){3,}(?:\.s?html?|-\d{5,})\/?$/;

export function isArticleAddress(path: string): boolean {
  return ARTICLE_SLUG.test(path);
}

/**
 * Institutions' sites: a university's or a public body's page about one of its services ("Cloud
 * storage | IT Services", "Send large files | Australian Taxation Office") sits in the site's tree;
 * the service itself runs on a host of its own (filesender.uni.example, webmail.univ.edu).
 */
const INSTITUTION_HOST =
  /\.(?:edu|gov|mil)(?:\.[a-z]{2})?$|\.(?:ac|gob|gouv|govt|go|gv)\.[a-z]{2}$|(?:^|\.)(?:uni|univ|tu|fh)-[a-z0-9-]+\.[a-z]{2,}$|(?:^|\.)(?:nhs\.uk|europa\.eu|admin\.ch|bund\.de|canada\.ca)$/;

/**
 * A page a site files among its own pages under the words its title names: an institution's page
 * anywhere but its front page, or a page at least two segments deep (after a locale) whose last
 * segment spells the words ("/tag/ai-assistant", "/services/transfer-large-files/", a forum's
 * "/threads/200000-send-large-files.html"). A tool sits at the top of its site ("/heic-to-jpg");
 * one filed by kind keeps its tool's slug (`isToolSlug`: "/image/heic-to-jpg/"), one filed under a
 * tools folder is one ("/tools/pdf-editor").
 */
const TOOL_FOLDERS: ReadonlySet<string> = new Set(['tools', 'tool', 'app', 'apps', 'online', 'convert', 'converter', 'converters']);

export function placedInASite(host: string, path: string, words: string, isToolSlug: (segment: string) => boolean): boolean {
  const parts = path.split('/').filter(Boolean);
  if (parts.length > 0 && !/^index\.\w+$/.test(parts[0]!) && INSTITUTION_HOST.test(host)) return true;
  let from = 0;
  while (from < 2 && from < parts.length - 1 && LOCALE.test(parts[from]!)) from++;
  if (parts.length - from < 2) return false;
  // A site that files its tools under a folder says so ("/tools/pdf-editor", "/online/compress-pdf").
  for (let i = from; i < parts.length - 1; i++) if (TOOL_FOLDERS.has(parts[i]!)) return false;
  const last = parts[parts.length - 1]!.replace(/\.\w+$/, '').replace(/_/g, '-');
  const slug = words
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .join('-');
  return slug !== '' && last.includes(slug) && !isToolSlug(last);
}

/** Words of a tool's slug that say nothing of what it does. */
const SLUG_GLUE = new Set(['to', 'into', 'converter', 'conversion', 'online', 'html', 'htm', 'php', 'asp', 'aspx']);

const squeeze = (text: string) =>
  text
    .toLowerCase()
    .replace(/jpeg/g, 'jpg')
    .replace(/[^\p{L}\p{N}]+/gu, '');

/**
 * A tool's slug in the address ("/heic-to-jpg", "/merge-pdf", "/file-sharing") names the page only
 * when its title does not say the page is something else: the title is the site's own name and
 * filler ("PDFKit"), or it holds every word of the slug ("HEIC in JPG umwandeln" at /de/heic-to-jpg).
 * "Members' gallery | Photo Club" at /file-sharing or "Bookshop - eBooks and PDFs" at /pdf-to-word
 * are pages of their own that a site happens to file there.
 */
export function titleBacksSlug(head: string, host: string, segment: string, onlyFiller: (rest: string, host: string) => boolean): boolean {
  if (onlyFiller(head, host)) return true;
  const title = squeeze(head);
  const words = segment
    .toLowerCase()
    .replace(/\.\w+$/, '')
    .split(/[-_.]+|(?<=[a-z])2(?=[a-z])/)
    .filter((w) => w !== '' && !SLUG_GLUE.has(w));
  return words.length > 0 && words.every((w) => title.includes(squeeze(w.length > 3 ? w.replace(/s$/, '') : w)));
}
