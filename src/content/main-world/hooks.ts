/**
 * The MAIN-world hooks (issue 13): the platform at the source, no DOM scans. Installed at
 * document_start in every frame; they only announce, and work happens when a file is handed over.
 *
 * - Shadow roots, open or closed, as they are created (`attachShadow`): the observer listens on
 *   each root, because a file input's `change` is not composed (and `input` is not in Firefox).
 * - File inputs opened by script (`click()` / `showPicker()`), attached or not: the observer
 *   listens on the input itself, so detached inputs of upload libraries are seen.
 * - File System Access: picked files, files read from a picked or dropped directory (channel
 *   fs_access). Origin-private files (navigator.storage) are never reported.
 * - Files sent by script: fetch, XMLHttpRequest.send, navigator.sendBeacon, WebSocket.send, with
 *   File, Blob, ArrayBuffer or FormData bodies, with where they went (channel programmatic).
 * - document.open()/write() erase every listener on window and document (HTML "document open
 *   steps"): the observer adds its listeners again.
 * - Response (issue 14): when the observer holds files (a rule may apply on this page), a request
 *   carrying them waits for the decision and a blocked one fails as on a network error without
 *   sending a byte; a picked file read with getFile() is given to the page only if allowed. When
 *   nothing is held the observer answers at once and the call runs as before (see hold.ts).
 */
import type { SendVia } from '../bridge-protocol';
import { partsOf, rememberChunk } from './bodies';
import type { MainBridge } from './bridge';
import { aroundMethod, attr, brand, getter, SafeWeakMap, wrapMethod } from './disguise';
import { holdFileRead, holdSends } from './hold';
import { releasedHandles } from './release';

const { apply } = Reflect;
const NativeURL = URL;
const NativePromise = Promise;
const promiseThen = Promise.prototype.then;
const noop = () => undefined;

/** Observes a promise the page also holds, without changing how it settles or what it gives. */
function whenSettled<T>(value: unknown, onValue: (v: T) => void): void {
  if (value instanceof NativePromise) apply(promiseThen, value, [onValue, noop]);
}

// Read through getters captured at document_start (brand checks): a page that later redefines an
// input's `type`, the document's `baseURI` or a socket's `url` does not hide an input opened by
// script nor change where its bytes are recorded as going.
const inputType = brand<string>(attr(getter(HTMLInputElement.prototype, 'type'), 'type'));
/** The getter a document's `baseURI` resolves to now (Node.prototype's in browsers). */
function baseURIGetter(): (() => unknown) | undefined {
  for (let at: object | null = Document.prototype; at; at = Reflect.getPrototypeOf(at)) {
    const found = getter(at, 'baseURI');
    if (found) return found;
  }
  return undefined;
}
const baseOf = brand<string>(attr(baseURIGetter(), 'baseURI'));

function isFileInput(value: unknown): value is HTMLInputElement {
  return inputType(value) === 'file';
}

/** `watch`: a subframe's front line listens on shadow roots and script-opened inputs itself (front-line.ts). */
export function installHooks(win: Window & typeof globalThis, bridge: MainBridge, watch?: (target: EventTarget) => void): void {
  const baseUrl = () => baseOf(win.document) ?? win.document.baseURI;
  const resolveUrl = (target: unknown) => {
    try {
      return new NativeURL(String(target), baseUrl()).href;
    } catch {
      // Not a URL the request could have gone to: the event keeps the page's destination.
      return '';
    }
  };
  const sent = (via: SendVia, target: unknown, body: unknown) => {
    const { parts, bytes } = partsOf(body);
    if (parts.length > 0) bridge.files({ channel: 'programmatic', parts, sentTo: { url: resolveUrl(target), bytes, via } });
  };

  // Shadow roots and file inputs.
  wrapMethod(win.Element?.prototype, 'attachShadow', (host, _args, root) => {
    bridge.node(host as Element);
    if (typeof root === 'object' && root !== null) watch?.(root as ShadowRoot);
  });
  const announceInput = (input: unknown) => {
    if (!isFileInput(input)) return;
    bridge.node(input);
    watch?.(input);
    // A picker opens: a subframe's observer is asked for now.
    bridge.request?.();
  };
  // click() is HTMLElement's; showPicker() is the input's own.
  wrapMethod(win.HTMLElement?.prototype, 'click', announceInput, true);
  wrapMethod(win.HTMLInputElement?.prototype, 'showPicker', announceInput, true);

  // Files sent by script: fetch, XHR and beacons wait for a decision when the observer holds files.
  holdSends(win, bridge, resolveUrl);
  const socketUrl = brand<string>(attr(getter(win.WebSocket?.prototype, 'url'), 'url'));
  wrapMethod(win.WebSocket?.prototype, 'send', (socket, [data]) => sent('websocket', socketUrl(socket) ?? '', data));
  wrapMethod(win.Blob?.prototype, 'slice', (blob, _args, chunk) => rememberChunk(blob, chunk));

  // File System Access: Chromium only. Firefox has none of it, and its build leaves this code out
  // (every byte here is loaded in every frame; issue 13's budget).
  if (!import.meta.env.FIREFOX) hookFileSystemAccess(win, bridge);

  // Listeners come back after the document is rewritten.
  for (const key of ['open', 'write', 'writeln']) wrapMethod(win.Document?.prototype, key, () => bridge.rearm());
}

/** Picked and dropped File System Access handles; a picked file counts when the page reads it. */
function hookFileSystemAccess(win: Window & typeof globalThis, bridge: MainBridge): void {
  const pickedDirectories: FileSystemDirectoryHandle[] = [];
  const pickedFiles = new SafeWeakMap<FileSystemHandle, true>();
  const keep = (handle: unknown) => {
    if (handle instanceof win.FileSystemDirectoryHandle) pickedDirectories.push(handle);
    else if (handle instanceof win.FileSystemFileHandle) pickedFiles.set(handle, true);
  };
  wrapMethod(win, 'showOpenFilePicker', (_self, _args, result) =>
    whenSettled<FileSystemFileHandle[]>(result, (handles) => {
      for (const h of handles) keep(h);
    }),
  );
  wrapMethod(win, 'showDirectoryPicker', (_self, _args, result) => whenSettled(result, keep));
  const itemFile = win.DataTransferItem?.prototype.getAsFile as (() => File | null) | undefined;
  aroundMethod(win.DataTransferItem?.prototype, 'getAsFileSystemHandle', (call, item) => {
    const result = call();
    whenSettled(result, keep);
    // An item of a drop given back after a hold: the dropped file's own handle (release.ts).
    const file = itemFile && result instanceof NativePromise ? (apply(itemFile, item, []) as File | null) : null;
    const handle = file && releasedHandles.get(file);
    return handle ? apply(promiseThen, result, [(h: unknown) => h ?? handle]) : result;
  });
  // A picked file counts when the page reads it; a file in a picked directory, with its path. The
  // page gets it only once allowed.
  holdFileRead(win, bridge, (handle) => pickedFiles.get(handle) === true, pickedDirectories);
}
