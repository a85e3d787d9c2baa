/**
 * Files inside dropped folders. The entries must be taken from the DataTransfer synchronously,
 * inside the drop event; walking them can happen afterwards.
 * https://developer.mozilla.org/en-US/docs/Web/API/DataTransferItem/webkitGetAsEntry
 */
import { LIMITS } from '../core/schema/limits';
import type { CollectedFile } from './file-head';

type Taken = { kind: 'file'; file: File } | { kind: 'directory'; entry: FileSystemDirectoryEntry };

/** Call during the event: captures what the DataTransfer holds before it is emptied. */
export function takeDataTransfer(dt: DataTransfer | null): Taken[] {
  if (!dt) return [];
  const taken: Taken[] = [];
  const items = dt.items ? Array.from(dt.items) : [];
  for (const item of items) {
    if (item.kind !== 'file') continue;
    const entry = typeof item.webkitGetAsEntry === 'function' ? item.webkitGetAsEntry() : null;
    if (entry?.isDirectory) {
      taken.push({ kind: 'directory', entry: entry as FileSystemDirectoryEntry });
      continue;
    }
    const file = item.getAsFile();
    if (file) taken.push({ kind: 'file', file });
  }
  if (taken.length === 0 && dt.files) {
    for (const file of Array.from(dt.files)) taken.push({ kind: 'file', file });
  }
  return taken;
}

function readAllEntries(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  return new Promise((resolve) => {
    const all: FileSystemEntry[] = [];
    // readEntries returns the listing in chunks (100 in Chrome) until an empty one.
    const readChunk = () =>
      reader.readEntries(
        (chunk) => {
          if (chunk.length === 0) resolve(all);
          else {
            all.push(...chunk);
            readChunk();
          }
        },
        () => resolve(all),
      );
    readChunk();
  });
}

function entryFile(entry: FileSystemFileEntry): Promise<File | undefined> {
  return new Promise((resolve) => entry.file(resolve, () => resolve(undefined)));
}

export async function expandTaken(taken: readonly Taken[]): Promise<CollectedFile[]> {
  const out: CollectedFile[] = [];
  const queue: FileSystemEntry[] = [];
  for (const t of taken) {
    if (t.kind === 'file') out.push({ file: t.file });
    else queue.push(t.entry);
  }
  while (queue.length > 0 && out.length < LIMITS.folderWalkFiles) {
    const entry = queue.shift()!;
    if (entry.isDirectory) {
      queue.push(...(await readAllEntries((entry as FileSystemDirectoryEntry).createReader())));
    } else {
      const file = await entryFile(entry as FileSystemFileEntry);
      if (file) out.push({ file, relativePath: entry.fullPath.replace(/^\//, '') });
    }
  }
  return out;
}
