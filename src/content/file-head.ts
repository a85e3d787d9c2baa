/** A file's facts, and its first bytes (and up to the last 4 KiB), never the whole file, read with bounded concurrency. */
import { bytesToBase64 } from '../core/encoding/base64';
import { LIMITS } from '../core/schema/limits';
import type { ObservedFile } from '../core/schema/messages';

export interface CollectedFile {
  file: File;
  relativePath?: string;
  /** The whole body's size when `file` holds only its head (a Blob or ArrayBuffer sent by script). */
  size?: number;
  anonymous?: boolean;
}

async function readHead(file: File, bytes: number): Promise<string> {
  try {
    const buffer = await file.slice(0, Math.min(bytes, file.size)).arrayBuffer();
    return bytesToBase64(new Uint8Array(buffer));
  } catch {
    // A directory placeholder or a file that vanished: metadata alone still counts.
    return '';
  }
}

/** The last bytes after the head, for the content model (it reads both ends of a file). */
async function readTail(file: File, headBytes: number): Promise<string> {
  try {
    const buffer = await file.slice(Math.max(headBytes, file.size - LIMITS.tailBytes), file.size).arrayBuffer();
    return bytesToBase64(new Uint8Array(buffer));
  } catch {
    return '';
  }
}

const READ_CONCURRENCY = 4;

/** What the observer sends the moment files are handed over: everything but their bytes (see UploadObserved.headsFollow). */
export function factsOf({ file, relativePath, size, anonymous }: CollectedFile): ObservedFile {
  const path = relativePath || file.webkitRelativePath || undefined;
  return {
    name: file.name.slice(0, LIMITS.fileName),
    size: size ?? file.size,
    mimeType: file.type.slice(0, LIMITS.mimeType),
    lastModified: file.lastModified,
    ...(path ? { relativePath: path.slice(0, LIMITS.relativePath) } : {}),
    headBase64: '',
    ...(anonymous && { anonymous: true }),
  };
}

export type FileHeads = Pick<ObservedFile, 'headBase64' | 'tailBase64'>;

/** The first bytes of each file (fewer past the first few of a big action) and, of a real file longer than that, the last ones. */
export async function readHeads(collected: readonly CollectedFile[]): Promise<FileHeads[]> {
  const out: FileHeads[] = new Array(collected.length);
  let next = 0;
  const worker = async () => {
    while (next < collected.length) {
      const i = next++;
      const { file, size } = collected[i]!;
      const headBytes = i < LIMITS.fullHeadFiles ? LIMITS.headBytes : LIMITS.bulkHeadBytes;
      // A body sent by script (size given) is only its head: its last bytes are not here to read.
      const hasTail = size === undefined && file.size > headBytes;
      // Both ends at once: each read is a round trip to the browser process (about a millisecond),
      // and one after the other they made a file longer than its head cost that much more (bench/files).
      const [headBase64, tailBase64] = await Promise.all([readHead(file, headBytes), hasTail ? readTail(file, headBytes) : undefined]);
      out[i] = { headBase64, ...(tailBase64 !== undefined && { tailBase64 }) };
    }
  };
  await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, collected.length) }, worker));
  return out;
}
