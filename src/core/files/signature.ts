/**
 * The one byte-signature matcher: does the head hold these bytes at this offset? A signature is
 * either a string of byte-valued characters ('%PDF-', 'QFI\u00fb') or a list of byte values.
 * A head too short to hold the signature does not match.
 */
export function hasSignature(head: Uint8Array, signature: string | readonly number[], offset = 0): boolean {
  if (offset < 0 || offset + signature.length > head.length) return false;
  if (typeof signature === 'string') {
    for (let i = 0; i < signature.length; i++) if (head[offset + i] !== signature.charCodeAt(i)) return false;
  } else {
    for (let i = 0; i < signature.length; i++) if (head[offset + i] !== signature[i]) return false;
  }
  return true;
}
