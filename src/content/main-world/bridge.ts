/** The MAIN world's end of the bridge (see bridge-protocol.ts). */
import { BRIDGE, type BridgeFiles } from '../bridge-protocol';
import { tamperedHooks } from './disguise';

const { apply } = Reflect;
const addListener = EventTarget.prototype.addEventListener;
const removeListener = EventTarget.prototype.removeEventListener;
const dispatch = EventTarget.prototype.dispatchEvent;
const NativeSubmitEvent = typeof SubmitEvent === 'function' ? SubmitEvent : undefined;
const NativeCustomEvent = CustomEvent;
const NativeEvent = Event;

export interface MainBridge {
  node(node: Element): void;
  files(files: BridgeFiles): void;
  rearm(): void;
}

export function connectMainBridge(doc: Document): MainBridge {
  let bridge: Element | undefined;
  const onHello = (event: Event) => {
    const node = (event as SubmitEvent).submitter;
    if (bridge || !node) return;
    bridge = node;
    apply(removeListener, doc, [BRIDGE.hello, onHello, true]);
    // Tells the observer the bridge is up, so it stops answering requests for the node.
    apply(dispatch, node, [new NativeEvent(BRIDGE.rearm)]);
    // The observer asks before it reports a DOM event: are the hooks still in place?
    apply(addListener, node, [BRIDGE.ping, () => apply(dispatch, node, [new NativeCustomEvent(BRIDGE.pong, { detail: tamperedHooks().join(',') })])]);
  };
  apply(addListener, doc, [BRIDGE.hello, onHello, true]);
  // If the observer started first, its hello is gone: ask for it again (no page script has run yet).
  apply(dispatch, doc, [new NativeEvent(BRIDGE.helloAgain)]);

  const send = (event: Event) => {
    if (bridge) apply(dispatch, bridge, [event]);
  };
  return {
    node: (node) => NativeSubmitEvent && send(new NativeSubmitEvent(BRIDGE.node, { submitter: node as HTMLElement })),
    files: (files) => send(new NativeCustomEvent(BRIDGE.files, { detail: files })),
    rearm: () => send(new NativeEvent(BRIDGE.rearm)),
  };
}
