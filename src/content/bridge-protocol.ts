/**
 * The event names of the bridge between the MAIN-world hooks and the ISOLATED-world observer.
 *
 * The two worlds share DOM nodes but no JavaScript objects. Every message is an event dispatched
 * on a detached node, which reaches only listeners on that node, so pages never see it. Nodes
 * travel as `SubmitEvent.submitter`, which is not retargeted across shadow boundaries
 * (`relatedTarget` is), and files as `CustomEvent.detail` (structured-cloned across worlds in
 * Chromium, seen through Xray wrappers in Firefox).
 *
 * The handshake (issue 13, Observer v2): the MAIN world runs in every frame at document_start;
 * the ISOLATED world at document_start in the top frame only, and in a subframe when it is
 * injected later, after page scripts ran. So the handshake must hold against a page that already
 * runs:
 * - The MAIN world keeps a detached element D with a CLOSED shadow root holding a node C, and
 *   listens for the hello on C only. Only an extension context can open a closed root
 *   (shadow-roots.ts), so a page can neither see the hello nor connect first to blind the frame.
 * - The ISOLATED world learns D on `window.visualViewport`, an event target that document.open()
 *   does not clear, where both worlds listen from before any page script (the MAIN world from
 *   document_start; a late ISOLATED world asks with `ask`, the MAIN world's first-registered
 *   listener takes the question, stops it and answers at the asker's own detached node).
 * - It then dispatches its hello, its bridge node as `submitter`, at C, not composed.
 *
 * Claims of script-made files are claims: the ISOLATED world validates every field and never
 * makes them trusted events. Only in a subframe, where the MAIN world is the front line (its
 * capture listeners on window are the first), a DOM file event's trust mark, read by the MAIN
 * world from the event itself, is honoured, and only through this authenticated bridge.
 */
// The names are short: both content scripts carry them, in every frame (issue 13's size budget).
export const BRIDGE = {
  /** ISOLATED → C (inside D's closed root): the bridge node, as `submitter`. */
  hello: 'uw-hi',
  /** MAIN → visualViewport at start, or → the asker's node: D, as `submitter`. */
  here: 'uw-d',
  /** ISOLATED → visualViewport: where is D? The asker's detached node as `submitter`. */
  ask: 'uw-a',
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
  /**
   * MAIN → bridge: would a DOM file event pass now, unstopped? `detail`: `t` or `u` (its isTrusted)
   * then an id; the ISOLATED world answers at once with the verdict `p` for that id when it would
   * (see main-world/front-line.ts: a dropped folder then reaches the page as it is).
   */
  probe: 'uw-pb',
} as const;

/** How a held DOM event is given back to the page once allowed (see docs/observer.md, "Holding"). */
export interface ReleaseInfo {
  kind: 'input' | 'drop' | 'paste';
  /** Pointer and modifier state of a drop, as the page would have read it. */
  mouse?: Partial<Record<'clientX' | 'clientY' | 'screenX' | 'screenY', number>> & Partial<Record<'ctrlKey' | 'shiftKey' | 'altKey' | 'metaKey', boolean>>;
  /** Non-file data of a paste or drop (text/plain, text/html, …) by type. */
  strings?: [string, string][];
}

/**
 * A held drop's or paste's ReleaseInfo, taken during the event: its non-file strings (each world
 * reads them its own way: the MAIN world through natives captured at document_start) and a drop's
 * pointer and modifiers.
 */
export function releaseInfo(event: Event, strings: [string, string][], drop: boolean): ReleaseInfo {
  const m = event as MouseEvent;
  return {
    kind: drop ? 'drop' : 'paste',
    ...(strings.length && { strings }),
    ...(drop && {
      mouse: {
        clientX: m.clientX,
        clientY: m.clientY,
        screenX: m.screenX,
        screenY: m.screenY,
        ctrlKey: m.ctrlKey,
        shiftKey: m.shiftKey,
        altKey: m.altKey,
        metaKey: m.metaKey,
      },
    }),
  };
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

/**
 * A subframe's MAIN world asks the top frame to have its ISOLATED world injected: `top.postMessage`
 * of this string. The top frame's observer takes it first and stops it (observer-frames.ts).
 */
export const FRAME_REQUEST = 'uw-observe';

/**
 * How long a file event or a send may wait for its report to be safe before the page gets it: a
 * subframe's MAIN world waiting for the ISOLATED world to arrive, and a file event in the top frame
 * waiting for its report to be taken (observer.ts, issue 15 item 5). A page removing its frame in its
 * own handler loses the report when the page gets the event first. Then the page gets it (nothing
 * could decide, as when no observer runs) and the report still goes once the observer arrives; a
 * held file's decision then has its own bound (DECIDE_WITHIN_MS).
 */
export const OBSERVER_WAIT_MS = 5000;

/** Channels of DOM file events, claimed by a subframe's MAIN world (the front line there). */
export type DomChannel = 'file_picker' | 'drag_drop' | 'paste';

export interface BridgeFiles {
  channel: 'fs_access' | 'programmatic' | DomChannel;
  /** A DOM event's own isTrusted, read by the MAIN world (honoured only in a subframe). */
  trusted?: boolean;
  parts: BridgePart[];
  /** Where a programmatic upload went: the request URL as the page gave it, resolved, and the bytes sent. */
  sentTo?: { url: string; bytes: number; via: SendVia };
  /** Set when the MAIN world waits for a verdict before it lets the page have or send the files. */
  hold?: string;
}
