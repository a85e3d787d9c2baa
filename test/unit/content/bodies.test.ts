// Which request bodies are uploads: named files (and chunks of them, once), unnamed bodies only
// from LIMITS.anonymousBodyFloor; strings and small posts never.
import { beforeAll, describe, expect, it } from 'vitest';
import { partsOf } from '../../../src/content/main-world/bodies';
import { wrapMethod } from '../../../src/content/main-world/disguise';
import { chunkParents } from '../../../src/content/main-world/bodies';
import { LIMITS } from '../../../src/core/schema/limits';

beforeAll(() => {
  // As the hooks do: chunks remember their file.
  wrapMethod(Blob.prototype, 'slice', (blob, _args, chunk) => {
    const parent = blob instanceof File ? blob : chunkParents.get(blob as Blob);
    if (parent && chunk instanceof Blob) chunkParents.set(chunk, parent);
  });
});

const file = (name: string, size = 10) => new File([new Uint8Array(size)], name, { type: 'text/csv', lastModified: 1 });

describe('partsOf', () => {
  it('a named file is an upload, once', () => {
    const f = file('ledger.csv');
    expect(partsOf(f)).toMatchObject({ bytes: 10, parts: [{ name: 'ledger.csv', size: 10, type: 'text/csv', lastModified: 1 }] });
    expect(partsOf(f).parts).toEqual([]);
  });

  it('FormData: the files in it, and the size of everything', () => {
    const form = new FormData();
    form.append('note', 'hello');
    form.append('file', file('form.csv', 20));
    const { parts, bytes } = partsOf(form);
    expect(parts.map((p) => p.name)).toEqual(['form.csv']);
    expect(bytes).toBe(25);
  });

  it('chunks of a named file are that file, reported once', () => {
    const f = file('big.bin', 3000);
    const first = partsOf(f.slice(0, 1000));
    expect(first.parts).toMatchObject([{ name: 'big.bin', size: 3000 }]);
    expect(first.bytes).toBe(1000);
    expect(partsOf(f.slice(1000, 2000).slice(0, 500)).parts).toEqual([]);
  });

  it('unnamed Blobs and ArrayBuffers only from the floor, with the head only', () => {
    expect(partsOf(new Blob(['x'.repeat(2000)])).parts).toEqual([]);
    expect(partsOf(new Uint8Array(1000)).parts).toEqual([]);
    const big = partsOf(new Blob([new Uint8Array(LIMITS.anonymousBodyFloor * 2)]));
    expect(big.parts).toMatchObject([{ name: 'blob', size: LIMITS.anonymousBodyFloor * 2, anonymous: true }]);
    expect(big.parts[0]!.blob.size).toBe(LIMITS.headBytes);
    const buffer = new ArrayBuffer(LIMITS.anonymousBodyFloor);
    expect(partsOf(new DataView(buffer)).parts).toMatchObject([{ anonymous: true, size: LIMITS.anonymousBodyFloor }]);
    expect(partsOf(buffer).parts).toEqual([]);
  });

  it('strings, URLSearchParams, nothing: no parts', () => {
    for (const body of ['q=1', new URLSearchParams({ q: '1' }), undefined, null, 42]) expect(partsOf(body).parts).toEqual([]);
  });

  it('a page that replaces File, Blob and FormData after start does not hide its files', () => {
    const form = new FormData();
    form.append('file', file('hidden.csv', 12));
    const g = globalThis as unknown as Record<string, unknown>;
    const originals = { File: g.File, Blob: g.Blob, FormData: g.FormData };
    try {
      for (const name of Object.keys(originals)) g[name] = function Fake() {};
      expect(partsOf(form).parts).toMatchObject([{ name: 'hidden.csv', size: 12 }]);
    } finally {
      Object.assign(g, originals);
    }
  });

  it('a body that only looks like a Blob or a FormData is not one, and never throws into the page', () => {
    for (const body of [Object.create(Blob.prototype), Object.create(File.prototype), Object.create(FormData.prototype), { size: 10 ** 9, name: 'x.csv' }])
      expect(partsOf(body)).toEqual({ parts: [], bytes: 0 });
  });
});
