/** The MAIN-world script's one call: bridge first, then the hooks, then toString's disguise. */
import { connectMainBridge } from './bridge';
import { disguiseToString } from './disguise';
import { frontLine } from './front-line';
import { installHooks } from './hooks';

export function startPageHooks(win: Window & typeof globalThis): void {
  try {
    // The top frame's observer runs from document_start; a subframe's comes on demand, and until
    // then (and for DOM events always, its listeners coming after the page's) the MAIN world is the front line.
    const subframe = win !== win.top;
    const bridge = connectMainBridge(win, subframe);
    const front = subframe ? frontLine(win, bridge) : undefined;
    const rearm = bridge.rearm;
    // document.open()/write() erased the listeners on window: the front line's come back with the observer's.
    if (front)
      bridge.rearm = () => {
        rearm();
        front.arm();
      };
    installHooks(win, bridge, front?.watch);
    disguiseToString();
  } catch {
    // A page that is not a normal document (an XML viewer, a stripped-down frame): nothing to hook.
  }
}
