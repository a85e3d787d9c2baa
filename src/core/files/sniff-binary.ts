/**
 * Binary formats by their signatures: the file-type package for the common ones (it also tells
 * Office Open XML and OpenDocument apart by their zip entries), plus OLE compound files and disk
 * images it does not name. Only `head` is read.
 */
import { FileTypeParser } from 'file-type/core';
import { isCfb, sniffCfb } from './cfb';
import { sniffDiskImage } from './disk-images';
import { hasSignature } from './signature';
import { sniffZipEntries, ZIP_LOCAL_HEADER } from './zip-entries';

export interface BinaryVerdict {
  /** Canonical extension of the format (docx, exe, png, cfb, zip…). */
  ext: string;
  mime: string;
  evidence: string;
}

const PE_SIGNATURE = 'PE\u0000\u0000';
const GZIP_DEFLATE = [0x1f, 0x8b, 0x08];
/** gettext .mo magic 0x950412de, in either byte order. */
const GETTEXT_LE = [0xde, 0x12, 0x04, 0x95];
const GETTEXT_BE = [0x95, 0x04, 0x12, 0xde];

/** "MZ" alone is two letters a text file may start with; a PE has its "PE\0\0" header where e_lfanew points. */
function portableExecutableHeader(head: Uint8Array): 'pe' | 'mz-only' | 'not-pe' {
  if (head.length < 0x40) return 'mz-only';
  const offset = head[0x3c]! | (head[0x3d]! << 8) | (head[0x3e]! << 16) | (head[0x3f]! << 24);
  if (offset < 0x40 || offset + 4 > head.length) return offset >= 0x40 && offset < 0x10000000 ? 'mz-only' : 'not-pe';
  return hasSignature(head, PE_SIGNATURE, offset) ? 'pe' : 'not-pe';
}

const CFB_NAMES: Record<string, string> = {
  doc: 'Word 97-2003 document',
  xls: 'Excel 97-2003 workbook',
  ppt: 'PowerPoint 97-2003 presentation',
  msi: 'Windows Installer package',
  msg: 'Outlook message',
  vsd: 'Visio drawing',
  pub: 'Publisher document',
  cfb_encrypted: 'password-protected Office document',
  cfb: 'OLE compound file',
};

export async function sniffBinary(head: Uint8Array): Promise<BinaryVerdict | undefined> {
  if (head.length === 0) return undefined;
  const disk = sniffDiskImage(head);
  if (disk) return { ...disk, evidence: `${disk.ext.toUpperCase()} disk image signature` };
  if (isCfb(head)) {
    const cfb = sniffCfb(head);
    // The format name only: stream names come from inside the file and never leave the device (issue 15, item 6).
    const where = cfb.streams.length ? '' : ', directory beyond the head';
    return { ext: cfb.ext, mime: 'application/x-cfb', evidence: `${CFB_NAMES[cfb.ext]} (OLE compound file${where})` };
  }
  // Zip containers named by their entries without inflating anything; gzip without probing inside.
  if (hasSignature(head, ZIP_LOCAL_HEADER)) {
    const zip = sniffZipEntries(head);
    if (zip) return { ...zip, evidence: `${zip.ext.toUpperCase()} (zip entries)` };
  }
  if (hasSignature(head, GZIP_DEFLATE)) return { ext: 'gz', mime: 'application/gzip', evidence: 'GZIP signature' };
  // gettext catalogs: their string tables read to a model like executables or archives.
  if (hasSignature(head, GETTEXT_LE) || hasSignature(head, GETTEXT_BE)) {
    return { ext: 'mo', mime: 'application/x-gettext-translation', evidence: 'gettext message catalog signature' };
  }
  let found: { ext: string; mime: string } | undefined;
  try {
    // A parser per call: FileTypeParser keeps per-call state, and a shared one answered overlapping
    // calls (the files of one message, classified with Promise.all) with each other's formats.
    found = await new FileTypeParser().fromBuffer(head);
  } catch {
    // A truncated or malformed head: no binary verdict, the text analysis and the name still count.
    return undefined;
  }
  if (!found) return undefined;
  switch (found.ext) {
    case 'exe': {
      const pe = portableExecutableHeader(head);
      if (pe === 'not-pe') return undefined;
      return { ...found, evidence: pe === 'pe' ? 'Windows PE executable (MZ…PE header)' : 'DOS/Windows executable (MZ header)' };
    }
    // file-type calls any zlib stream that starts 78 01 a disk image; a DMG's real signature is at its end.
    case 'dmg':
      return undefined;
    case 'xml':
      // Left to the text analysis, which tells SVG, HTML and XML apart.
      return undefined;
    default:
      return { ...found, evidence: `${found.ext.toUpperCase()} signature (${found.mime})` };
  }
}
