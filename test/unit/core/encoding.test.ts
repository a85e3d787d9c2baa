// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { base64ToBytes, bytesToBase64, textToBase64 } from '../../../src/core/encoding/base64';
import { hasSignature } from '../../../src/core/files/signature';

describe('base64, both ways', () => {
  // Node 20 has no Uint8Array.toBase64/fromBase64: these run the fallback loops the browsers skip.
  it('round-trips every byte value, past one chunk of the fallback', () => {
    const bytes = Uint8Array.from({ length: 70_000 }, (_, i) => (i * 7919) & 0xff);
    const encoded = bytesToBase64(bytes);
    expect(encoded).toBe(Buffer.from(bytes).toString('base64'));
    expect(base64ToBytes(encoded)).toEqual(bytes);
    expect(base64ToBytes('')).toEqual(new Uint8Array(0));
  });

  it('encodes text as UTF-8 (HTTP Basic credentials)', () => {
    expect(textToBase64('admin:s3cret')).toBe(Buffer.from('admin:s3cret').toString('base64'));
    expect(textToBase64('josé:pässwörd')).toBe(Buffer.from('josé:pässwörd', 'utf8').toString('base64'));
  });
});

describe('hasSignature', () => {
  const head = Uint8Array.from([0x25, 0x50, 0x44, 0x46, 0x2d, 0x31, 0x00, 0xff]);
  it.each([
    ['a string at the start', '%PDF-', 0, true],
    ['byte values at an offset', [0x31, 0x00, 0xff], 5, true],
    ['a byte-valued character', '\u00ff', 7, true],
    ['a different byte', '%PDF+', 0, false],
    ['a signature running past the head', [0xff, 0x00], 7, false],
    ['a negative offset', '%', -1, false],
    ['the empty signature', '', 8, true],
  ] as const)('%s', (_name, signature, offset, expected) => {
    expect(hasSignature(head, signature, offset)).toBe(expected);
  });
});
