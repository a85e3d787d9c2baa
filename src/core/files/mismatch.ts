/**
 * When does a file's name disagree with its content in a way that hides data? Both must be known
 * (a name without an extension, or one of category `other`, never mismatches). Two names of one
 * kind never mismatch (same category). The exceptions below are formats that legitimately wear
 * another name; each is documented by a test.
 */
import type { FileCategory } from '../schema/identifiers';

export interface ContentFacts {
  /** Canonical extension of the format found in the content. */
  ext: string;
  category: FileCategory;
  /** Found by text analysis rather than a binary signature. */
  fromText: boolean;
  /** A language detector's verdict (code or script), strong enough to call a plain-text name a disguise. */
  code: boolean;
}

/** Zip containers: a generic zip verdict (the head did not show which kind) fits every one of these names. */
const ZIP_BASED = new Set(
  (
    'docx docm dotx dotm xlsx xlsm xltx xltm xlam pptx pptm ppsx ppsm potx potm sldx thmx vsdx odt ott ods ots odp otp odg otg ' +
    'epub jar war ear apk aab xapk ipa xpi vsix nupkg whl crx kmz key pages numbers 3mf usdz cbz sketch xd ibooks appx msix ' +
    'hwpx oxps xps fig zipx'
  ).split(' '),
);
/** OLE compound files: a generic verdict fits every one of these. */
const CFB_BASED = new Set('doc dot xls xlt xla ppt pot pps msi msp mst msg vsd pub one'.split(' '));
/** Password-protected Office files are OLE files whatever their name says. */
const ENCRYPTED_OFFICE = new Set([...CFB_BASED, ...ZIP_BASED].filter((e) => /^(?:doc|dot|xl|pp|pot|sld|thmx)/.test(e)));
/** Legacy Office names are often given to HTML, XML, RTF or delimited text exports. */
const LEGACY_OFFICE_EXPORT = new Set(['xls', 'doc', 'xlt', 'dot']);
const TEXT_EXPORT_FORMATS = new Set(['html', 'xml', 'rtf', 'csv', 'tsv', 'txt']);
/** Names of plain text: code content under them is a disguise. */
const PLAIN_TEXT_NAMES = new Set(['txt', 'text', 'log', 'csv', 'tsv', 'md', 'markdown', 'rtf']);
/** Categories whose files are text; text content in them is normal unless the name says plain text and the content is code. */
const TEXTUAL: ReadonlySet<FileCategory> = new Set(['document', 'source_code', 'script', 'spreadsheet']);
/** Formats that are text but whose names are of binary kinds (kept as binary for the rule above). */
const BINARY_NAMES = new Set([...ZIP_BASED, ...CFB_BASED, 'pdf', 'xlsb', 'mobi', 'azw', 'azw3', 'djvu', 'chm', 'pst', 'ost']);

/** Pairs of formats that are one thing under two names. */
const SAME_THING: [content: string, names: string[]][] = [
  ['pdf', ['ai']], // Illustrator files are PDF
  ['mts', ['ts', 'm2ts']], // MPEG transport streams are .ts whatever TypeScript says
  ['ps', ['eps', 'ai']],
  ['xml', ['svg', 'plist', 'xsd', 'xsl', 'xslt', 'rss', 'atom', 'opml', 'fb2', 'abw', 'gpx', 'kml', 'dae', 'csproj', 'vbproj', 'vcxproj', 'config']],
  ['html', ['htm', 'xhtml', 'mht', 'mhtml', 'aspx', 'jsp', 'php']],
  ['json', ['ipynb', 'geojson', 'gltf', 'jsonl', 'ndjson', 'json5', 'har', 'webmanifest']],
  ['zip', ['zip']],
];

export function isMismatch(extension: string, categoryByExtension: FileCategory, content: ContentFacts | undefined): boolean {
  if (!content || !extension || categoryByExtension === 'other') return false;
  if (content.category === categoryByExtension) return false;
  // Sound and pictures in motion trade containers freely (an audio-only .mp4, an .ogg with video).
  if (isMedia(content.category) && isMedia(categoryByExtension)) return false;
  if (content.ext === 'zip' && ZIP_BASED.has(extension)) return false;
  if (content.ext === 'cfb' && CFB_BASED.has(extension)) return false;
  if (content.ext === 'cfb_encrypted' && ENCRYPTED_OFFICE.has(extension)) return false;
  // An Office document renamed .zip is still a zip: nothing hidden from a reader of the name.
  if (ZIP_BASED.has(content.ext) && extension === 'zip') return false;
  if (LEGACY_OFFICE_EXPORT.has(extension) && TEXT_EXPORT_FORMATS.has(content.ext)) return false;
  if (SAME_THING.some(([format, names]) => format === content.ext && names.includes(extension))) return false;
  if (content.fromText && TEXTUAL.has(categoryByExtension) && !BINARY_NAMES.has(extension)) {
    // Text under a text name: only code wearing a plain-text name hides anything.
    return content.code && PLAIN_TEXT_NAMES.has(extension) && (content.category === 'source_code' || content.category === 'script');
  }
  return true;
}

function isMedia(category: FileCategory): boolean {
  return category === 'audio' || category === 'video';
}
