/**
 * The content model in Node, for unit tests and benchmarks: the vendored files read from disk,
 * the WASM binaries from node_modules; the same runtime the service worker uses.
 */
import { readFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { MagikaConfig } from '../../src/core/files/content-model/features';
import type { MagikaFileName } from '../../src/core/files/content-model/model-files';
import { ContentModelSession, type ContentModelRunner } from '../../src/core/files/content-model/session';
import { loadContentModelRunner, type RuntimeSources } from '../../src/background/content-model-runtime';
import { ROOT } from './paths';

export const MAGIKA_DIR = `${ROOT}vendor/magika/standard_v3_3/`;
export const MAGIKA_CONFIG = MagikaConfig.parse(JSON.parse(readFileSync(`${MAGIKA_DIR}config.min.json`, 'utf8')));

export function nodeSources(overrides: Partial<Record<MagikaFileName, Uint8Array>> = {}): RuntimeSources {
  return {
    async read(file) {
      const bytes = overrides[file] ?? (await readFile(`${MAGIKA_DIR}${file}`));
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    },
    wasmPaths: `${ROOT}node_modules/@tensorflow/tfjs-backend-wasm/dist/`,
  };
}

let shared: Promise<ContentModelRunner> | undefined;

/** One runner per process (loading takes a moment; the model is read-only). */
export function nodeRunner(): Promise<ContentModelRunner> {
  shared ??= loadContentModelRunner(nodeSources());
  return shared;
}

/** A session over the Node runner with a budget (default: unbounded, for evaluations). */
export function nodeSession(budgetMs = Number.POSITIVE_INFINITY, load: () => Promise<ContentModelRunner> = nodeRunner): ContentModelSession {
  return new ContentModelSession({ config: MAGIKA_CONFIG, load, budgetMs, now: () => performance.now() });
}
