// The top frame's observer takes subframes' requests for an observer (src/content/observer-frames.ts):
// first on window, stopped there (the page never sees them), and asks the background; Firefox's
// runtime.getFrameId names the frame, Chromium has none (every frame is swept).
import { afterEach, describe, expect, it } from 'vitest';
import { FRAME_REQUEST } from '../../../src/content/bridge-protocol';
import { frameRequestListener } from '../../../src/content/observer-frames';

const g = globalThis as { browser?: unknown };
afterEach(() => {
  delete g.browser;
});

function topFrame() {
  const sent: unknown[] = [];
  const listener = frameRequestListener(window, async (message) => sent.push(message));
  window.addEventListener('message', listener, true);
  const pageSaw: unknown[] = [];
  const page = (event: MessageEvent) => pageSaw.push(event.data);
  window.addEventListener('message', page, true);
  window.addEventListener('message', page);
  const post = (data: unknown, source: unknown) => window.dispatchEvent(new MessageEvent('message', { data, source: source as Window }));
  const done = () => {
    window.removeEventListener('message', listener, true);
    window.removeEventListener('message', page, true);
    window.removeEventListener('message', page);
  };
  return { sent, pageSaw, post, done };
}

const subframe = { name: 'a subframe window' };

describe("the top frame's observer and subframes' requests", () => {
  it('takes a request before the page and asks for every frame (no getFrameId)', () => {
    const top = topFrame();
    top.post(FRAME_REQUEST, subframe);
    top.done();
    expect(top.sent).toEqual([{ type: 'frames/observe' }]);
    expect(top.pageSaw).toEqual([]);
  });

  it('names the frame that asked where runtime.getFrameId exists (Firefox)', () => {
    g.browser = { runtime: { getFrameId: (source: unknown) => (source === subframe ? 12 : -1) } };
    const top = topFrame();
    top.post(FRAME_REQUEST, subframe);
    top.done();
    expect(top.sent).toEqual([{ type: 'frames/observe', frameId: 12 }]);
  });

  it("leaves the page's own messages alone, and ignores requests from the top window itself", () => {
    const top = topFrame();
    top.post('hello', subframe);
    top.post({ kind: FRAME_REQUEST }, subframe);
    top.post(FRAME_REQUEST, window);
    top.done();
    expect(top.sent).toEqual([]);
    expect(top.pageSaw).toEqual(['hello', 'hello', { kind: FRAME_REQUEST }, { kind: FRAME_REQUEST }]);
  });
});
