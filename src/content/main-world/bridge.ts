/**
 * The MAIN world's end of the bridge (see bridge-protocol.ts for the handshake). In a subframe the
 * ISOLATED world comes later, on demand (observer-frames.ts): until it is there, files and sends are
 * kept here (bounded) and the top frame is asked to have it injected; a send or a file event that
 * could be held waits for it like a held file waits for its decision, at most OBSERVER_WAIT_MS.
 */
import { BRIDGE, FRAME_REQUEST, OBSERVER_WAIT_MS, type BridgeFiles, type ReleaseInfo } from '../bridge-protocol';
import { tamperedHooks } from './disguise';
import { releaseHeld } from './release';

const { apply } = Reflect;
const addListener = EventTarget.prototype.addEventListener;
const dispatch = EventTarget.prototype.dispatchEvent;
const stopImmediate = Event.prototype.stopImmediatePropagation;
const NativeSubmitEvent = typeof SubmitEvent === 'function' ? SubmitEvent : undefined;
const NativeCustomEvent = CustomEvent;
const NativeEvent = Event;
const NativeHTMLInputElement = HTMLInputElement;
const NativeElement = Element;
const parseJson = JSON.parse;
const NativePromise = Promise;
const promiseThen = Promise.prototype.then;
const stringSlice = String.prototype.slice;
const createElement = Document.prototype.createElement;
const attachShadow = Element.prototype.attachShadow;
const appendChild = Node.prototype.appendChild;
const nativeSetTimeout = setTimeout;
const nativePostMessage = postMessage;
const perfNow = performance.now.bind(performance);
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
  /** A subframe: asks the top frame for this frame's ISOLATED world (a sign that a file may come). */
  request?(): void;
  /** True when the ISOLATED world is here and says a DOM file event with this isTrusted would pass now, unheld. */
  passes?(trusted: boolean): boolean;
}

/** Script-made claims kept for a subframe's ISOLATED world; beyond this many the page's calls go unobserved. */
const MAX_QUEUED = 200;
/**
 * A person's own file events (trusted: no page can make one up) are kept apart, up to this many: a
 * page flooding made-up drops or sends before the observer arrives cannot push a real pick out.
 */
const MAX_QUEUED_TRUSTED = 1000;
/**
 * Shadow hosts and file inputs announced before the observer arrives, kept for it up to this many:
 * it must know the roots the front line already watches (most are made while the page loads), or
 * it would listen on a closed one itself and report its picks a second time.
 */
const MAX_PENDING_NODES = 2000;
/** A subframe asks the top frame again after this long without an ISOLATED world. */
const REQUEST_EVERY_MS = 1000;
const isDomChannel = (channel: string) => channel !== 'programmatic' && channel !== 'fs_access';

interface Queued {
  files: BridgeFiles;
  /** Set while the page's call (or a file event) waits for a verdict. */
  resolve?: (allowed: boolean) => void;
}

/** `subframe`: the ISOLATED world comes on demand, so claims are kept until it does. */
export function connectMainBridge(win: Window & typeof globalThis, subframe = false): MainBridge {
  const doc = win.document;
  let bridge: Element | undefined;
  let queued: Queued[] = [];
  let queuedTrusted = 0;
  let pendingNodes: Element[] = [];
  let requestedAt = -Infinity;
  // Null-prototype records: the page cannot intercept them by patching Map or Object.prototype.
  const waiting: Record<string, (allowed: boolean) => void> = Object.create(null) as Record<string, (allowed: boolean) => void>;
  const answered: Record<string, string> = Object.create(null) as Record<string, string>;
  let carrier: HTMLInputElement | undefined;
  let releaseInfo: ReleaseInfo | undefined;
  let releaseHandles: unknown;
  let nextId = 0;

  // The native getter (a page cannot fake it); happy-dom (unit tests) has a plain property instead.
  const submitter = (event: Event) => (submitterOf ? (apply(submitterOf, event, []) as HTMLElement | null) : (event as SubmitEvent).submitter);
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
    const node = submitter(event);
    if (bridge || !node) return;
    bridge = node;
    // The observer asks before it reports a DOM event: are the hooks still in place?
    apply(addListener, node, [BRIDGE.ping, () => apply(dispatch, node, [new NativeCustomEvent(BRIDGE.pong, { detail: tamperedHooks().join(',') })])]);
    apply(addListener, node, [BRIDGE.verdict, onVerdict]);
    apply(addListener, node, [BRIDGE.carrier, onCarrier]);
    apply(addListener, node, [BRIDGE.releaseInfo, onReleaseInfo]);
    apply(addListener, node, [BRIDGE.releaseHandles, onReleaseHandles]);
    apply(addListener, node, [BRIDGE.release, onRelease]);
    drain();
  };

  const send = (event: Event) => {
    if (bridge) apply(dispatch, bridge, [event]);
  };
  const sendFiles = (files: BridgeFiles) => send(new NativeCustomEvent(BRIDGE.files, { detail: files }));
  const askNow = (files: BridgeFiles): Verdict => {
    const id = `${++nextId}`;
    send(new NativeCustomEvent(BRIDGE.files, { detail: { ...files, hold: id } }));
    const now = answered[id];
    delete answered[id];
    // `h`: held, the verdict comes later; `a`/`b`: decided at once; `p` or no answer (no observer): pass.
    if (now === 'h') return new NativePromise<boolean>((resolve) => (waiting[id] = resolve));
    if (now === 'a' || now === 'b') return NativePromise.resolve(now === 'a');
    return 'pass';
  };

  const request = () => {
    const now = perfNow();
    if (bridge || !subframe || now - requestedAt < REQUEST_EVERY_MS) return;
    requestedAt = now;
    const top = win.top;
    try {
      // The native first: a same-origin top page may have replaced its postMessage.
      apply(nativePostMessage, top, [FRAME_REQUEST, '*']);
    } catch {
      try {
        // A cross-origin top (its postMessage is the browser's own; this realm's cannot be called on it).
        top?.postMessage(FRAME_REQUEST, '*');
      } catch {
        // No top to ask: the top frame's sweep after its load still comes.
      }
    }
  };
  const enqueue = (files: BridgeFiles, resolve?: (allowed: boolean) => void) => {
    request();
    const trusted = files.trusted === true;
    if (trusted ? queuedTrusted >= MAX_QUEUED_TRUSTED : queued.length - queuedTrusted >= MAX_QUEUED) return resolve?.(true);
    if (trusted) queuedTrusted++;
    const item: Queued = { files, resolve };
    queued[queued.length] = item;
    if (!resolve) return;
    // Nothing could decide in time: the page gets it now; the report still goes when the observer arrives.
    nativeSetTimeout(() => {
      if (item.resolve) item.resolve(true);
      item.resolve = undefined;
    }, OBSERVER_WAIT_MS);
  };
  const announce = (node: Element) => NativeSubmitEvent && send(new NativeSubmitEvent(BRIDGE.node, { submitter: node as HTMLElement }));
  /** The ISOLATED world is here: what waited for it, in order (the nodes first: its claims may come from inside them). */
  const drain = () => {
    const nodes = pendingNodes;
    pendingNodes = [];
    for (let i = 0; i < nodes.length; i++) announce(nodes[i]!);
    const items = queued;
    queued = [];
    queuedTrusted = 0;
    for (let i = 0; i < items.length; i++) {
      const { files, resolve } = items[i]!;
      items[i]!.resolve = undefined;
      if (!resolve) {
        sendFiles(files);
        continue;
      }
      const verdict = askNow(files);
      // A pass of a send: it runs now and is reported as sent; a DOM event the observer reported itself.
      if (verdict !== 'pass') apply(promiseThen, verdict, [resolve]);
      else {
        if (!isDomChannel(files.channel)) sendFiles(files);
        resolve(true);
      }
    }
  };

  // The handshake (bridge-protocol.ts): C inside D's closed root hears the hello. In the top frame D
  // is announced now, to the observer already there; a subframe's is made when its observer asks
  // (no work at document_start in every frame for an observer that may never come).
  let d: HTMLElement | undefined;
  const here = () => {
    if (!d) {
      d = apply(createElement, doc, ['span']) as HTMLElement;
      const c = apply(createElement, doc, ['span']) as HTMLElement;
      apply(appendChild, apply(attachShadow, d, [{ mode: 'closed' }]), [c]);
      apply(addListener, c, [BRIDGE.hello, onHello]);
    }
    return NativeSubmitEvent && new NativeSubmitEvent(BRIDGE.here, { submitter: d });
  };
  const meeting = win.visualViewport ?? win;
  apply(addListener, meeting, [
    BRIDGE.ask,
    (event: Event) => {
      apply(stopImmediate, event, []);
      const asker = submitter(event);
      if (asker) apply(dispatch, asker, [here()]);
    },
  ]);
  if (!subframe) apply(dispatch, meeting, [here()]);

  return {
    node(node) {
      if (bridge) announce(node);
      else if (pendingNodes.length < MAX_PENDING_NODES) pendingNodes[pendingNodes.length] = node;
    },
    files: (files) => (bridge || !subframe ? sendFiles(files) : enqueue(files)),
    rearm: () => send(new NativeEvent(BRIDGE.rearm)),
    ask(files) {
      if (bridge) return askNow(files);
      // A subframe's observer is on its way; elsewhere none was ever connected: nothing can decide, so nothing is held.
      return subframe ? new NativePromise<boolean>((resolve) => enqueue(files, resolve)) : 'pass';
    },
    request,
    passes(trusted) {
      if (!bridge) return false;
      const id = `${++nextId}`;
      send(new NativeCustomEvent(BRIDGE.probe, { detail: `${trusted ? 't' : 'u'}${id}` }));
      const now = answered[id];
      delete answered[id];
      return now === 'p';
    },
  };
}
