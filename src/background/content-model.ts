/**
 * The content model in the service worker: the vendored Magika files and TF.js's WASM binaries are
 * packed into the extension by the build (Vite `?url` assets) and read from the extension's own
 * origin; nothing is fetched from the web. Loaded on first use, once per worker; a failure (the
 * CSP refusing WebAssembly, a file failing its checksum) is remembered and every action falls back
 * to the text analysis with the reason in its evidence.
 *
 * Needs `'wasm-unsafe-eval'` in the extension pages' script-src (docs/permissions.md, "Content model").
 */
import { ContentModelBudgets } from '../core/files/content-model/budgets';
import { MagikaConfig } from '../core/files/content-model/features';
import type { MagikaFileName } from '../core/files/content-model/model-files';
import type { ContentModelRunner } from '../core/files/content-model/session';
import { loadContentModelRunner } from './content-model-runtime';
import configJson from '../../vendor/magika/standard_v3_3/config.min.json';
import modelJsonUrl from '../../vendor/magika/standard_v3_3/model.json?url';
import shardUrl from '../../vendor/magika/standard_v3_3/group1-shard1of1.bin?url';
import wasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';

/** Model time one user action may spend (load wait included); the rest of its files get the fallback. */
export const CONTENT_MODEL_BUDGET_MS = 250;

/** The files read at run time (the config is bundled: features are computed before the model loads). */
const FILES: Partial<Record<MagikaFileName, string>> = { 'model.json': modelJsonUrl, 'group1-shard1of1.bin': shardUrl };

let runner: Promise<ContentModelRunner> | undefined;

/** The runner, loaded once per worker. `fetchBytes` is a parameter so tests can serve the files. */
export function contentModelRunner(fetchBytes: (url: string) => Promise<ArrayBuffer> = fetchOwnFile): Promise<ContentModelRunner> {
  runner ??= loadContentModelRunner({
    read: (file) => (FILES[file] ? fetchBytes(FILES[file]) : Promise.reject(new Error(`${file} is not read at run time`))),
    // setWasmPaths wants every binary named; the threaded one is never loaded (threads are off), so
    // it is not packed and its entry points at the SIMD build.
    wasmPaths: { 'tfjs-backend-wasm.wasm': wasmUrl, 'tfjs-backend-wasm-simd.wasm': wasmSimdUrl, 'tfjs-backend-wasm-threaded-simd.wasm': wasmSimdUrl },
  });
  return runner;
}

async function fetchOwnFile(url: string): Promise<ArrayBuffer> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.arrayBuffer();
}

/**
 * How long after the worker starts the model is loaded and run once unasked. A worker is often
 * woken by the upload itself: that upload's session starts the load at once (the same memoised
 * promise), so the warm-up never stands between a first upload and its event; later uploads find
 * the model loaded and its operators set up (the first inference costs several later ones).
 */
export const WARM_UP_DELAY_MS = 1_000;

/** Loads the model if it is not loaded, and runs it once on a short and on a full input. Never rejects. */
export async function warmContentModel(config: MagikaConfig, load: () => Promise<ContentModelRunner> = contentModelRunner): Promise<boolean> {
  try {
    const runner = await load();
    const short = new Int32Array(config.beg_size + config.end_size).fill(config.padding_token);
    short.fill(0x61, 0, 64);
    short.fill(0x61, short.length - 64);
    const full = Int32Array.from({ length: short.length }, (_, i) => 32 + (i % 95));
    await runner.predict([short]);
    await runner.predict([full]);
    return true;
  } catch {
    // A model that cannot load is reported by the first session that asks for it, with the reason.
    return false;
  }
}

/** One session per user action (actionId), all sharing the worker's runner; the model is warmed up once the worker has been up a moment. */
export function createContentModelBudgets(
  now: () => number = () => performance.now(),
  warmUpDelayMs: number | undefined = WARM_UP_DELAY_MS,
): ContentModelBudgets {
  const config = MagikaConfig.parse(configJson);
  if (warmUpDelayMs !== undefined) setTimeout(() => void warmContentModel(config), warmUpDelayMs);
  return new ContentModelBudgets({
    config,
    load: () => contentModelRunner(),
    budgetMs: CONTENT_MODEL_BUDGET_MS,
    now,
    // No wait for a batch to gather: the network runs one row at a time anyway (a batch saves no
    // arithmetic on one thread), and files asked while a row runs are queued and taken next.
    defer: queueMicrotask,
    // One row, then the event loop: a folder's parts keep arriving, and the content script reads
    // the next part's heads only once the worker has answered this one's.
    maxBatch: 1,
    pause: nextTask,
  });
}

/** Resolves in a task of its own, after the tasks already waiting (a message, without the timers' clamp). */
export function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(undefined);
  });
}
