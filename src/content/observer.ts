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
 */
import { LIMITS } from '../core/schema/limits';
import type { Channel } from '../core/schema/identifiers';
import type { SentTo, UploadObserved, UploadSent } from '../core/schema/messages';
import { connectIsolatedBridge, type BridgeHandlers } from './bridge-receiver';
import { expandTaken, takeDataTransfer } from './dropped-entries';
import { describeFiles, type CollectedFile } from './file-head';

export interface ObserverDeps {
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

  const report = (channel: Channel, trustedEvent: boolean, collected: CollectedFile[], options: ReportOptions = {}): Promise<void> => {
    if (collected.length === 0) return Promise.resolve();
    const actionId = deps.newActionId();
    const reported = sendAction(actionId, channel, trustedEvent, collected, options);
    for (const item of collected) remember(itemSignature(item), actionId, reported);
    return reported;
  };

  const sendAction = async (actionId: string, channel: Channel, trustedEvent: boolean, collected: CollectedFile[], options: ReportOptions) => {
    for (let i = 0; i < collected.length; i += LIMITS.filesPerMessage) {
      const files = await describeFiles(collected.slice(i, i + LIMITS.filesPerMessage));
      const extra = {
        ...(options.bridged && { bridged: true }),
        ...(options.sentTo && { sentTo: options.sentTo }),
        ...(options.tamper?.length && { tamper: options.tamper.slice(0, 16) }),
      };
      try {
        await deps.send({ type: 'upload/observed', actionId, channel, trustedEvent, ...extra, files });
      } catch {
        // The extension was reloaded or updated under this page: nothing to report to any more.
        return;
      }
    }
  };

  /** Files handed over by script: new uploads, or sends of files this frame already reported. */
  const onBridgedFiles: BridgeHandlers['files'] = (channel, collected, sentTo) => {
    const fresh: CollectedFile[] = [];
    const sends = new Map<string, { files: FileFacts[]; reported: Promise<unknown> }>();
    const host = sentTo ? hostOf(sentTo.url) : '';
    for (const item of collected) {
      const seen = recall(itemSignature(item));
      if (!seen) fresh.push(item);
      else if (sentTo && !seen.sentTo.has(host)) {
        seen.sentTo.add(host);
        const entry = sends.get(seen.actionId) ?? { files: [], reported: seen.reported };
        entry.files.push(item.file);
        sends.set(seen.actionId, entry);
      }
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
    if (handledEvents.has(event)) return;
    handledEvents.add(event);
    const input = event.composedPath()[0];
    if (!(input instanceof HTMLInputElement) || input.type !== 'file' || !input.files || input.files.length === 0) return;
    const signature = Array.from(input.files, signatureOf).join('\u0001');
    const previous = lastSelection.get(input);
    const now = deps.now();
    if (previous && previous.signature === signature && now - previous.at < SAME_SELECTION_MS) return;
    lastSelection.set(input, { signature, at: now });
    void report(
      'file_picker',
      event.isTrusted,
      Array.from(input.files, (file) => ({ file })),
      { tamper: bridge.tamper() },
    );
  };

  const onDataTransfer = (channel: Channel) => (event: Event) => {
    if (handledEvents.has(event)) return;
    handledEvents.add(event);
    const dt = channel === 'paste' ? (event as ClipboardEvent).clipboardData : (event as DragEvent).dataTransfer;
    const taken = takeDataTransfer(dt);
    if (taken.length === 0) return;
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
      if (el.type === 'file') listenOn(el);
      return;
    }
    const root = deps.shadowRootOf(el);
    if (root) listenOn(root);
  };

  // Declarative shadow roots call no hook: hook the roots along the path of an interaction.
  const onInteraction = (event: Event) => {
    for (const target of event.composedPath()) if (target instanceof Element && !hooked.has(target)) hookElement(target);
  };

  const arm = () => {
    win.addEventListener('change', onFileInput, true);
    win.addEventListener('input', onFileInput, true);
    win.addEventListener('drop', onDrop, true);
    win.addEventListener('paste', onPaste, true);
    for (const type of ['pointerdown', 'focusin', 'keydown']) win.addEventListener(type, onInteraction, true);
    bridge.listen();
  };

  const bridge = connectIsolatedBridge(win.document, { node: hookElement, files: onBridgedFiles, rearm: arm });
  arm();
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '';
  }
}
