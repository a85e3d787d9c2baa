/** Reads the first bytes of files (never the whole file) with bounded concurrency. */
import { LIMITS } from '../core/schema/limits';
import type { ObservedFile } from '../core/schema/messages';

export interface CollectedFile {
  file: File;
  relativePath?: string | undefined;
}

/** Native Uint8Array base64 (Chrome 140+, Firefox 133+) is an order of magnitude faster than the fallback. */
interface NativeBase64 {
  toBase64?: () => string;
}

export function toBase64(bytes: Uint8Array): string {
  const native = (bytes as NativeBase64).toBase64;
  if (typeof native === 'function') return native.call(bytes);
  let binary = '';
  const CHUNK = 0x8000;
  for (let i = 0; i < bytes.length; i += CHUNK) {
    binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  }
  return btoa(binary);
}

async function readHead(file: File, bytes: number): Promise<string> {
  try {
    const buffer = await file.slice(0, Math.min(bytes, file.size)).arrayBuffer();
    return toBase64(new Uint8Array(buffer));
  } catch {
    // A directory placeholder or a file that vanished: metadata alone still counts.
    return '';
  }
}

const READ_CONCURRENCY = 4;

export async function describeFiles(collected: readonly CollectedFile[]): Promise<ObservedFile[]> {
  const out: ObservedFile[] = new Array(collected.length);
  let next = 0;
  const worker = async () => {
    while (next < collected.length) {
      const i = next++;
      const { file, relativePath } = collected[i]!;
      const headBytes = i < LIMITS.fullHeadFiles ? LIMITS.headBytes : LIMITS.bulkHeadBytes;
      const path = relativePath || file.webkitRelativePath || undefined;
      out[i] = {
        name: file.name.slice(0, LIMITS.fileName),
        size: file.size,
        mimeType: file.type.slice(0, LIMITS.mimeType),
        lastModified: file.lastModified,
        ...(path ? { relativePath: path.slice(0, LIMITS.relativePath) } : {}),
        headBase64: await readHead(file, headBytes),
      };
    }
  };
  await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, collected.length) }, worker));
  return out;
}
