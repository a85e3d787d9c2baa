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
export const BRIDGE = {
  /** ISOLATED → document: the bridge node, as `submitter`. */
  hello: 'upwatch-hello',
  /** MAIN → document: the MAIN world started after the ISOLATED one; send hello again. */
  helloAgain: 'upwatch-hello-again',
  /** MAIN → bridge: a shadow host or a file input the page is using, as `submitter`. */
  node: 'upwatch-node',
  /** MAIN → bridge: files the page took or sent by script, in `detail` (see BridgeFiles). */
  files: 'upwatch-files',
  /** MAIN → bridge: document.open()/write() erased the listeners on window and document. */
  rearm: 'upwatch-rearm',
  /** ISOLATED → bridge: are the hooks in place? MAIN answers at once with `pong`. */
  ping: 'upwatch-ping',
  /** MAIN → bridge: `detail` lists hooks the page removed or restored to the native. */
  pong: 'upwatch-pong',
} as const;

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
}
