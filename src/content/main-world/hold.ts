/**
 * Holding what the page sends or reads until the observer decides (response, issue 14).
 *
 * Every call that carries files asks the observer first (`bridge.ask`). When nothing is held on
 * this page the answer comes at once ('pass') and the call runs exactly as before, reported
 * afterwards. When files are held:
 * - fetch returns a promise that settles after the decision: the real fetch runs only if allowed;
 *   a blocked one rejects with a TypeError, as fetch does on a network error.
 * - XMLHttpRequest.send returns at once and sends when allowed; a blocked request ends as on a
 *   network error (readyState 4, status 0, `error` then `loadend`) by being sent to a revoked
 *   blob: URL, so no byte leaves the browser. A synchronous XHR cannot wait: it fails at once.
 * - navigator.sendBeacon returns true (queued) and is sent only if allowed.
 * - FileSystemFileHandle.getFile of a picked file resolves only if allowed, else rejects with a
 *   NotAllowedError DOMException.
 * WebSocket messages are observed, not held (a held message would reorder the socket's stream).
 */
import type { BridgeFiles, SendVia } from '../bridge-protocol';
import { filePart, partsOf } from './bodies';
import type { MainBridge, Verdict } from './bridge';
import { afterConstruct, aroundMethod, brand, getter, SafeWeakMap, wrapMethod } from './disguise';

const { apply, getOwnPropertyDescriptor } = Reflect;
const NativePromise = Promise;
const promiseThen = Promise.prototype.then;
const NativeTypeError = TypeError;
const NativeDOMException = DOMException;
const NativeBlob = Blob;
const createObjectURL = URL.createObjectURL;
const revokeObjectURL = URL.revokeObjectURL;

const ask = (bridge: MainBridge, files: BridgeFiles): Verdict => (bridge.ask ? bridge.ask(files) : 'pass');
const whenDecided = (verdict: Promise<boolean>, then: (allowed: boolean) => void) => apply(promiseThen, verdict, [then]);

export function holdSends(win: Window & typeof globalThis, bridge: MainBridge, resolveUrl: (target: unknown) => string): void {
  /**
   * Runs `call` now (nothing held) or after the decision. `accepted` says whether a call that ran
   * counts as a send (a refused beacon does not); `held` shapes what the page gets meanwhile.
   */
  const gate = (
    via: SendVia,
    target: unknown,
    body: unknown,
    call: () => unknown,
    held: (verdict: Promise<boolean>) => unknown,
    accepted: (result: unknown) => boolean = () => true,
  ) => {
    const { parts, bytes } = partsOf(body);
    if (parts.length === 0) return call();
    const files: BridgeFiles = { channel: 'programmatic', parts, sentTo: { url: resolveUrl(target), bytes, via } };
    const verdict = ask(bridge, files);
    if (verdict !== 'pass') return held(verdict);
    const result = call();
    if (accepted(result)) bridge.files(files);
    return result;
  };

  // A body can come inside a Request (ky, axios's fetch adapter: fetch(new Request(url, { body }))),
  // which keeps it only as a stream: each Request made here remembers the body it was made with.
  const bodies = new SafeWeakMap<object, unknown>();
  const RequestProto = win.Request?.prototype;
  const requestUrl = getter(RequestProto, 'url');
  /** The URL of a real Request (the platform's getter throws on anything else), or undefined. */
  const urlOf = brand<string>((input) => (requestUrl ? apply(requestUrl, input, []) : undefined));
  /**
   * The `body` of an init dictionary, if it has one. An own data property is read without running
   * anything of the page's; a getter or an inherited body is read as the browser reads it.
   */
  const bodyIn = (init: unknown): { body: unknown } | undefined => {
    if (typeof init !== 'object' || init === null) return undefined;
    try {
      const own = getOwnPropertyDescriptor(init, 'body');
      const body: unknown = own && 'value' in own ? own.value : (init as { body?: unknown }).body;
      return body === undefined ? undefined : { body };
    } catch {
      // A getter that throws (the browser's own call will throw it to the page) or a hostile Proxy.
      return undefined;
    }
  };
  afterConstruct(win, 'Request', (made, [input, init]) => {
    const given = bodyIn(init) ?? (typeof input === 'object' && input !== null && bodies.get(input) !== undefined ? { body: bodies.get(input) } : undefined);
    if (given) bodies.set(made as object, given.body);
  });
  wrapMethod(RequestProto, 'clone', (self, _args, copy) => {
    const body = bodies.get(self as object);
    if (body !== undefined && typeof copy === 'object' && copy !== null) bodies.set(copy, body);
  });

  aroundMethod(win, 'fetch', (call, _self, [input, init]) => {
    const url = urlOf(input);
    const body = bodyIn(init)?.body ?? (url === undefined ? undefined : bodies.get(input as object));
    return gate('fetch', url ?? input, body, call, (verdict) => {
      return new NativePromise((resolve, reject) =>
        whenDecided(verdict, (allowed) => {
          if (!allowed) return reject(new NativeTypeError('Failed to fetch'));
          try {
            resolve(call());
          } catch (err) {
            reject(err);
          }
        }),
      );
    });
  });

  const proto = win.XMLHttpRequest?.prototype;
  const nativeOpen = proto?.open;
  const nativeSend = proto?.send;
  const opened = new SafeWeakMap<XMLHttpRequest, { url: string; sync: boolean }>();
  aroundMethod(proto, 'open', (call, xhr, args) => {
    const result = call();
    opened.set(xhr as XMLHttpRequest, { url: String(args[1]), sync: args.length > 2 && !args[2] });
    return result;
  });
  /** A network error without a byte sent: the request goes to a blob: URL that no longer exists. */
  const failXhr = (xhr: XMLHttpRequest) => {
    if (!nativeOpen || !nativeSend) return;
    const dead = createObjectURL(new NativeBlob());
    revokeObjectURL(dead);
    apply(nativeOpen, xhr, ['GET', dead]);
    apply(nativeSend, xhr, []);
  };
  aroundMethod(proto, 'send', (call, xhr, [body]) => {
    const state = opened.get(xhr as XMLHttpRequest);
    return gate('xhr', state?.url ?? '', body, call, (verdict) => {
      // A synchronous request cannot wait for a decision: it fails as on a network error.
      if (state?.sync) throw new NativeDOMException('Failed to execute send: the upload was held', 'NetworkError');
      whenDecided(verdict, (allowed) => {
        try {
          if (allowed) call();
          else failXhr(xhr as XMLHttpRequest);
        } catch {
          // The page re-opened or aborted the request meanwhile: it no longer wants this send.
        }
      });
      return undefined;
    });
  });

  aroundMethod(win.Navigator?.prototype, 'sendBeacon', (call, _self, [url, data]) =>
    gate(
      'beacon',
      url,
      data,
      call,
      (verdict) => {
        whenDecided(verdict, (allowed) => {
          if (allowed) call();
        });
        return true;
      },
      (accepted) => accepted === true,
    ),
  );
}

/** getFile of a picked file, or of a file in a picked directory, gives the file only once allowed. */
export function holdFileRead(
  win: Window & typeof globalThis,
  bridge: MainBridge,
  picked: (handle: FileSystemHandle) => boolean,
  directories: readonly FileSystemDirectoryHandle[],
): void {
  const pathOf = async (handle: FileSystemFileHandle): Promise<string | undefined> => {
    if (picked(handle)) return '';
    for (const dir of directories) {
      const path = await dir.resolve(handle);
      if (path) return [dir.name, ...path].join('/');
    }
    return undefined;
  };
  aroundMethod(win.FileSystemFileHandle?.prototype, 'getFile', (call, handle) => {
    const result = call();
    if (!(result instanceof NativePromise)) return result;
    return new NativePromise((resolve, reject) =>
      apply(promiseThen, result, [
        async (file: File) => {
          let path: string | undefined;
          try {
            path = await pathOf(handle as FileSystemFileHandle);
          } catch {
            path = undefined;
          }
          // Origin-private files (navigator.storage) were never picked: not an upload.
          if (path === undefined) return resolve(file);
          const part = filePart(file, path);
          const files: BridgeFiles = { channel: 'fs_access', parts: [part] };
          const verdict = ask(bridge, files);
          if (verdict === 'pass') {
            bridge.files(files);
            return resolve(file);
          }
          whenDecided(verdict, (allowed) =>
            allowed ? resolve(file) : reject(new NativeDOMException('The file was not given to the page', 'NotAllowedError')),
          );
        },
        reject,
      ]),
    );
  });
}
