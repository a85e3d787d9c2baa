/**
 * What a request body holds, as parts the observer may report: named files (an upload however
 * they were obtained), chunks of a named file (`Blob.slice`, as Drive, S3 multipart and tus clients
 * send; reported as their file), and anonymous Blobs or ArrayBuffers (reported only from
 * LIMITS.anonymousBodyFloor bytes; the background applies the policy threshold above that).
 * Strings, URLSearchParams and streams are never files.
 */
import { LIMITS } from '../../core/schema/limits';
import type { BridgePart } from '../bridge-protocol';
import { SafeWeakMap } from './disguise';

const { apply } = Reflect;
const formDataValues = typeof FormData === 'function' ? FormData.prototype.values : undefined;
const blobSlice = Blob.prototype.slice;
const isView = ArrayBuffer.isView;

/** A chunk → the file it was cut from (chunks of chunks too). */
export const chunkParents = new SafeWeakMap<Blob, File>();

/** Bodies already reported from this frame: a retry or a further chunk is the same upload. */
const reported = new SafeWeakMap<object, true>();

const isFile = (value: unknown): value is File => value instanceof File && value.name !== '' && value.name !== 'blob';

function fileOf(blob: Blob): File | undefined {
  return isFile(blob) ? blob : chunkParents.get(blob);
}

/** A file as the bridge carries it; `path`: where it was inside a dropped folder. */
export function filePart(file: File, path = file.webkitRelativePath): BridgePart {
  return {
    blob: file,
    name: file.name,
    size: file.size,
    type: file.type,
    lastModified: file.lastModified,
    ...(path ? { relativePath: path } : {}),
  };
}

function partOf(value: unknown, out: BridgePart[]): void {
  if (value instanceof Blob) {
    const file = fileOf(value);
    const key = file ?? value;
    if (reported.get(key)) return;
    if (file) {
      reported.set(key, true);
      out.push(filePart(file));
    } else if (value.size >= LIMITS.anonymousBodyFloor) {
      reported.set(key, true);
      out.push({ blob: apply(blobSlice, value, [0, LIMITS.headBytes]) as Blob, name: 'blob', size: value.size, type: value.type, anonymous: true });
    }
    return;
  }
  const buffer = value instanceof ArrayBuffer ? value : isView(value) ? (value as ArrayBufferView).buffer : undefined;
  if (!buffer || reported.get(buffer)) return;
  const view =
    value instanceof ArrayBuffer ? new Uint8Array(value) : new Uint8Array(buffer, (value as ArrayBufferView).byteOffset, (value as ArrayBufferView).byteLength);
  if (view.byteLength < LIMITS.anonymousBodyFloor) return;
  reported.set(buffer, true);
  out.push({ blob: new Blob([view.slice(0, LIMITS.headBytes)]), name: 'blob', size: view.byteLength, type: '', anonymous: true });
}

/** The reportable parts of a body, and its size in bytes as far as it can be known without reading it. */
export function partsOf(body: unknown): { parts: BridgePart[]; bytes: number } {
  const parts: BridgePart[] = [];
  let bytes = 0;
  if (formDataValues && body instanceof FormData) {
    const values = apply(formDataValues, body, []) as Iterator<unknown>;
    for (let step = values.next(); !step.done; step = values.next()) {
      if (step.value instanceof Blob) {
        bytes += step.value.size;
        partOf(step.value, parts);
      } else bytes += String(step.value).length;
    }
  } else if (body instanceof Blob) {
    bytes = body.size;
    partOf(body, parts);
  } else if (body instanceof ArrayBuffer || isView(body)) {
    bytes = (body as ArrayBuffer).byteLength;
    partOf(body, parts);
  }
  return { parts, bytes };
}
