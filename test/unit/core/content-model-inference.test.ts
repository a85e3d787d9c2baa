// @vitest-environment node
/**
 * The real model in Node: the vendored files match their checksums, the network reproduces
 * Magika's own reference predictions, a text and a binary file are named, a file too small for
 * the model and a model that fails to load fall back to our analysis.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { classifyFile } from '../../../src/core/files/classify';
import { extractFeatures } from '../../../src/core/files/content-model/features';
import { interpretScores } from '../../../src/core/files/content-model/labels';
import { MAGIKA_MODEL, type MagikaFileName } from '../../../src/core/files/content-model/model-files';
import { buildNetwork, type WeightsManifest } from '../../../src/background/content-model-network';
import { buildReferenceNetwork } from '../../../src/background/content-model-reference';
import { loadContentModelRunner, sha256Hex } from '../../../src/background/content-model-runtime';
import { MAGIKA_CONFIG, MAGIKA_DIR, nodeRunner, nodeSession, nodeSources } from '../../harness/content-model-node';

const MAGIKA_GIT = '/work/.mirror/google+magika/repo';
const enc = (s: string) => new TextEncoder().encode(s);

describe('the vendored model', () => {
  it.each(Object.keys(MAGIKA_MODEL.files) as MagikaFileName[])('%s matches its recorded sha256', async (file) => {
    const bytes = readFileSync(`${MAGIKA_DIR}${file}`);
    expect(await sha256Hex(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength))).toBe(MAGIKA_MODEL.files[file].sha256);
  });

  it('refuses to load a shard that differs by one byte', async () => {
    const shard = new Uint8Array(readFileSync(`${MAGIKA_DIR}group1-shard1of1.bin`));
    shard[1000] = shard[1000]! ^ 1;
    await expect(loadContentModelRunner(nodeSources({ 'group1-shard1of1.bin': shard }))).rejects.toThrow(/group1-shard1of1.bin fails its checksum/);
  });
});

describe('inference', () => {
  // Magika's reference predictions for standard_v3_3 (tests_data/reference), where the snapshot of
  // google/magika is on this machine; the text and binary cases below run everywhere.
  it.skipIf(!existsSync(MAGIKA_GIT))("reproduces Magika's reference predictions (every third example)", { timeout: 120_000 }, async () => {
    const ref = JSON.parse(
      gunzipSync(
        execFileSync('git', ['-C', MAGIKA_GIT, 'show', `${MAGIKA_MODEL.commit}:tests_data/reference/standard_v3_3-inference_examples_by_content.json.gz`]),
      ).toString(),
    ) as { content_base64: string; prediction: { dl: string; score: number } }[];
    const expected = ref.filter((r, i) => i % 3 === 0 && Buffer.from(r.content_base64, 'base64').length >= MAGIKA_CONFIG.min_file_size_for_dl);
    const cases = expected.map((r) => Buffer.from(r.content_base64, 'base64'));
    const runner = await nodeRunner();
    const rows = cases.map((b) => extractFeatures({ head: new Uint8Array(b), size: b.length }, MAGIKA_CONFIG)!);
    const scores = await runner.predict(rows);
    expect(cases.length).toBeGreaterThan(40);
    scores.forEach((s, i) => {
      const { best } = interpretScores(s, MAGIKA_CONFIG);
      expect(best.label).toBe(expected[i]!.prediction.dl);
      expect(best.score).toBeCloseTo(expected[i]!.prediction.score, 3);
    });
  });

  it('names a text file our analysis reads as prose (Haskell) and a binary one signatures miss', async () => {
    const haskell = enc(
      'module Main where\n\nimport Data.List (sortBy)\nimport qualified Data.Map as M\n\n-- | Count words in a text\n' +
        'wordCount :: String -> M.Map String Int\nwordCount = foldr (\\w -> M.insertWith (+) w 1) M.empty . words\n\n' +
        'main :: IO ()\nmain = do\n  input <- getContents\n  mapM_ print (M.toList (wordCount input))\n',
    );
    const session = nodeSession();
    const [today, withModel] = await Promise.all([
      classifyFile({ name: 'words.txt', size: haskell.length, head: haskell }),
      classifyFile({ name: 'words.txt', size: haskell.length, head: haskell }, { contentModel: session }),
    ]);
    expect(today.categoryByContent).toBe('document');
    expect(withModel.categoryByContent).toBe('source_code');
    expect(withModel.mismatch).toBe(true);
    expect(withModel.evidence.join('\n')).toMatch(/content model .*haskell by the content model/);

    // Python 3.11 bytecode of `def add(a, b): return a + b` and `print(add(1, 2))` (marshal.dumps
    // behind the 16-byte header): file-type has no signature for it; the model knows it.
    const pyc = new Uint8Array(
      Buffer.from(
        'pw0NCgAAAAAAAAAAAAAAAOMAAAAAAAAAAAAAAAAGAAAAAAAAAPM2AAAAlwBkAIQAWgACAGUBAgBlAGQBZAKmAgAAqwIAAAAAAAAAAKYBAACrAQAAAAAAAAAAAQBkA1MAKQRjAgAAAAAAAAAAAAAAAgAAAAMAAADzDAAAAJcAfAB8AXoAAABTACkBTqkAKQLaAWHaAWJzAgAAACAg+gdkZW1vLnB52gNhZGRyBwAAAAEAAABzCwAAAIAA2AsMiHGJNYBM8wAAAADpAQAAAOkCAAAATikCcgcAAADaBXByaW50cgMAAAByCAAAAHIGAAAA+gg8bW9kdWxlPnIMAAAAAQAAAHM2AAAA8AMBAQHwAgEBEfAAAQER8AABARHwBgABBoAFgGOAY4ghiFGBaYRp0QAQ1AAQ0AAQ0AAQ0AAQcggAAAA=',
        'base64',
      ),
    );
    const compiled = await classifyFile({ name: 'demo.pyc', size: pyc.length, head: pyc }, { contentModel: session });
    expect((await classifyFile({ name: 'demo.pyc', size: pyc.length, head: pyc })).categoryByContent).toBe('other');
    expect(compiled.categoryByContent).toBe('executable');
    expect(compiled.evidence.join('\n')).toMatch(/pythonbytecode by the content model/);
  });

  it('gives the same scores computed by the token as the graph computed window by window', { timeout: 60_000 }, async () => {
    await nodeRunner(); // sets up the WASM backend
    const manifest = JSON.parse(readFileSync(`${MAGIKA_DIR}model.json`, 'utf8')) as WeightsManifest;
    const shardBytes = readFileSync(`${MAGIKA_DIR}group1-shard1of1.bin`);
    const shard = shardBytes.buffer.slice(shardBytes.byteOffset, shardBytes.byteOffset + shardBytes.byteLength) as ArrayBuffer;
    const fast = buildNetwork(manifest, shard);
    const reference = buildReferenceNetwork(manifest, shard);
    try {
      let seed = 7;
      const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % 256;
      const text = (n: number) => enc('let x = 1;\n'.repeat(Math.ceil(n / 11)).slice(0, n));
      const files = [
        text(9),
        text(300),
        text(1015),
        text(1024),
        text(1030),
        text(5000),
        Uint8Array.from({ length: 700 }, random),
        Uint8Array.from({ length: 9000 }, random),
        // Every byte value at both ends: all 257 tokens, no two positions alike.
        Uint8Array.from({ length: 3000 }, (_, i) => (i * 7 + (i >> 8)) % 256),
      ];
      const rows = files.map((b) => extractFeatures({ head: b, size: b.length }, MAGIKA_CONFIG)!);
      // All in one call and one at a time (the buffers are reused from row to row): both must agree with the graph.
      const [a, b] = [await fast.predict(rows), await reference.predict(rows)];
      for (let i = 0; i < rows.length; i++) {
        const single = (await fast.predict([rows[i]!]))[0]!;
        expect(a[i]!.length).toBe(b[i]!.length);
        for (let j = 0; j < a[i]!.length; j++) {
          expect(Math.abs(a[i]![j]! - b[i]![j]!)).toBeLessThan(1e-4);
          expect(single[j]).toBe(a[i]![j]);
        }
      }
      await expect(fast.predict([new Int32Array(2048).fill(257)])).rejects.toThrow(/token 257 out of range/);
      await expect(fast.predict([new Int32Array(100)])).rejects.toThrow(/expected 2048 tokens/);
    } finally {
      fast.dispose();
      reference.dispose();
    }
  });

  it('leaves a file too small for the model to our analysis', async () => {
    const tiny = enc('ls -la\n');
    const verdict = await classifyFile({ name: 'x', size: tiny.length, head: tiny }, { contentModel: nodeSession() });
    expect(verdict.evidence.join('\n')).toMatch(/content model not used .*under the model's 8 bytes/);
    expect(verdict.categoryByContent).toBe('document');
  });

  it('a model that fails to load is the fallback, not an exception', async () => {
    const bad = nodeSession(Number.POSITIVE_INFINITY, () =>
      loadContentModelRunner({ ...nodeSources(), read: () => Promise.reject(new Error('404 model.json')) }),
    );
    const text = enc('Dear team,\nplease find the figures for the third quarter below and tell me what you think.\n');
    const verdict = await classifyFile({ name: 'q.txt', size: text.length, head: text }, { contentModel: bad });
    expect(verdict.evidence.join('\n')).toMatch(/unavailable: 404 model.json/);
  });
});
