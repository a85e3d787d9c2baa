/**
 * The rules of the generic fallback (page-words.ts reads them): which words, where, name which
 * upload category. Each rule documents itself for docs/destinations.md.
 */
import type { DestinationCategory } from '../schema/identifiers';
import { FORMAT_PAIR_SEGMENT, PDF_ACTION_SEGMENT, isPair, isPdfPair, pairIn } from './page-words-formats';

export type UploadCategory = Exclude<DestinationCategory, 'unknown' | 'other'>;

export interface PageWordsMatch {
  category: UploadCategory;
  /** Which rule fired (PAGE_WORD_RULES[].id), for evidence and the docs. */
  rule: string;
}

export interface PageWordRule {
  id: string;
  category: UploadCategory;
  where: 'title segment' | 'path segment' | 'host label';
  /** What the rule looks for, in words, for docs/destinations.md. */
  words: string;
  /** Title rules: where the words are in a segment (the rest must be filler). Path and host rules: whether the segment is them. */
  find: (text: string) => RegExpExecArray | boolean | null;
}

export const EMAIL_ADDRESS = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/;

/** Title rules: `find` locates the words in one segment; everything else in that segment must be filler. */
export const PAGE_WORD_RULES: readonly PageWordRule[] = [
  { id: 'webmail_title', category: 'email', where: 'title segment', words: '"webmail"', find: (s) => /\bweb ?mail\b/i.exec(s) },
  {
    id: 'inbox_with_address',
    category: 'email',
    where: 'title segment',
    words: '"Inbox" (Posteingang, Boîte de réception, Bandeja de entrada…) when the title also holds an e-mail address',
    find: (s) => /\b(?:inbox|posteingang|boîte de réception|bandeja de entrada|posta in arrivo|caixa de entrada|skrzynka odbiorcza)\b|входящие/i.exec(s),
  },
  {
    id: 'file_transfer_title',
    category: 'cloud_storage',
    where: 'title segment',
    words:
      '"file transfer / sharing / hosting / exchange", "send / transfer / share (large) files", "image / photo hosting", "upload and share (your) files", "cloud / online storage"',
    find: (s) =>
      /\b(?:(?:secure |large |big )?file (?:transfer|sharing|exchange|hosting|host|locker|drop)|(?:send|transfer|share) (?:large |big |your )?(?:files|photos|videos)|(?:image|photo) (?:hosting|host)|upload and share (?:your )?(?:files|images|photos)|(?:cloud|online) storage)\b/i.exec(
        s,
      ),
  },
  {
    id: 'upload_title',
    category: 'cloud_storage',
    where: 'title segment',
    words:
      '"upload (your) files / images / photos", "file upload", on a host named for what tools do (file, upload, share, img, photo…): a print shop, an insurer or a court asks for uploads too',
    find: (s) => /\b(?:upload (?:your )?(?:files|images|photos)|file upload(?:er)?)\b/i.exec(s),
  },
  {
    id: 'pdf_title',
    category: 'pdf_manager',
    where: 'title segment',
    words: '"merge / split / compress / edit / sign / rotate / unlock … PDF", "PDF editor / tools / converter / compressor", a conversion to or from PDF',
    find: (s) => {
      const pair = pairIn(s);
      if (isPdfPair(pair)) return pair;
      return /\b(?:(?:merge|split|compress|edit|sign|rotate|unlock|protect|crop|organi[sz]e|annotate|fill|ocr|combine) pdfs?(?: files)?|pdf (?:editor|tools?|converter|merger|compressor|splitter|toolkit))\b/i.exec(
        s,
      );
    },
  },
  {
    id: 'format_pair_title',
    category: 'file_conversion',
    where: 'title segment',
    words:
      '"<format> to <format>" (HEIC to JPG, MP4 to MP3…, with "convert" or "converter" around it), "<media> converter / compressor / resizer", "compress / resize images / videos"',
    find: (s) =>
      pairIn(s) ??
      /\b(?:(?:file|image|photo|picture|video|audio|music|document|ebook|e-book|font|media|heic|webp|mp3|mp4) (?:converter|compressor|resizer)|(?:compress|resize|crop) (?:images?|photos?|jpe?gs?|pngs?|gifs?|videos?|mp4s?))\b/i.exec(
        s,
      ),
  },
  {
    id: 'ai_title',
    category: 'ai_tools',
    where: 'title segment',
    words:
      '"AI chat / chatbot / assistant", "chat with AI / PDF / your documents", "ask AI", "AI image / video / art / music / voice generator", "AI writer / humanizer / detector"',
    find: (s) =>
      /\b(?:ai (?:chat(?:bot)?|assistant|image generator|video generator|art generator|music generator|voice generator|writer|humani[sz]er|detector|search engine)|chat with (?:ai|pdfs?|your (?:pdfs?|documents?|docs|files|data))|ask ai)\b/i.exec(
        s,
      ),
  },
  { id: 'webmail_host', category: 'email', where: 'host label', words: 'a host whose first label is "webmail"', find: (s) => s === 'webmail' },
  {
    id: 'webmail_path',
    category: 'email',
    where: 'path segment',
    words: '"webmail", "owa", "roundcube", "squirrelmail", "rainloop", "snappymail"',
    find: (s) => /^(?:webmail|owa|roundcube|squirrelmail|rainloop|snappymail)$/.test(s),
  },
  {
    id: 'pdf_path',
    category: 'pdf_manager',
    where: 'path segment',
    words: '"merge-pdf", "compress-pdf", "split-pdf"… and "<format>-to-pdf" / "pdf-to-<format>"',
    find: (s) => PDF_ACTION_SEGMENT.test(s) || isPdfPair(FORMAT_PAIR_SEGMENT.exec(s)),
  },
  {
    id: 'format_pair_path',
    category: 'file_conversion',
    where: 'path segment',
    words: '"<format>-to-<format>" or "<format>2<format>" (heic-to-jpg, mp4-to-mp3, png2jpg)',
    find: (s) => isPair(FORMAT_PAIR_SEGMENT.exec(s)),
  },
  {
    id: 'file_transfer_path',
    category: 'cloud_storage',
    where: 'path segment',
    words: '"file-transfer", "filetransfer", "send-files", "share-files", "file-sharing"',
    find: (s) => /^(?:file-?transfer|send-files|share-files|file-sharing)$/.test(s),
  },
  {
    id: 'gitlab_path',
    category: 'source_code_repository',
    where: 'path segment',
    words: 'GitLab\'s "/-/" followed by tree, blob, merge_requests, commits, pipelines, raw, snippets, issues or wikis (at any depth)',
    find: (s) => s === '-',
  },
  {
    id: 'wp_admin_path',
    category: 'web_hosting',
    where: 'path segment',
    words: '"wp-admin", a WordPress back office and its media library (at any depth)',
    find: (s) => s === 'wp-admin',
  },
];
