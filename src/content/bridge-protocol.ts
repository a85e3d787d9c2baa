/**
 * The event names of the bridge between the MAIN-world hooks and the ISOLATED-world observer.
 *
 * The two worlds share DOM nodes but no JavaScript objects. The ISOLATED world makes a detached
 * element (the bridge node) and hands it to the MAIN world once, at document_start, before any page
 * script runs. After that every message is an event dispatched on that node: events on a detached
 * node reach only listeners on that node, so pages never see them. Nodes travel as
 * `SubmitEvent.submitter`, which is not retargeted across shadow boundaries (`relatedTarget` is),
 * and script-made files as `CustomEvent.detail` (structured-cloned across worlds in Chromium,
 * seen through Xray wrappers in Firefox).
 *
 * A page that learns the bridge node can dispatch the same events: the ISOLATED world treats all
 * of them as claims (never trusted events) and validates every field.
 */
// The names are short: both content scripts carry them, in every frame (issue 13's size budget).
export const BRIDGE = {
  /** ISOLATED → document: the bridge node, as `submitter`. */
  hello: 'uw-hi',
  /** MAIN → document: the MAIN world started after the ISOLATED one; send hello again. */
  helloAgain: 'uw-hi2',
  /** MAIN → bridge: a shadow host or a file input the page is using, as `submitter`. */
  node: 'uw-n',
  /** MAIN → bridge: files the page took or sent by script, in `detail` (see BridgeFiles). */
  files: 'uw-f',
  /** MAIN → bridge: document.open()/write() erased the listeners on window and document. */
  rearm: 'uw-r',
  /** ISOLATED → bridge: are the hooks in place? MAIN answers at once with `pong`. */
  ping: 'uw-pi',
  /** MAIN → bridge: `detail` lists hooks the page removed or restored to the native. */
  pong: 'uw-po',
  /**
   * ISOLATED → bridge: the answer to files sent with a `hold` id (response, issue 14); `detail` is
   * a string, the verdict's letter then the id: `p` pass (nothing held: send, then report as
   * usual), `h` held (`a` allowed or `b` blocked follows), `a` allowed, `b` blocked. `p` and `h`
   * come at once, inside the MAIN world's dispatch.
   */
  verdict: 'uw-v',
  /** ISOLATED → bridge, before `release`: the detached file input holding the files, as `submitter`. */
  carrier: 'uw-c',
  /** ISOLATED → bridge, before `release`: what to re-dispatch, as a JSON string (ReleaseInfo). */
  releaseInfo: 'uw-ri',
  /**
   * ISOLATED → bridge, before `release` of a drop (Chromium): the dropped files' File System
   * Access handles in `detail`, so `getAsFileSystemHandle()` on the re-dispatched items gives them.
   */
  releaseHandles: 'uw-rh',
  /** ISOLATED → bridge: re-dispatch the held event at this target (`submitter`) with the carrier's files. */
  release: 'uw-rl',
} as const;

/** How a held DOM event is given back to the page once allowed (see docs/observer.md, "Holding"). */
export interface ReleaseInfo {
  kind: 'input' | 'drop' | 'paste';
  /** Pointer and modifier state of a drop, as the page would have read it. */
  mouse?: Partial<Record<'clientX' | 'clientY' | 'screenX' | 'screenY', number>> & Partial<Record<'ctrlKey' | 'shiftKey' | 'altKey' | 'metaKey', boolean>>;
  /** Non-file data of a paste or drop (text/plain, text/html, …) by type. */
  strings?: [string, string][];
}

export type SendVia = 'fetch' | 'xhr' | 'beacon' | 'websocket';

/** One file or body handed over by script. `size` is the whole body's; `blob` may hold only its head. */
export interface BridgePart {
  blob: Blob;
  name: string;
  size: number;
  type: string;
  lastModified?: number;
  relativePath?: string;
  /** A Blob or ArrayBuffer with no file name (only sent above LIMITS.anonymousBodyFloor). */
  anonymous?: boolean;
}

export interface BridgeFiles {
  channel: 'fs_access' | 'programmatic';
  parts: BridgePart[];
  /** Where a programmatic upload went: the request URL as the page gave it, resolved, and the bytes sent. */
  sentTo?: { url: string; bytes: number; via: SendVia };
  /** Set when the MAIN world waits for a verdict before it lets the page have or send the files. */
  hold?: string;
}
