/**
 * The MAIN world's side of the bridge handshake (src/content/bridge-protocol.ts), played in unit
 * tests of the ISOLATED world: D with a closed shadow root holding C, given to an observer that asks
 * on visualViewport, and the hello heard on C. `shadowRootOf` opens D's closed root as an extension
 * context can (happy-dom has no openOrClosedShadowRoot).
 */
import { BRIDGE } from '../../../src/content/bridge-protocol';

export function fakeMainSide(win: Window = window) {
  const doc = win.document;
  const d = doc.createElement('span');
  const root = d.attachShadow({ mode: 'closed' });
  const c = doc.createElement('span');
  root.append(c);
  const meeting: EventTarget = win.visualViewport ?? win;
  const connected: ((node: HTMLElement) => void)[] = [];
  c.addEventListener(BRIDGE.hello, (event) => {
    const node = (event as SubmitEvent).submitter;
    if (node) for (const cb of connected) cb(node);
  });
  meeting.addEventListener(BRIDGE.ask, (event) => {
    event.stopImmediatePropagation();
    (event as SubmitEvent).submitter?.dispatchEvent(new SubmitEvent(BRIDGE.here, { submitter: d }));
  });
  return {
    shadowRootOf: (element: Element) => (element === d ? root : null),
    onHello: (cb: (node: HTMLElement) => void) => connected.push(cb),
  };
}
