/**
 * The content model's runtime, shared by the service worker (content-model.ts) and Node (tests,
 * benchmarks): TF.js on its WASM backend, single-threaded (extension workers have no
 * SharedArrayBuffer), with the vendored weights checked against their SHA-256 before use.
 */
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { MAGIKA_MODEL, type MagikaFileName } from '../core/files/content-model/model-files';
import type { ContentModelRunner } from '../core/files/content-model/session';
import { buildNetwork, type WeightsManifest } from './content-model-network';

export interface RuntimeSources {
  /** The bytes of a vendored model file (fetched in the worker, read from disk in Node). */
  read(file: MagikaFileName): Promise<ArrayBuffer>;
  /** Where the WASM backend finds its binaries: a folder prefix, or a URL per binary name. */
  wasmPaths: string | Record<string, string>;
}

export async function sha256Hex(bytes: ArrayBuffer): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

async function verified(sources: RuntimeSources, file: MagikaFileName): Promise<ArrayBuffer> {
  const bytes = await sources.read(file);
  const actual = await sha256Hex(bytes);
  const expected = MAGIKA_MODEL.files[file].sha256;
  if (actual !== expected) throw new Error(`${file} fails its checksum (sha256 ${actual.slice(0, 12)}…, expected ${expected.slice(0, 12)}…)`);
  return bytes;
}

let backend: Promise<void> | undefined;

/** The WASM backend, set up once per process or worker. */
function wasmBackend(wasmPaths: RuntimeSources['wasmPaths']): Promise<void> {
  backend ??= (async () => {
    // Threads need SharedArrayBuffer, which extension workers do not have.
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    setWasmPaths(wasmPaths as string);
    if (!(await tf.setBackend('wasm'))) throw new Error('the WASM backend did not start');
  })();
  backend.catch(() => (backend = undefined));
  return backend;
}

/** Loads and checks the model, then returns a runner for ContentModelSession. Rejects with the reason on any failure. */
export async function loadContentModelRunner(sources: RuntimeSources): Promise<ContentModelRunner & { dispose(): void }> {
  const [manifestBytes, shard] = await Promise.all([verified(sources, 'model.json'), verified(sources, 'group1-shard1of1.bin')]);
  const manifest = JSON.parse(new TextDecoder().decode(manifestBytes)) as WeightsManifest;
  await wasmBackend(sources.wasmPaths);
  const network = buildNetwork(manifest, shard);
  return { predict: (rows) => network.predict(rows), dispose: () => network.dispose() };
}
