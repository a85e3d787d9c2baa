/**
 * The top frame's observer has subframes' observers injected (issue 13, Observer v2). Only the top
 * frame gets the ISOLATED world at document_start (an ISOLATED world in each of 20 subframes costs
 * ~7 % of a heavy page's load; the MAIN world nearly nothing): a subframe's MAIN world asks for its
 * own (`top.postMessage(FRAME_REQUEST)`) at the first sign that a file may come or when one came,
 * and every subframe gets it a moment after the top frame's load, outside the load's own time, so
 * the first pick in a frame is not delayed. The background injects it (`scripting.executeScript`);
 * a frame that has it already ignores it (entries/upload-observer.ts).
 */
import { FRAME_REQUEST } from './bridge-protocol';
import type { ObserverDeps } from './observer-api';

/** After the top frame's load: every subframe gets its observer then (outside the measured load). */
const AFTER_LOAD_MS = 1000;

type GetFrameId = (target: unknown) => number;

/** Firefox resolves the asking frame (runtime.getFrameId); Chromium has no such call: all frames are swept. */
function frameIdOf(source: unknown): number | undefined {
  const g = globalThis as { browser?: { runtime?: { getFrameId?: GetFrameId } }; chrome?: { runtime?: { getFrameId?: GetFrameId } } };
  const getFrameId = g.browser?.runtime?.getFrameId ?? g.chrome?.runtime?.getFrameId;
  try {
    const id = typeof getFrameId === 'function' ? getFrameId(source) : -1;
    return Number.isSafeInteger(id) && id > 0 ? id : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The listener for subframes' requests, for window's `message` in capture (added at document_start,
 * before any page listener): it stops them there, so the page never sees them. Anyone can send one;
 * it only ever injects our own script, once per frame.
 */
export function frameRequestListener(win: Window, send: ObserverDeps['send']): (event: MessageEvent) => void {
  return (event) => {
    if (event.data !== FRAME_REQUEST) return;
    event.stopImmediatePropagation();
    if (!event.source || event.source === win) return;
    const frameId = frameIdOf(event.source);
    void send({ type: 'frames/observe', ...(frameId !== undefined && { frameId }) }).catch(() => undefined);
  };
}

export function observeFramesAfterLoad(win: Window, send: ObserverDeps['send']): void {
  const sweep = () => {
    // window.length: the number of child frames.
    if (win.length > 0) void send({ type: 'frames/observe' }).catch(() => undefined);
  };
  const later = () => setTimeout(sweep, AFTER_LOAD_MS);
  if (win.document.readyState === 'complete') later();
  else win.addEventListener('load', later, { once: true });
}
