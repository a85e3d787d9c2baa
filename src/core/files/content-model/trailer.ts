/**
 * Signatures at the end of a file, which the head cannot show (src/core/files/disk-images.ts says
 * so): a DMG's "koly" block and a fixed VHD's "conectix" footer, both the last 512 bytes. They need
 * the file's true end: the tail, or the head when it holds the whole file.
 */
import { hasSignature } from '../signature';
import type { ContentOpinion } from './combine';
import type { FileBytes } from './features';

const TRAILERS = [
  { ext: 'dmg', mime: 'application/x-apple-diskimage', bytes: 'koly', name: 'Apple disk image (koly block at the end)' },
  { ext: 'vhd', mime: 'application/x-vhd', bytes: 'conectix', name: 'fixed VHD disk image (footer at the end)' },
] as const;

const FOOTER = 512;

/** The last 512 bytes of the file, when known. */
function lastSector({ head, tail, size }: FileBytes): Uint8Array | undefined {
  if (size < FOOTER) return undefined;
  if (head.length >= size) return head.subarray(size - FOOTER, size);
  return tail && tail.length >= FOOTER ? tail.subarray(tail.length - FOOTER) : undefined;
}

export function sniffTrailer(bytes: FileBytes): ContentOpinion | undefined {
  const sector = lastSector(bytes);
  if (!sector) return undefined;
  for (const t of TRAILERS) {
    if (hasSignature(sector, t.bytes)) return { ext: t.ext, mime: t.mime, category: 'virtual_disk_image', fromText: false, code: false, evidence: t.name };
  }
  return undefined;
}
