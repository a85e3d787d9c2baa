/**
 * Office Open XML, OpenDocument and EPUB are zip files told apart by their entries. Their names
 * sit in the local file headers at the start of the file, so the head shows them without
 * inflating anything: `mimetype` (stored uncompressed, first, by the OpenDocument and EPUB specs)
 * and the part folders of OOXML (word/, xl/, ppt/, visio/).
 */
import { hasSignature } from './signature';

/** A local file header's signature, "PK\3\4": also how a zip file starts. */
export const ZIP_LOCAL_HEADER = 'PK\u0003\u0004';

interface ZipVerdict {
  ext: string;
  mime: string;
}

const OPEN_DOCUMENT: Record<string, string> = {
  'application/vnd.oasis.opendocument.text': 'odt',
  'application/vnd.oasis.opendocument.text-template': 'ott',
  'application/vnd.oasis.opendocument.spreadsheet': 'ods',
  'application/vnd.oasis.opendocument.spreadsheet-template': 'ots',
  'application/vnd.oasis.opendocument.presentation': 'odp',
  'application/vnd.oasis.opendocument.presentation-template': 'otp',
  'application/vnd.oasis.opendocument.graphics': 'odg',
  'application/epub+zip': 'epub',
};

const OOXML: [folder: string, ext: string, macroExt: string, mime: string][] = [
  ['word/', 'docx', 'docm', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
  ['xl/', 'xlsx', 'xlsm', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
  ['ppt/', 'pptx', 'pptm', 'application/vnd.openxmlformats-officedocument.presentationml.presentation'],
  ['visio/', 'vsdx', 'vsdx', 'application/vnd.ms-visio.drawing'],
];

const MAX_ENTRIES = 200;

export function sniffZipEntries(head: Uint8Array): ZipVerdict | undefined {
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const decoder = new TextDecoder('utf-8', { fatal: false });
  let contentTypes = false;
  let at = 0;
  for (let entries = 0; entries < MAX_ENTRIES && at + 30 <= head.length; entries++) {
    if (!hasSignature(head, ZIP_LOCAL_HEADER, at)) {
      at = nextSignature(head, at + 1);
      if (at < 0) break;
      continue;
    }
    const flags = view.getUint16(at + 6, true);
    const method = view.getUint16(at + 8, true);
    const compressed = view.getUint32(at + 18, true);
    const nameLength = view.getUint16(at + 26, true);
    const extraLength = view.getUint16(at + 28, true);
    const nameStart = at + 30;
    if (nameStart + nameLength > head.length) break;
    const name = decoder.decode(head.subarray(nameStart, nameStart + nameLength));
    const dataStart = nameStart + nameLength + extraLength;
    if (name === 'mimetype' && method === 0 && compressed > 0 && compressed < 100 && dataStart + compressed <= head.length) {
      const mime = decoder.decode(head.subarray(dataStart, dataStart + compressed)).trim();
      const ext = OPEN_DOCUMENT[mime];
      if (ext) return { ext, mime };
    }
    if (name === '[Content_Types].xml') contentTypes = true;
    if (contentTypes) {
      for (const [folder, ext, macroExt, mime] of OOXML) {
        if (name.startsWith(folder)) return name === `${folder}vbaProject.bin` ? { ext: macroExt, mime } : { ext, mime };
      }
    }
    // Sizes are in the header unless bit 3 says a data descriptor follows: then search for the next header.
    at = (flags & 0x08) === 0 && compressed > 0 ? dataStart + compressed : nextSignature(head, dataStart);
    if (at < 0) break;
  }
  return undefined;
}

function nextSignature(head: Uint8Array, from: number): number {
  for (let i = head.indexOf(0x50, from); i >= 0 && i + 4 <= head.length; i = head.indexOf(0x50, i + 1)) {
    if (hasSignature(head, ZIP_LOCAL_HEADER, i)) return i;
  }
  return -1;
}
