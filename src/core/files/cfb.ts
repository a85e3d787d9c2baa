/**
 * Legacy Office and other OLE compound files (CFB: doc, xls, ppt, msi, msg, vsd, pub) share one
 * signature; what they are is written in their directory stream. This reads the directory as far
 * as the head reaches (following the FAT chain inside the head) and names the format by its streams.
 */
import { hasSignature } from './signature';

const SIGNATURE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const END_OF_CHAIN = 0xfffffffe;
/** Root storage CLSID of Windows Installer packages: {000C1084-0000-0000-C000-000000000046}. */
const MSI_CLSID = [0x84, 0x10, 0x0c, 0x00, 0x00, 0x00, 0x00, 0x00, 0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46];
/** A CFB never needs more directory sectors than this from a 64 KiB head; it bounds hostile chains. */
const MAX_DIRECTORY_SECTORS = 128;

export interface CfbVerdict {
  /** The canonical extension of the format, or 'cfb' when the head does not show the directory. */
  ext: string;
  streams: string[];
}

export function isCfb(head: Uint8Array): boolean {
  return head.length >= 512 && hasSignature(head, SIGNATURE);
}

const STREAM_FORMATS: [name: string, ext: string][] = [
  ['WordDocument', 'doc'],
  ['Workbook', 'xls'],
  ['Book', 'xls'],
  ['PowerPoint Document', 'ppt'],
  ['__properties_version1.0', 'msg'],
  ['VisioDocument', 'vsd'],
  ['Quill', 'pub'],
  ['EncryptedPackage', 'cfb_encrypted'],
];

export function sniffCfb(head: Uint8Array): CfbVerdict {
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const sectorShift = view.getUint16(0x1e, true);
  if (sectorShift !== 9 && sectorShift !== 12) return { ext: 'cfb', streams: [] };
  const sectorSize = 1 << sectorShift;
  const sectorOffset = (id: number) => (id + 1) * sectorSize;
  const difat = (i: number) => view.getUint32(0x4c + i * 4, true);

  /** The next sector of a chain, when the FAT sector holding it lies inside the head. */
  const next = (id: number): number | undefined => {
    const perSector = sectorSize / 4;
    const fatIndex = Math.floor(id / perSector);
    if (fatIndex >= 109) return undefined;
    const fatSector = difat(fatIndex);
    const at = sectorOffset(fatSector) + (id % perSector) * 4;
    return at + 4 <= head.length ? view.getUint32(at, true) : undefined;
  };

  const streams: string[] = [];
  let rootIsMsi = false;
  let sector: number | undefined = view.getUint32(0x30, true);
  for (let visited = 0; sector !== undefined && sector < END_OF_CHAIN && visited < MAX_DIRECTORY_SECTORS; visited++) {
    const start = sectorOffset(sector);
    if (start + sectorSize > head.length) break;
    for (let entry = start; entry + 128 <= start + sectorSize; entry += 128) {
      const nameLength = view.getUint16(entry + 0x40, true);
      const type = head[entry + 0x42];
      if (nameLength < 2 || nameLength > 64 || type === 0) continue;
      let name = '';
      for (let i = 0; i < nameLength / 2 - 1; i++) name += String.fromCharCode(view.getUint16(entry + i * 2, true));
      if (type === 5) rootIsMsi = hasSignature(head, MSI_CLSID, entry + 0x50);
      else streams.push(name);
    }
    sector = next(sector);
  }
  if (rootIsMsi) return { ext: 'msi', streams };
  for (const [name, ext] of STREAM_FORMATS) if (streams.includes(name)) return { ext, streams };
  return { ext: 'cfb', streams };
}
