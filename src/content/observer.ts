/**
 * The upload observer (ISOLATED world): DOM events that hand files to the page, and what the
 * MAIN-world hooks announce through the bridge. No document-wide scans: work happens when a file is
 * handed over (issue 13).
 *
 * - Capture listeners on `window` at document_start run before any page listener, and the page's
 *   prototypes (even a replaced addEventListener) are not ours.
 * - `change`/`input` of a file input are not composed in Firefox (`change` never is): the hooks
 *   announce every shadow root as it is created and every file input opened by script, and the
 *   observer listens on those directly. Roots the parser makes (declarative shadow DOM) call no
 *   hook: they are found along the path of the interaction that precedes opening a picker.
 * - One user action gives one event per file: `input` and `change` of one pick, the same event seen
 *   at a root and at window, and a picked file later sent by script (recorded on the pick's event)
 *   are reported once.
 * - Response (issue 14): when the frame's plan says files are held, a trusted file event is stopped
 *   here, before any page listener, and given back to the page (re-dispatched by the MAIN world)
 *   only once allowed; see holding.ts and docs/observer.md "Holding".
 */
import { LIMITS } from '../core/schema/limits';
import type { Channel } from '../core/schema/identifiers';
import type { SentTo, UploadObserved, UploadSent } from '../core/schema/messages';
import { connectIsolatedBridge, type BridgeHandlers } from './bridge-receiver';
import { expandTaken, takeDataTransfer } from './dropped-entries';
import { describeFiles, type CollectedFile } from './file-head';
import { startHolding, type ResponseDeps } from './response/holding';

export interface ObserverDeps extends ResponseDeps {
  send: (message: UploadObserved | UploadSent) => Promise<unknown>;
  shadowRootOf: (element: Element) => ShadowRoot | null;
  newActionId: () => string;
  now: () => number;
}

/** A selection seen on one input within this window counts once (input + change of one pick). */
const SAME_SELECTION_MS = 5_000;
/** A file reported from this frame is the same upload when sent or taken again within this window. */
const SAME_FILE_MS = 30 * 60_000;
const REMEMBERED_FILES = 500;

type FileFacts = Pick<File, 'name' | 'size'> & { lastModified?: number };
const signatureOf = (f: FileFacts) => `${f.name}\u0000${f.size}\u0000${f.lastModified ?? ''}`;
const itemSignature = ({ file, size }: CollectedFile) => signatureOf({ name: file.name, size: size ?? file.size, lastModified: file.lastModified });

interface Remembered {
  actionId: string;
  at: number;
  /** Settles when the action's events were handed to the extension: a send is recorded after them. */
  reported: Promise<unknown>;
  /** Hosts the file was already recorded going to. */
  sentTo: Set<string>;
}

export interface ReportOptions {
  bridged?: boolean;
  sentTo?: SentTo;
  tamper?: string[];
  /** Held until the reply (a decision): the action id to use. */
  hold?: string;
}

export function startUploadObserver(win: Window, deps: ObserverDeps): void {
  const handledEvents = new WeakSet<Event>();
  const lastSelection = new WeakMap<HTMLInputElement, { signature: string; at: number }>();
  const hooked = new WeakSet<EventTarget>();
  const remembered = new Map<string, Remembered>();

  const remember = (signature: string, actionId: string, reported: Promise<unknown>) => {
    remembered.delete(signature);
    remembered.set(signature, { actionId, at: deps.now(), reported, sentTo: new Set() });
    if (remembered.size > REMEMBERED_FILES) remembered.delete(remembered.keys().next().value!);
  };
  const recall = (signature: string) => {
    const found = remembered.get(signature);
    return found && deps.now() - found.at < SAME_FILE_MS ? found : undefined;
  };

  /** Sends the action's messages; resolves to their replies (decisions when held). */
  const report = (channel: Channel, trustedEvent: boolean, collected: CollectedFile[], options: ReportOptions = {}): Promise<unknown[]> => {
    if (collected.length === 0) return Promise.resolve([]);
    const actionId = options.hold ?? deps.newActionId();
    const reported = sendAction(actionId, channel, trustedEvent, collected, options);
    for (const item of collected) remember(itemSignature(item), actionId, reported);
    return reported;
  };

  const sendAction = async (actionId: string, channel: Channel, trustedEvent: boolean, collected: CollectedFile[], options: ReportOptions) => {
    const replies: unknown[] = [];
    for (let i = 0; i < collected.length; i += LIMITS.filesPerMessage) {
      const files = await describeFiles(collected.slice(i, i + LIMITS.filesPerMessage));
      const extra = {
        ...(options.bridged && { bridged: true }),
        ...(options.sentTo && { sentTo: options.sentTo }),
        ...(options.tamper?.length && { tamper: options.tamper.slice(0, 16) }),
        ...(options.hold && { hold: true }),
      };
      // The extension reloaded under this page: nothing to report to any more (a held action then
      // gets no decision, and the policy's failure mode applies).
      replies.push(await deps.send({ type: 'upload/observed', actionId, channel, trustedEvent, ...extra, files }).catch(() => undefined));
    }
    return replies;
  };

  const holding = startHolding(
    win,
    deps,
    () => bridge,
    (channel, trusted, collected, options) => report(channel, trusted, collected, options),
  );

  /** Files handed over by script: new uploads, or sends of files this frame already reported. */
  const onBridgedFiles: BridgeHandlers['files'] = (channel, collected, sentTo, hold) => {
    const fresh: CollectedFile[] = [];
    const sends = new Map<string, { files: FileFacts[]; reported: Promise<unknown> }>();
    const host = sentTo ? hostOf(sentTo.url) : '';
    for (const item of collected) {
      const seen = recall(itemSignature(item));
      if (!seen) fresh.push(item);
      else if (sentTo && !seen.sentTo.has(host) && !hold) {
        seen.sentTo.add(host);
        const entry = sends.get(seen.actionId) ?? { files: [], reported: seen.reported };
        entry.files.push(item.file);
        sends.set(seen.actionId, entry);
      }
    }
    // A send of files this frame already reported was decided when they were handed over.
    if (hold && fresh.length === 0) return bridge.verdict(hold, 'p');
    if (hold) {
      const tamper = bridge.tamper();
      const decided = holding.bridged(channel, fresh, (options) =>
        report(channel, false, fresh, { bridged: true, ...(sentTo && { sentTo }), tamper, ...options }),
      );
      if (decided === 'pass') return bridge.verdict(hold, 'p');
      bridge.verdict(hold, 'h');
      void decided.then((allowed) => {
        if (allowed && sentTo) for (const item of fresh) recall(itemSignature(item))?.sentTo.add(host);
        bridge.verdict(hold, allowed ? 'a' : 'b');
      });
      return;
    }
    for (const [actionId, { files, reported }] of sends) {
      const list = files.map((f) => ({ name: f.name.slice(0, LIMITS.fileName), size: f.size, lastModified: f.lastModified }));
      void reported
        .then(() => deps.send({ type: 'upload/sent', actionId, files: list.slice(0, LIMITS.filesPerMessage), sentTo: sentTo! }))
        .catch(() => undefined);
    }
    void report(channel, false, fresh, { bridged: true, ...(sentTo && { sentTo }), tamper: bridge.tamper() }).then(() => {
      if (sentTo) for (const item of fresh) recall(itemSignature(item))?.sentTo.add(host);
    });
  };

  const onFileInput = (event: Event) => {
    if (holding.releasing() || handledEvents.has(event)) return;
    handledEvents.add(event);
    const input = event.composedPath()[0];
    if (!(input instanceof HTMLInputElement) || input.type !== 'file') return;
    if (event.isTrusted && holding.isHeld(input)) return event.stopImmediatePropagation();
    if (!input.files || input.files.length === 0) return;
    const signature = Array.from(input.files, signatureOf).join('\u0001');
    const previous = lastSelection.get(input);
    const now = deps.now();
    if (previous && previous.signature === signature && now - previous.at < SAME_SELECTION_MS) return;
    lastSelection.set(input, { signature, at: now });
    if (holding.holdInput(event, input, bridge.tamper)) return;
    void report(
      'file_picker',
      event.isTrusted,
      Array.from(input.files, (file) => ({ file })),
      { tamper: bridge.tamper() },
    );
  };

  const onDataTransfer = (channel: 'drag_drop' | 'paste') => (event: Event) => {
    if (holding.releasing() || handledEvents.has(event)) return;
    handledEvents.add(event);
    const dt = channel === 'paste' ? (event as ClipboardEvent).clipboardData : (event as DragEvent).dataTransfer;
    const taken = takeDataTransfer(dt);
    if (taken.length === 0) return;
    if (holding.holdTransfer(event, channel, dt!, taken, bridge.tamper)) return;
    const trusted = event.isTrusted;
    const tamper = bridge.tamper();
    void expandTaken(taken).then((collected) => report(channel, trusted, collected, { tamper }));
  };
  const onDrop = onDataTransfer('drag_drop');
  const onPaste = onDataTransfer('paste');

  /** Listens for file selections on a shadow root or a file input (idempotent). */
  const listenOn = (target: EventTarget) => {
    if (hooked.has(target)) return;
    hooked.add(target);
    target.addEventListener('change', onFileInput, true);
    target.addEventListener('input', onFileInput, true);
  };
  const hookElement = (el: Element) => {
    if (el instanceof HTMLInputElement) {
      if (el.type === 'file') {
        listenOn(el);
        holding.warm();
      }
      return;
    }
    const root = deps.shadowRootOf(el);
    if (root) listenOn(root);
  };

  // Declarative shadow roots call no hook: hook the roots along the path of an interaction.
  const onInteraction = (event: Event) => {
    const path = event.composedPath();
    for (const target of path) if (target instanceof Element && !hooked.has(target)) hookElement(target);
    // Signs that a file may come: the plan is asked for now, not when the file arrives.
    const key = event as KeyboardEvent;
    if (key.ctrlKey || key.metaKey || path.some(isFileInputOrLabel)) holding.warm();
  };
  const onDragEnter = (event: Event) => {
    if ((event as DragEvent).dataTransfer?.types.includes('Files')) holding.warm();
  };

  const arm = () => {
    win.addEventListener('change', onFileInput, true);
    win.addEventListener('input', onFileInput, true);
    win.addEventListener('drop', onDrop, true);
    win.addEventListener('paste', onPaste, true);
    win.addEventListener('dragenter', onDragEnter, true);
    for (const type of ['pointerdown', 'focusin', 'keydown']) win.addEventListener(type, onInteraction, true);
    bridge.listen();
  };

  const bridge = connectIsolatedBridge(win.document, { node: hookElement, files: onBridgedFiles, rearm: arm });
  arm();
}

function isFileInputOrLabel(target: EventTarget): boolean {
  const input = target instanceof HTMLLabelElement ? target.control : target;
  return input instanceof HTMLInputElement && input.type === 'file';
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '';
  }
}
