/**
 * base64, the one codec: file heads travel from the content script to the background as base64
 * (Chrome serialises runtime messages as JSON, where a Uint8Array balloons), and HTTP Basic
 * credentials are base64 of UTF-8. Native Uint8Array.toBase64/fromBase64 (Chrome 140+,
 * Firefox 133+) are an order of magnitude faster than the fallback loops.
 */
interface NativeBase64 {
  toBase64?: () => string;
}
const nativeFromBase64 = (Uint8Array as unknown as { fromBase64?: (s: string) => Uint8Array }).fromBase64;

/** Fallback only: String.fromCharCode takes its arguments on the stack, so bytes go in chunks. */
const CHUNK = 0x8000;

export function bytesToBase64(bytes: Uint8Array): string {
  const toBase64 = (bytes as NativeBase64).toBase64;
  if (typeof toBase64 === 'function') return toBase64.call(bytes);
  let binary = '';
  for (let i = 0; i < bytes.length; i += CHUNK) binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  return btoa(binary);
}

export function base64ToBytes(b64: string): Uint8Array {
  if (typeof nativeFromBase64 === 'function') return nativeFromBase64(b64);
  const binary = atob(b64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** base64 of the UTF-8 bytes of a string (HTTP Basic credentials, RFC 7617). */
export function textToBase64(text: string): string {
  return bytesToBase64(new TextEncoder().encode(text));
}
