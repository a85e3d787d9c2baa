/**
 * The upload observer: capture-phase listeners that see every file handed to the page.
 *
 * - Registered on `window` at document_start in the ISOLATED world, so they run before any page
 *   listener, and the page's prototypes (even a replaced addEventListener) are not ours.
 * - `change`/`input` are not composed for file inputs in Firefox, and `change` never is: inputs in
 *   shadow roots (open or closed) are caught by listeners on the roots themselves, found by a
 *   MutationObserver and, for roots attached late, on the interaction that precedes a picker.
 * - One user action gives one event per file: `input` and `change` for the same selection, or the
 *   same event seen at a shadow root and at window, are reported once.
 */
import { LIMITS } from '../core/schema/limits';
import type { Channel } from '../core/schema/identifiers';
import type { UploadObserved } from '../core/schema/messages';
import { expandTaken, takeDataTransfer } from './dropped-entries';
import { describeFiles, type CollectedFile } from './file-head';

export interface ObserverDeps {
  send: (message: UploadObserved) => Promise<unknown>;
  shadowRootOf: (element: Element) => ShadowRoot | null;
  newActionId: () => string;
  now: () => number;
}

/** A selection seen on one input within this window counts once (input + change of one pick). */
const SAME_SELECTION_MS = 5_000;

function selectionSignature(files: FileList): string {
  return Array.from(files, (f) => `${f.name}\u0000${f.size}\u0000${f.lastModified}`).join('\u0001');
}

export function startUploadObserver(win: Window, deps: ObserverDeps): void {
  const handledEvents = new WeakSet<Event>();
  const lastSelection = new WeakMap<HTMLInputElement, { signature: string; at: number }>();
  const hookedRoots = new WeakSet<ShadowRoot>();

  const report = async (channel: Channel, trustedEvent: boolean, collected: CollectedFile[]) => {
    if (collected.length === 0) return;
    const actionId = deps.newActionId();
    for (let i = 0; i < collected.length; i += LIMITS.filesPerMessage) {
      const files = await describeFiles(collected.slice(i, i + LIMITS.filesPerMessage));
      try {
        await deps.send({ type: 'upload/observed', actionId, channel, trustedEvent, files });
      } catch {
        // The extension was reloaded or updated under this page: nothing to report to any more.
        return;
      }
    }
  };

  const onFileInput = (event: Event) => {
    if (handledEvents.has(event)) return;
    handledEvents.add(event);
    const input = event.composedPath()[0];
    if (!(input instanceof HTMLInputElement) || input.type !== 'file' || !input.files || input.files.length === 0) return;
    const signature = selectionSignature(input.files);
    const previous = lastSelection.get(input);
    const now = deps.now();
    if (previous && previous.signature === signature && now - previous.at < SAME_SELECTION_MS) return;
    lastSelection.set(input, { signature, at: now });
    void report('file_picker', event.isTrusted, Array.from(input.files, (file) => ({ file })));
  };

  const onDataTransfer = (channel: Channel) => (event: Event) => {
    if (handledEvents.has(event)) return;
    handledEvents.add(event);
    const dt = channel === 'paste' ? (event as ClipboardEvent).clipboardData : (event as DragEvent).dataTransfer;
    const taken = takeDataTransfer(dt);
    if (taken.length === 0) return;
    const trusted = event.isTrusted;
    void expandTaken(taken).then((collected) => report(channel, trusted, collected));
  };

  const hookRoot = (root: ShadowRoot) => {
    if (hookedRoots.has(root)) return;
    hookedRoots.add(root);
    root.addEventListener('change', onFileInput, true);
    root.addEventListener('input', onFileInput, true);
    scanForShadowRoots(root);
    mutations.observe(root, { childList: true, subtree: true });
  };

  const hookElement = (el: Element) => {
    const root = deps.shadowRootOf(el);
    if (root) hookRoot(root);
  };

  const scanForShadowRoots = (node: ParentNode) => {
    if (node instanceof Element) hookElement(node);
    for (const el of node.querySelectorAll('*')) hookElement(el);
  };

  const mutations = new MutationObserver((records) => {
    for (const record of records) {
      for (const node of record.addedNodes) if (node instanceof Element) scanForShadowRoots(node);
    }
  });

  // A shadow root attached after its host was inserted (a late-upgraded custom element) makes no
  // mutation: hook roots along the path of the interaction that precedes opening a picker.
  const onInteraction = (event: Event) => {
    for (const target of event.composedPath()) if (target instanceof Element) hookElement(target);
  };

  win.addEventListener('change', onFileInput, true);
  win.addEventListener('input', onFileInput, true);
  win.addEventListener('drop', onDataTransfer('drag_drop'), true);
  win.addEventListener('paste', onDataTransfer('paste'), true);
  for (const type of ['pointerdown', 'mousedown', 'click', 'focusin', 'keydown', 'dragenter']) {
    win.addEventListener(type, onInteraction, true);
  }
  mutations.observe(win.document, { childList: true, subtree: true });
  if (win.document.documentElement) scanForShadowRoots(win.document);
  // Custom elements defined after parsing are upgraded in place (no mutation): rescan once the
  // document is parsed and once it has loaded.
  const rescan = () => scanForShadowRoots(win.document);
  win.addEventListener('DOMContentLoaded', rescan, { capture: true, once: true });
  win.addEventListener('load', rescan, { capture: true, once: true });
}
