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
 */
import type { BridgeFiles, BridgePart, SendVia } from '../bridge-protocol';
import { partsOf, chunkParents } from './bodies';
import type { MainBridge } from './bridge';
import { SafeWeakMap, wrapMethod } from './disguise';

const { apply } = Reflect;
const NativeURL = URL;
const promiseThen = Promise.prototype.then;
const noop = () => undefined;

/** Observes a promise the page also holds, without changing how it settles or what it gives. */
function whenSettled<T>(value: unknown, onValue: (v: T) => void): void {
  if (value instanceof Promise) apply(promiseThen, value, [onValue, noop]);
}

function isFileInput(value: unknown): value is HTMLInputElement {
  return value instanceof HTMLInputElement && value.type === 'file';
}

export function installHooks(win: Window & typeof globalThis, bridge: MainBridge): void {
  const baseUrl = () => win.document.baseURI;
  const sent = (via: SendVia, target: unknown, body: unknown) => {
    const { parts, bytes } = partsOf(body);
    if (parts.length === 0) return;
    let url = '';
    try {
      url = new NativeURL(String(target), baseUrl()).href;
    } catch {
      // Not a URL the request could have gone to: the event keeps the page's destination.
    }
    bridge.files({ channel: 'programmatic', parts, sentTo: { url, bytes, via } });
  };

  // Shadow roots and file inputs.
  wrapMethod(win.Element?.prototype, 'attachShadow', (host) => bridge.node(host as Element));
  const announceInput = (input: unknown) => {
    if (isFileInput(input)) bridge.node(input);
  };
  // click() is HTMLElement's; showPicker() is the input's own.
  wrapMethod(win.HTMLElement?.prototype, 'click', announceInput, true);
  wrapMethod(win.HTMLInputElement?.prototype, 'showPicker', announceInput, true);

  // Files sent by script.
  wrapMethod(win, 'fetch', (_self, [input, init]) => {
    const request = input instanceof win.Request ? input : undefined;
    sent('fetch', request ? request.url : input, (init as RequestInit | undefined)?.body);
  });
  const xhrUrls = new SafeWeakMap<XMLHttpRequest, string>();
  wrapMethod(win.XMLHttpRequest?.prototype, 'open', (xhr, [, url]) => xhrUrls.set(xhr as XMLHttpRequest, String(url)));
  wrapMethod(win.XMLHttpRequest?.prototype, 'send', (xhr, [body]) => sent('xhr', xhrUrls.get(xhr as XMLHttpRequest) ?? '', body));
  wrapMethod(win.Navigator?.prototype, 'sendBeacon', (_self, [url, data], accepted) => {
    if (accepted) sent('beacon', url, data);
  });
  wrapMethod(win.WebSocket?.prototype, 'send', (socket, [data]) => sent('websocket', (socket as WebSocket).url, data));
  wrapMethod(win.Blob?.prototype, 'slice', (blob, _args, chunk) => {
    const parent = blob instanceof File ? blob : chunkParents.get(blob as Blob);
    if (parent && chunk instanceof Blob) chunkParents.set(chunk, parent);
  });

  // File System Access (Chromium; Firefox has none of it).
  const fsFiles = (parts: BridgePart[]) => {
    if (parts.length > 0) bridge.files({ channel: 'fs_access', parts } satisfies BridgeFiles);
  };
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
  wrapMethod(win.DataTransferItem?.prototype, 'getAsFileSystemHandle', (_self, _args, result) => whenSettled(result, keep));
  // A picked file counts when the page reads it; a file in a picked directory, with its path.
  wrapMethod(win.FileSystemFileHandle?.prototype, 'getFile', (handle, _args, result) => {
    const fileHandle = handle as FileSystemFileHandle;
    whenSettled<File>(result, (file) => {
      const part: BridgePart = { blob: file, name: file.name, size: file.size, type: file.type, lastModified: file.lastModified };
      if (pickedFiles.get(fileHandle)) return fsFiles([part]);
      for (const dir of pickedDirectories) {
        whenSettled<string[] | null>(dir.resolve(fileHandle), (path) => {
          if (path) fsFiles([{ ...part, relativePath: [dir.name, ...path].join('/') }]);
        });
      }
    });
  });

  // Listeners come back after the document is rewritten.
  for (const key of ['open', 'write', 'writeln']) wrapMethod(win.Document?.prototype, key, () => bridge.rearm());
}
