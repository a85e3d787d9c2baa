/** The MAIN world's end of the bridge (see bridge-protocol.ts). */
import { BRIDGE, type BridgeFiles, type ReleaseInfo } from '../bridge-protocol';
import { tamperedHooks } from './disguise';
import { releaseHeld } from './release';

const { apply } = Reflect;
const addListener = EventTarget.prototype.addEventListener;
const removeListener = EventTarget.prototype.removeEventListener;
const dispatch = EventTarget.prototype.dispatchEvent;
const NativeSubmitEvent = typeof SubmitEvent === 'function' ? SubmitEvent : undefined;
const NativeCustomEvent = CustomEvent;
const NativeEvent = Event;
const NativeHTMLInputElement = HTMLInputElement;
const NativeElement = Element;
const parseJson = JSON.parse;
const NativePromise = Promise;
const stringSlice = String.prototype.slice;
const submitterOf = NativeSubmitEvent && Reflect.getOwnPropertyDescriptor(NativeSubmitEvent.prototype, 'submitter')?.get;
const detailOf = Reflect.getOwnPropertyDescriptor(NativeCustomEvent.prototype, 'detail')?.get;

/** 'pass': nothing is held (send now, then report with `files`); otherwise the verdict to wait for. */
export type Verdict = 'pass' | Promise<boolean>;

export interface MainBridge {
  node(node: Element): void;
  files(files: BridgeFiles): void;
  rearm(): void;
  /** Hands the files over for a decision before the page may send or read them (absent in tests of observation alone). */
  ask?(files: BridgeFiles): Verdict;
}

export function connectMainBridge(doc: Document): MainBridge {
  let bridge: Element | undefined;
  // Null-prototype records: the page cannot intercept them by patching Map or Object.prototype.
  const waiting: Record<string, (allowed: boolean) => void> = Object.create(null) as Record<string, (allowed: boolean) => void>;
  const answered: Record<string, string> = Object.create(null) as Record<string, string>;
  let carrier: HTMLInputElement | undefined;
  let releaseInfo: ReleaseInfo | undefined;
  let releaseHandles: unknown;
  let nextId = 0;

  const submitter = (event: Event) => (submitterOf ? (apply(submitterOf, event, []) as HTMLElement | null) : null);
  const detail = (event: Event) => (detailOf ? (apply(detailOf, event, []) as unknown) : undefined);

  const onVerdict = (event: Event) => {
    const text = detail(event);
    if (typeof text !== 'string' || text.length < 2) return;
    const letter = apply(stringSlice, text, [0, 1]) as string;
    const id = apply(stringSlice, text, [1]) as string;
    const resolve = waiting[id];
    if (resolve) {
      delete waiting[id];
      resolve(letter === 'a');
    } else answered[id] = letter;
  };
  const onCarrier = (event: Event) => {
    const node = submitter(event);
    carrier = node instanceof NativeHTMLInputElement ? node : undefined;
  };
  const onReleaseInfo = (event: Event) => {
    const text = detail(event);
    try {
      releaseInfo = typeof text === 'string' ? (parseJson(text) as ReleaseInfo) : undefined;
    } catch {
      releaseInfo = undefined;
    }
  };
  const onReleaseHandles = (event: Event) => {
    releaseHandles = detail(event);
  };
  const onRelease = (event: Event) => {
    const target = submitter(event);
    const info = releaseInfo;
    const handles = releaseHandles;
    releaseInfo = releaseHandles = undefined;
    if (!(target instanceof NativeElement) || !carrier || !info) return;
    try {
      releaseHeld(target, carrier, info, handles);
    } catch {
      // The page's own listeners threw (reported to the page) or this browser lacks a constructor.
    }
  };

  const onHello = (event: Event) => {
    const node = (event as SubmitEvent).submitter;
    if (bridge || !node) return;
    bridge = node;
    apply(removeListener, doc, [BRIDGE.hello, onHello, true]);
    // Tells the observer the bridge is up, so it stops answering requests for the node.
    apply(dispatch, node, [new NativeEvent(BRIDGE.rearm)]);
    // The observer asks before it reports a DOM event: are the hooks still in place?
    apply(addListener, node, [BRIDGE.ping, () => apply(dispatch, node, [new NativeCustomEvent(BRIDGE.pong, { detail: tamperedHooks().join(',') })])]);
    apply(addListener, node, [BRIDGE.verdict, onVerdict]);
    apply(addListener, node, [BRIDGE.carrier, onCarrier]);
    apply(addListener, node, [BRIDGE.releaseInfo, onReleaseInfo]);
    apply(addListener, node, [BRIDGE.releaseHandles, onReleaseHandles]);
    apply(addListener, node, [BRIDGE.release, onRelease]);
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
    ask(files) {
      // No observer to ask (it was never connected): nothing can decide, so nothing is held.
      if (!bridge) return 'pass';
      const id = `${++nextId}`;
      send(new NativeCustomEvent(BRIDGE.files, { detail: { ...files, hold: id } }));
      const now = answered[id];
      delete answered[id];
      // `h`: held, the verdict comes later; `a`/`b`: decided at once; `p` or no answer (no observer): pass.
      if (now === 'h') return new NativePromise<boolean>((resolve) => (waiting[id] = resolve));
      if (now === 'a' || now === 'b') return NativePromise.resolve(now === 'a');
      return 'pass';
    },
  };
}
