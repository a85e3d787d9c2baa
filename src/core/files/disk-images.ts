/**
 * Virtual disk and forensic images that file-type does not know, by the signatures at their start.
 * Formats whose only signature is at the end of the file (a fixed VHD's footer, a DMG's koly
 * block) cannot be told from the head; their extension still classifies them.
 */
import { hasSignature } from './signature';

interface DiskSignature {
  ext: string;
  mime: string;
  offset: number;
  bytes: string;
}

const SIGNATURES: DiskSignature[] = [
  { ext: 'vmdk', mime: 'application/x-vmdk', offset: 0, bytes: 'KDMV' },
  { ext: 'vmdk', mime: 'application/x-vmdk', offset: 0, bytes: 'COWD' },
  { ext: 'vmdk', mime: 'application/x-vmdk', offset: 0, bytes: '# Disk DescriptorFile' },
  { ext: 'vhd', mime: 'application/x-vhd', offset: 0, bytes: 'conectix' },
  { ext: 'vhdx', mime: 'application/x-vhdx', offset: 0, bytes: 'vhdxfile' },
  { ext: 'qcow2', mime: 'application/x-qemu-disk', offset: 0, bytes: 'QFI\u00fb' },
  { ext: 'qed', mime: 'application/x-qemu-disk', offset: 0, bytes: 'QED\u0000' },
  { ext: 'vdi', mime: 'application/x-virtualbox-vdi', offset: 0, bytes: '<<< Oracle VM VirtualBox Disk Image >>>' },
  { ext: 'vdi', mime: 'application/x-virtualbox-vdi', offset: 0, bytes: '<<< Sun VirtualBox Disk Image >>>' },
  { ext: 'e01', mime: 'application/x-ewf', offset: 0, bytes: 'EVF\u0009\u000d\u000a\u00ff\u0000' },
  { ext: 'wim', mime: 'application/x-ms-wim', offset: 0, bytes: 'MSWIM\u0000\u0000\u0000' },
  // ISO 9660: the first volume descriptor at 32 KiB (needs a head of at least 32 KiB + 6 bytes).
  { ext: 'iso', mime: 'application/x-iso9660-image', offset: 0x8001, bytes: 'CD001' },
  { ext: 'iso', mime: 'application/x-iso9660-image', offset: 0x8801, bytes: 'CD001' },
  { ext: 'iso', mime: 'application/x-iso9660-image', offset: 0x9001, bytes: 'CD001' },
  // UDF without an ISO 9660 bridge.
  { ext: 'iso', mime: 'application/x-iso9660-image', offset: 0x8001, bytes: 'BEA01' },
];

export function sniffDiskImage(head: Uint8Array): { ext: string; mime: string } | undefined {
  for (const s of SIGNATURES) if (hasSignature(head, s.bytes, s.offset)) return { ext: s.ext, mime: s.mime };
  return undefined;
}
