/**
 * The ISOLATED world's end of the bridge (see bridge-protocol.ts). Everything that arrives is a
 * claim: it is checked field by field here, and what it leads to is marked as bridged and never
 * as a trusted event.
 */
import type { Channel } from '../core/schema/identifiers';
import { LIMITS } from '../core/schema/limits';
import type { SentTo } from '../core/schema/messages';
import { BRIDGE, type ReleaseInfo } from './bridge-protocol';
import type { CollectedFile } from './file-head';

export interface BridgeHandlers {
  node: (element: Element) => void;
  /** Files the page took or sent by script, unchecked (parseBridgeFiles checks them); a `hold` claim waits for `verdict(hold, …)`. */
  files: (detail: unknown) => void;
  rearm: () => void;
  /** Would a DOM file event with this isTrusted pass now, unheld (the MAIN world asks before it lets a folder drop through)? */
  passes?: (trusted: boolean) => boolean;
}

export interface IsolatedBridge {
  /**
   * Meets the MAIN world (called once the bridge is assigned: what waited for it is handed over at
   * once). False when it did not answer now (in the top frame it may still start after us).
   */
  connect(): boolean;
  /** Hooks the page removed or restored, asked of the MAIN world now; `hooks_absent` when it does not answer. */
  tamper(): string[];
  /** Answers a held claim: `p` pass, `h` held (then `a` allowed or `b` blocked). */
  verdict(hold: string, letter: 'p' | 'h' | 'a' | 'b'): void;
  /** Has the MAIN world re-dispatch a held DOM event at `target` with these files (see main-world/release.ts). */
  release(target: Element, files: readonly File[], info: ReleaseInfo, handles?: readonly unknown[]): void;
}

const VIA = new Set(['fetch', 'xhr', 'beacon', 'websocket']);

const str = (v: unknown, max: number) => (typeof v === 'string' ? v.slice(0, max) : undefined);
const count = (v: unknown) => (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : undefined);

function parseSentTo(raw: unknown): SentTo | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const r = raw as Record<string, unknown>;
  const url = str(r.url, LIMITS.url);
  const bytes = count(r.bytes);
  if (url === undefined || bytes === undefined || typeof r.via !== 'string' || !VIA.has(r.via)) return undefined;
  return { url, bytes, via: r.via as SentTo['via'] };
}

function parsePart(raw: unknown): CollectedFile | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const r = raw as Record<string, unknown>;
  const name = str(r.name, LIMITS.fileName);
  const size = count(r.size);
  if (!(r.blob instanceof Blob) || name === undefined || size === undefined) return undefined;
  const lastModified = typeof r.lastModified === 'number' ? r.lastModified : Date.now();
  const file = new File([r.blob], name, { type: str(r.type, LIMITS.mimeType) ?? '', lastModified });
  const relativePath = str(r.relativePath, LIMITS.relativePath);
  return { file, ...(size !== file.size && { size }), ...(r.anonymous === true && { anonymous: true }), ...(relativePath && { relativePath }) };
}

const DOM_CHANNELS = new Set(['file_picker', 'drag_drop', 'paste']);

export interface ParsedBridgeFiles {
  channel: Channel;
  files: CollectedFile[];
  sentTo: SentTo | undefined;
  hold?: string;
  /** A DOM event's own isTrusted, as the MAIN world read it (only with `dom`). */
  trusted?: boolean;
}

/**
 * The files of a bridge message, or undefined when it is malformed. `dom`: a subframe's DOM event
 * claimed by its MAIN world (front-line.ts) — only those channels, and its trust mark kept.
 */
export function parseBridgeFiles(detail: unknown, dom = false): ParsedBridgeFiles | undefined {
  if (!detail || typeof detail !== 'object') return undefined;
  const d = detail as Record<string, unknown>;
  if (dom ? !DOM_CHANNELS.has(d.channel as string) : d.channel !== 'fs_access' && d.channel !== 'programmatic') return undefined;
  const parts = d.parts;
  if (!Array.isArray(parts)) return undefined;
  const files = parts.slice(0, LIMITS.filesPerMessage).map(parsePart);
  if (files.length === 0 || files.some((f) => !f)) return undefined;
  const sentTo = d.channel === 'programmatic' ? parseSentTo(d.sentTo) : undefined;
  if (d.channel === 'programmatic' && !sentTo) return undefined;
  const hold = typeof d.hold === 'string' && d.hold.length > 0 && d.hold.length <= 16 ? d.hold : undefined;
  return { channel: d.channel as Channel, files: files as CollectedFile[], sentTo, ...(hold && { hold }), ...(dom && { trusted: d.trusted === true }) };
}

/** The nearest HTML element at or above `el` (a SubmitEvent's submitter must be one), across shadow roots. */
function htmlElementAt(el: Element): HTMLElement | undefined {
  let at: Node | null = el;
  while (at && !(at instanceof HTMLElement)) at = at.parentNode instanceof ShadowRoot ? at.parentNode.host : at.parentNode;
  return at ?? undefined;
}

/**
 * The handshake (bridge-protocol.ts). `openRoot` opens a closed shadow root (shadow-roots.ts).
 * `late`: injected after page scripts ran (a subframe): D is taken only as the answer to our own
 * question, at once; at document_start (the top frame) also from the MAIN world's announcement,
 * which comes before any page script when the MAIN world starts after us.
 */
export function connectIsolatedBridge(win: Window, handlers: BridgeHandlers, openRoot: (element: Element) => ShadowRoot | null, late = false): IsolatedBridge {
  const doc = win.document;
  const node = doc.createElement('span');
  const meeting: EventTarget = win.visualViewport ?? win;
  let connected = false;
  const connect = (d: Element | null | undefined) => {
    const c = !connected && d instanceof Element ? openRoot(d)?.firstChild : undefined;
    if (!c) return;
    connected = true;
    meeting.removeEventListener(BRIDGE.here, onHere);
    c.dispatchEvent(new SubmitEvent(BRIDGE.hello, { submitter: node }));
  };
  const onHere = (event: Event) => {
    event.stopImmediatePropagation();
    connect((event as SubmitEvent).submitter);
  };

  node.addEventListener(BRIDGE.node, (event) => {
    const element = (event as SubmitEvent).submitter;
    if (element instanceof Element) handlers.node(element);
  });
  node.addEventListener(BRIDGE.files, (event) => handlers.files((event as CustomEvent).detail));
  node.addEventListener(BRIDGE.rearm, () => handlers.rearm());
  node.addEventListener(BRIDGE.probe, (event) => {
    const detail: unknown = (event as CustomEvent).detail;
    if (typeof detail !== 'string' || detail.length < 2 || detail.length > 17) return;
    if (handlers.passes?.(detail[0] === 't')) node.dispatchEvent(new CustomEvent(BRIDGE.verdict, { detail: `p${detail.slice(1)}` }));
  });

  // The files of a released event travel in a detached file input: DOM objects need no cloning
  // between the worlds, and the MAIN world reads the very File objects the person gave.
  let carrier: HTMLInputElement | undefined;
  return {
    connect() {
      if (!late) meeting.addEventListener(BRIDGE.here, onHere);
      const asker = doc.createElement('span');
      asker.addEventListener(BRIDGE.here, (event) => connect((event as SubmitEvent).submitter));
      meeting.dispatchEvent(new SubmitEvent(BRIDGE.ask, { submitter: asker }));
      return connected;
    },
    verdict: (hold, letter) => node.dispatchEvent(new CustomEvent(BRIDGE.verdict, { detail: `${letter}${hold}` })),
    release(target, files, info, handles) {
      const at = htmlElementAt(target);
      if (!at) return;
      if (!carrier) {
        carrier = doc.createElement('input');
        carrier.type = 'file';
        carrier.multiple = true;
      }
      const dt = new DataTransfer();
      for (const file of files) dt.items.add(file);
      carrier.files = dt.files;
      node.dispatchEvent(new SubmitEvent(BRIDGE.carrier, { submitter: carrier }));
      node.dispatchEvent(new CustomEvent(BRIDGE.releaseInfo, { detail: JSON.stringify(info) }));
      node.dispatchEvent(new CustomEvent(BRIDGE.releaseHandles, { detail: handles?.length ? handles : null }));
      node.dispatchEvent(new SubmitEvent(BRIDGE.release, { submitter: at }));
      carrier.value = '';
    },
    tamper() {
      let answer: unknown;
      const onPong = (event: Event) => {
        answer = (event as CustomEvent).detail;
      };
      node.addEventListener(BRIDGE.pong, onPong);
      node.dispatchEvent(new Event(BRIDGE.ping));
      node.removeEventListener(BRIDGE.pong, onPong);
      if (typeof answer !== 'string') return ['hooks_absent'];
      return answer ? answer.split(',', 16).map((s) => s.slice(0, 64)) : [];
    },
  };
}
