// What the ISOLATED world accepts through the bridge: well-formed claims only.
import { describe, expect, it } from 'vitest';
import { parseBridgeFiles } from '../../../src/content/bridge-receiver';

const part = { blob: new Blob(['abc']), name: 'a.csv', size: 3, type: 'text/csv', lastModified: 5 };
const sentTo = { url: 'https://upload.example/x', bytes: 3, via: 'xhr' };

describe('parseBridgeFiles', () => {
  it('accepts a programmatic send with where it went', () => {
    const parsed = parseBridgeFiles({ channel: 'programmatic', parts: [part], sentTo });
    expect(parsed?.channel).toBe('programmatic');
    expect(parsed?.sentTo).toEqual(sentTo);
    expect(parsed?.files[0]!.file).toMatchObject({ name: 'a.csv', size: 3, type: 'text/csv', lastModified: 5 });
  });

  it('keeps the whole size of a body whose blob is only its head', () => {
    const parsed = parseBridgeFiles({ channel: 'programmatic', parts: [{ ...part, size: 1e6, anonymous: true }], sentTo });
    expect(parsed?.files[0]).toMatchObject({ size: 1e6, anonymous: true });
  });

  it.each([
    ['no object', null],
    ['a channel the bridge does not carry', { channel: 'file_picker', parts: [part] }],
    ['no parts', { channel: 'fs_access', parts: [] }],
    ['a part without a blob', { channel: 'fs_access', parts: [{ ...part, blob: 'abc' }] }],
    ['a negative size', { channel: 'fs_access', parts: [{ ...part, size: -1 }] }],
    ['a programmatic send without a destination', { channel: 'programmatic', parts: [part] }],
    ['an unknown way of sending', { channel: 'programmatic', parts: [part], sentTo: { ...sentTo, via: 'carrier-pigeon' } }],
  ])('refuses %s', (_label, detail) => {
    expect(parseBridgeFiles(detail)).toBeUndefined();
  });
});
