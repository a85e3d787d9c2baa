/**
 * Injects the observer into subframes on demand (issue 13, Observer v2; src/content/observer-frames.ts
 * says when the top frame asks). Requests are coalesced per tab: one injection runs at a time, and
 * what is asked meanwhile (frames, or every frame) runs once after it, so a page that keeps asking
 * costs at most one injection after another; a frame that has the observer ignores it.
 */

/** Which frames: the ones listed, or every frame of the tab. */
export type FrameTarget = number[] | 'all';

export interface FrameInjectorDeps {
  /** scripting.executeScript of the observer; rejects when a frame is gone or not ours to inject. */
  inject(tabId: number, frames: FrameTarget): Promise<unknown>;
}

interface TabState {
  running: Promise<void>;
  /** Asked while an injection ran: every frame, or these frames. */
  next?: 'all' | Set<number>;
}

/** An injection that has not settled by then (a frame stuck navigating) no longer holds up the tab's next one. */
export const INJECT_WITHIN_MS = 5_000;

export function createFrameInjector(deps: FrameInjectorDeps, withinMs = INJECT_WITHIN_MS): (tabId: number, frameId?: number) => Promise<void> {
  const tabs = new Map<number, TabState>();

  const run = (tabId: number, frames: FrameTarget): Promise<void> => {
    const injected = deps.inject(tabId, frames).then(
      () => undefined,
      () => undefined,
    );
    const state: TabState = { running: Promise.race([injected, new Promise<void>((resolve) => setTimeout(resolve, withinMs))]) };
    tabs.set(tabId, state);
    state.running = state.running.then(() => {
      const next = state.next;
      if (tabs.get(tabId) === state) tabs.delete(tabId);
      if (next) return run(tabId, next === 'all' ? 'all' : [...next]);
    });
    return state.running;
  };

  return (tabId, frameId) => {
    const state = tabs.get(tabId);
    if (!state) return run(tabId, frameId === undefined ? 'all' : [frameId]);
    if (frameId === undefined) state.next = 'all';
    else if (state.next !== 'all') {
      state.next ??= new Set();
      state.next.add(frameId);
    }
    return state.running;
  };
}
