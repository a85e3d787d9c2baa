// The bytes the content script sends of a file: its head (the first 64 KiB, 4 KiB past the first
// few files of an action) and, of a real file longer than that, its last 4 KiB; never the rest.
import { describe, expect, it, vi } from 'vitest';
import { readHeads, type CollectedFile } from '../../../src/content/file-head';
import { base64ToBytes } from '../../../src/core/encoding/base64';
import { LIMITS } from '../../../src/core/schema/limits';

/** Bytes that say where they sit in the file: byte i is i mod 251. */
function patterned(size: number, from = 0): Uint8Array<ArrayBuffer> {
  return Uint8Array.from({ length: size - from }, (_, i) => (from + i) % 251);
}

function fileOf(name: string, size: number): File {
  return new File([patterned(size)], name, { type: 'text/csv' });
}

/**
 * A file whose reads answer only when the test lets them (`release`), recording each read's range:
 * shows which reads were under way at once.
 */
function gatedFile(size: number) {
  const started: [number, number][] = [];
  const waiting: (() => void)[] = [];
  const file = {
    name: 'big.bin',
    size,
    type: '',
    lastModified: 0,
    webkitRelativePath: '',
    slice(start: number, end: number) {
      return {
        arrayBuffer: () =>
          new Promise<ArrayBuffer>((resolve) => {
            started.push([start, end]);
            waiting.push(() => resolve(patterned(end, start).buffer));
          }),
      };
    },
  } as unknown as File;
  return { file, started, release: () => waiting.splice(0).forEach((go) => go()) };
}

describe('readHeads', () => {
  it('sends a small file whole and no tail', async () => {
    const [heads] = await readHeads([{ file: fileOf('a.csv', 1024) }]);
    expect(base64ToBytes(heads!.headBase64)).toEqual(patterned(1024));
    expect(heads).not.toHaveProperty('tailBase64');
  });

  it('sends the first 64 KiB and the last 4 KiB of a longer file, nothing between', async () => {
    const size = LIMITS.headBytes + 10_000;
    const [heads] = await readHeads([{ file: fileOf('b.csv', size) }]);
    const all = patterned(size);
    expect(base64ToBytes(heads!.headBase64)).toEqual(all.subarray(0, LIMITS.headBytes));
    expect(base64ToBytes(heads!.tailBase64!)).toEqual(all.subarray(size - LIMITS.tailBytes));
  });

  it('takes a tail that overlaps no part of the head (a file barely longer than its head)', async () => {
    const size = LIMITS.headBytes + 100;
    const [heads] = await readHeads([{ file: fileOf('c.csv', size) }]);
    expect(base64ToBytes(heads!.tailBase64!)).toEqual(patterned(size).subarray(LIMITS.headBytes));
  });

  it('reads no tail of a body sent by script (the file is only its head)', async () => {
    const [heads] = await readHeads([{ file: fileOf('body', LIMITS.headBytes + 500), size: 10_000_000 }]);
    expect(heads).not.toHaveProperty('tailBase64');
    expect(base64ToBytes(heads!.headBase64)).toHaveLength(LIMITS.headBytes);
  });

  it('cuts the heads of the files past the first few of an action', async () => {
    const collected: CollectedFile[] = Array.from({ length: LIMITS.fullHeadFiles + 2 }, (_, i) => ({ file: fileOf(`f${i}.csv`, 20_000) }));
    const heads = await readHeads(collected);
    expect(heads).toHaveLength(collected.length);
    expect(base64ToBytes(heads[0]!.headBase64)).toHaveLength(20_000);
    expect(heads[0]).not.toHaveProperty('tailBase64');
    const last = heads[collected.length - 1]!;
    expect(base64ToBytes(last.headBase64)).toEqual(patterned(20_000).subarray(0, LIMITS.bulkHeadBytes));
    expect(base64ToBytes(last.tailBase64!)).toEqual(patterned(20_000).subarray(20_000 - LIMITS.tailBytes));
  });

  it('reads both ends of a file at once, not one after the other', async () => {
    const size = 2 * 1024 ** 3;
    const gated = gatedFile(size);
    const reading = readHeads([{ file: gated.file }]);
    // Neither read has answered: both must be under way already.
    await vi.waitFor(() => expect(gated.started).toHaveLength(2));
    expect(gated.started).toEqual(
      expect.arrayContaining([
        [0, LIMITS.headBytes],
        [size - LIMITS.tailBytes, size],
      ]),
    );
    gated.release();
    const [heads] = await reading;
    expect(base64ToBytes(heads!.headBase64)).toHaveLength(LIMITS.headBytes);
    expect(base64ToBytes(heads!.tailBase64!)).toHaveLength(LIMITS.tailBytes);
  });

  it('keeps the facts of a file that cannot be read, with no bytes', async () => {
    const file = { name: 'gone.txt', size: LIMITS.headBytes * 2, type: '', slice: () => ({ arrayBuffer: () => Promise.reject(new Error('NotFoundError')) }) };
    const [heads] = await readHeads([{ file: file as unknown as File }]);
    expect(heads).toEqual({ headBase64: '', tailBase64: '' });
  });
});
