/**
 * A company's own website describing what it sells (issue 16: `other` pages pulled into an upload
 * category by their words). Desktop software and the features of large sites are named with the
 * same words as online tools: "Movavi Video Converter" (a download), "Lenovo AI Assistant" (a
 * laptop feature), "AI assistant | Klarna US" at /us/ai-assistant/, "Secure File Transfer |
 * Kiteworks" at /secure-file-transfer/ (a product brochure). They sit on the company's main host
 * (www. or the bare domain) under a brand that does not itself say what tools do; an application
 * runs on a host of its own (transfer.acme…, chat.acme…, llm.acme…) and a small tool site is named
 * for what it does (heic2jpg…, sendbig…, chatpdf…). So on such a main host page-words.ts asks more:
 *
 * - a product name — the brand before the words in one segment ("Movavi Video Converter",
 *   "JetBrains AI Assistant") — names the product, not a tool in this page, unless the title says it
 *   works online ("Inkwell PDF Editor - Edit PDFs online");
 * - an AI or file-transfer title on a page whose only path segment spells its words
 *   ("/us/ai-assistant/", "/secure-file-transfer/") is the landing page of that feature or product.
 *
 * Pure, our own fixed expressions; asked only once a title rule would fire.
 */
import { registrableDomain } from './host-index';

/** Same as page-words' locale segment: "/de/…", "/en-us/…". */
const LOCALE = /^[a-z]{2}(?:[-_][a-z]{2,4})?$/;

/**
 * A host named for what tools do: file, transfer, send, share, upload, image, PDF, converter, video,
 * mail, chat, GPT, bot, an "ai" label or ending (deepai, felo.ai)… Such a host is the tool's own site.
 * ("ai" only at a label's edge: "jetbrains" and "mail" hold the letters, not the word.)
 */
const NAMED_FOR_TOOLS =
  /pdf|conver|img|image|photo|pic|video|audio|mp3|mp4|jpe?g|png|gif|heic|webp|compress|resiz|file|transfer|send|share|upload|drop|stor|cloud|drive|mail|chat|gpt|bot|llm|(?:^|[.-])ai(?:[.-]|$)|[a-z]ai\./;

export const namedForTools = (host: string) => NAMED_FOR_TOOLS.test(host);

/**
 * A company's main website: "www." (www2…) or the bare registrable domain, and not named for tools.
 * An intranet name or an address (http://assistant/, 10.0.0.5, [::1]) is an application's host.
 */
export function aVendorsMainSite(host: string): boolean {
  if (!host.includes('.') || host.startsWith('[') || /^[\d.]+$/.test(host)) return false;
  const bare = host.replace(/^www\d?\./, '');
  if (bare !== host) return !NAMED_FOR_TOOLS.test(bare);
  return registrableDomain(host) === host && !NAMED_FOR_TOOLS.test(host);
}

/** A title that says the tool works in the page: desktop software and brochures do not. */
const WORKS_ONLINE = /\bonline\b|\bin (?:your|the) browser\b|\bno (?:download|install)/i;

/**
 * "Movavi Video Converter", "Lenovo AI Assistant": `before` is what a segment holds before the
 * rule's words, every word of it filler or a word of the host (page-words' segment test); a word
 * that is not filler there is the brand.
 */
export function namesAProduct(before: string, title: string, isFiller: (word: string) => boolean): boolean {
  if (WORKS_ONLINE.test(title)) return false;
  return before
    .toLowerCase()
    .split(/[^\p{L}\p{N}&-]+/u)
    .some((word) => word !== '' && !isFiller(word) && !/^\d/.test(word));
}

/** The page's only path segment after any locale, without its extension ("/us/ai-assistant/" → "ai-assistant"), or undefined. */
function onlySegment(path: string): string | undefined {
  const parts = path.split('/').filter(Boolean);
  let from = 0;
  while (from < 2 && from < parts.length - 1 && LOCALE.test(parts[from]!)) from++;
  if (parts.length - from !== 1) return undefined;
  return parts[from]!.replace(/\.\w+$/, '').replace(/_/g, '-');
}

/** An AI or file-transfer feature's landing page: its only path segment spells the title's words ("/us/ai-assistant/" for "AI assistant"). */
export function aFeaturesLandingPage(path: string, words: string): boolean {
  const segment = onlySegment(path);
  if (segment === undefined) return false;
  const slug = words
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .join('-');
  return slug !== '' && segment.includes(slug);
}
