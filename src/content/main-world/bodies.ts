/**
 * What a request body holds, as parts the observer may report: named files (an upload however
 * they were obtained), chunks of a named file (`Blob.slice`, as Drive, S3 multipart and tus clients
 * send; reported as their file), and anonymous Blobs or ArrayBuffers (reported only from
 * LIMITS.anonymousBodyFloor bytes; the background applies the policy threshold above that).
 * Strings, URLSearchParams and streams are never files.
 */
import { LIMITS } from '../../core/schema/limits';
import type { BridgePart } from '../bridge-protocol';
import { attr, brand, getter, SafeWeakMap } from './disguise';

const { apply } = Reflect;
// What tells a file, a Blob or a FormData apart and reads them is captured at document_start: a
// page that later replaces the constructors (window.File = …), redefines their attributes or
// changes an object's prototype chain does not hide what it sends. Each is a brand check: the
// platform's getter throws on anything that is not really one. Where an environment defines an
// attribute on the instance instead (test DOMs), the property is read.
const NativeFile = File;
const NativeArrayBuffer = ArrayBuffer;
const blobSlice = Blob.prototype.slice;
const isView = ArrayBuffer.isView;
// forEach, not values(): no iterator whose `next` the page could replace, and nothing made at start.
const formDataForEach = typeof FormData === 'function' ? FormData.prototype.forEach : undefined;

const sizeOf = attr(getter(Blob.prototype, 'size'), 'size');
const typeOf = attr(getter(Blob.prototype, 'type'), 'type');
const fileNameGetter = getter(File.prototype, 'name');
const nameOf = attr(fileNameGetter, 'name');
const modifiedOf = attr(getter(File.prototype, 'lastModified'), 'lastModified');
const relativePathOf = attr(getter(File.prototype, 'webkitRelativePath'), 'webkitRelativePath');
const blobSize = brand<number>(sizeOf);
const fileName = brand<string>(fileNameGetter ? nameOf : (value) => (value instanceof NativeFile ? value.name : undefined));

/** A chunk → the file it was cut from (chunks of chunks too). */
export const chunkParents = new SafeWeakMap<Blob, File>();

/** Bodies already reported from this frame: a retry or a further chunk is the same upload. */
const reported = new SafeWeakMap<object, true>();

/** A named file (an upload however it was obtained); "blob" is what FormData calls an unnamed Blob. */
function namedFile(value: unknown): File | undefined {
  const name = fileName(value);
  return name !== undefined && name !== '' && name !== 'blob' ? (value as File) : undefined;
}

/** The file a Blob is, or was cut from (`Blob.slice`), if it is a named one. */
export function fileOf(blob: unknown): File | undefined {
  return namedFile(blob) ?? (blobSize(blob) === undefined ? undefined : chunkParents.get(blob as Blob));
}

/** Remembers that `chunk` was cut from `blob` (the hook on Blob.prototype.slice). */
export function rememberChunk(blob: unknown, chunk: unknown): void {
  const parent = fileOf(blob);
  if (parent && blobSize(chunk) !== undefined) chunkParents.set(chunk as Blob, parent);
}

/** A file as the bridge carries it; `path`: where it was inside a dropped folder. */
export function filePart(file: File, path = relativePathOf(file) as string | undefined): BridgePart {
  return {
    blob: file,
    name: nameOf(file) as string,
    size: sizeOf(file) as number,
    type: typeOf(file) as string,
    lastModified: modifiedOf(file) as number,
    ...(path ? { relativePath: path } : {}),
  };
}

function partOf(value: unknown, out: BridgePart[]): void {
  const size = blobSize(value);
  if (size !== undefined) {
    const blob = value as Blob;
    const file = fileOf(blob);
    const key = file ?? blob;
    if (reported.get(key)) return;
    if (file) {
      reported.set(key, true);
      out.push(filePart(file));
    } else if (size >= LIMITS.anonymousBodyFloor) {
      reported.set(key, true);
      out.push({ blob: apply(blobSlice, blob, [0, LIMITS.headBytes]) as Blob, name: 'blob', size, type: typeOf(blob) as string, anonymous: true });
    }
    return;
  }
  const buffer = value instanceof NativeArrayBuffer ? value : isView(value) ? (value as ArrayBufferView).buffer : undefined;
  if (!buffer || reported.get(buffer)) return;
  const view =
    value instanceof NativeArrayBuffer
      ? new Uint8Array(value)
      : new Uint8Array(buffer, (value as ArrayBufferView).byteOffset, (value as ArrayBufferView).byteLength);
  if (view.byteLength < LIMITS.anonymousBodyFloor) return;
  reported.set(buffer, true);
  out.push({ blob: new Blob([view.slice(0, LIMITS.headBytes)]), name: 'blob', size: view.byteLength, type: '', anonymous: true });
}

/** The values of a FormData, or undefined when `body` is not one (forEach's brand check throws). */
function formValues(body: unknown): unknown[] | undefined {
  if (!formDataForEach || typeof body !== 'object' || body === null) return undefined;
  const out: unknown[] = [];
  try {
    apply(formDataForEach, body, [(value: unknown) => (out[out.length] = value)]);
  } catch {
    return undefined;
  }
  return out;
}

/**
 * The reportable parts of a body, and its size in bytes as far as it can be known without reading
 * it. Never throws (it runs inside the page's fetch, XHR and beacon calls): a body it cannot read
 * has no parts.
 */
export function partsOf(body: unknown): { parts: BridgePart[]; bytes: number } {
  const parts: BridgePart[] = [];
  let bytes = 0;
  try {
    const form = formValues(body);
    const size = form ? undefined : blobSize(body);
    if (form) {
      for (const value of form) {
        const valueSize = blobSize(value);
        bytes += valueSize ?? String(value).length;
        if (valueSize !== undefined) partOf(value, parts);
      }
    } else if (size !== undefined) {
      bytes = size;
      partOf(body, parts);
    } else if (body instanceof NativeArrayBuffer || isView(body)) {
      bytes = (body as ArrayBuffer).byteLength;
      partOf(body, parts);
    }
  } catch {
    // An exotic body (a view whose getters the page replaced, a value whose String() throws): what was found so far.
  }
  return { parts, bytes };
}
