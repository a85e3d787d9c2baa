/**
 * The upload observer's shell (ISOLATED world, every frame, document_start): only what must happen
 * during the event. Everything else is in the core, loaded the first time it is needed
 * (observer-api.ts). No document-wide scans: work happens when a file is handed over (issue 13).
 *
 * - Capture listeners on `window` at document_start run before any page listener, and the page's
 *   prototypes (even a replaced addEventListener) are not ours.
 * - `change`/`input` of a file input are not composed in Firefox (`change` never is): the hooks
 *   announce every shadow root as it is created and every file input opened by script, and the
 *   observer listens on those directly. Roots the parser makes (declarative shadow DOM) call no
 *   hook: they are found along the path of the interaction that precedes opening a picker.
 * - The files are reported in the listener itself, before any is read; their heads follow from the
 *   core. Chromium opens a message's channel only once the extension's worker runs and took it, and
 *   drops it, message and all, if the frame is gone by then (issue 15 item 5: a page removing its
 *   frame in its `change` handler while the worker sleeps or starts; a port opened at document_start
 *   is lost the same way). Unless the background answered this frame lately, the page's listeners
 *   get a file input's event once the report was taken (the heads' reply: a frame's messages are
 *   taken in order), given back as a held event is.
 * - Response (issue 14): a trusted file event is held here, before any page listener, when the
 *   frame's plan says files are held or the plan is not known yet, and given back (re-dispatched by
 *   the MAIN world) only once allowed; see docs/observer.md "Holding".
 */
import type { Channel } from '../core/schema/identifiers';
import { LIMITS } from '../core/schema/limits';
import { OBSERVER_WAIT_MS, type ReleaseInfo } from './bridge-protocol';
import { connectIsolatedBridge, parseBridgeFiles } from './bridge-receiver';
import { takeDataTransfer } from './dropped-entries';
import { dropHandles, releaseInfoOf } from './held-transfer';
import { factsOf, type CollectedFile } from './file-head';
import { frameRequestListener, observeFramesAfterLoad } from './observer-frames';
import type { ObserverCore, ObserverDeps, ObserverShell, Remembered, ReportOptions } from './observer-api';
import { planCache } from './response/plan';

/** A selection seen on one input within this window counts once (input + change of one pick). */
const SAME_SELECTION_MS = 5_000;
/** A file reported from this frame is the same upload when sent or taken again within this window. */
const SAME_FILE_MS = 30 * 60_000;
const REMEMBERED_FILES = 500;
const MAX_DEPTH = 32;
/** The background answered this frame within this long: its worker runs (it stops after 30 s idle). */
const AWAKE_MS = 20_000;
/** A file event waiting for its report to be taken reaches the page after this long at most. */
const DELIVERY_WAIT_MS = OBSERVER_WAIT_MS;

const signatureOf = (f: { name: string; size: number; lastModified?: number }) => `${f.name}\u0000${f.size}\u0000${f.lastModified ?? ''}`;
const itemSignature = ({ file, size }: CollectedFile) => signatureOf({ name: file.name, size: size ?? file.size, lastModified: file.lastModified });

export function startUploadObserver(win: Window, given: ObserverDeps): void {
  /**
   * A subframe: injected on demand, after page scripts ran (observer-frames.ts), its MAIN world being
   * the front line. Without a MAIN world to meet (its script could not start there), this observer
   * listens itself, as in the top frame: late, but better than not at all.
   */
  const subframe = win !== win.top;
  let late = subframe;
  /** Hosts of shadow roots the MAIN world saw created (a subframe's MAIN world listens on those). */
  const announced = new WeakSet<Element>();
  const handledEvents = new WeakSet<Event>();
  const lastSelection = new WeakMap<HTMLInputElement, { signature: string; at: number }>();
  const hooked = new WeakSet<EventTarget>();
  /** Inputs whose event is held: for a decision (''), or until its report is taken (the selection's signature). */
  const heldInputs = new WeakMap<HTMLInputElement, string>();
  let answeredAt = -Infinity;
  const deps: ObserverDeps = {
    ...given,
    send: (message) =>
      given.send(message).then((reply) => {
        answeredAt = given.now();
        return reply;
      }),
  };
  const remembered = new Map<string, Remembered>();
  let releasing = false;
  let core: ObserverCore | undefined;
  let loading: Promise<ObserverCore> | undefined;

  /** Runs `work` on the core, loading it the first time (a failed load is tried again next time). */
  const withCore = <T>(work: (core: ObserverCore) => T | Promise<T>): Promise<T> =>
    (loading ??= deps.loadCore().then(
      (start) => (core = start(shell)),
      (err: unknown) => {
        loading = undefined;
        throw err;
      },
    )).then(work);

  /** Sends the action's messages at once; `taken` settles at the background's first answer for it (or when none can come). */
  const send = (channel: Channel, trustedEvent: boolean, collected: CollectedFile[], options: ReportOptions = {}) => {
    if (collected.length === 0) return { reported: Promise.resolve([]), taken: Promise.resolve() };
    const actionId = options.hold ?? deps.newActionId();
    const extra = {
      ...(options.bridged && { bridged: true }),
      ...(options.sentTo && { sentTo: options.sentTo }),
      ...(options.tamper?.length && { tamper: options.tamper.slice(0, 16) }),
      ...(options.hold && { hold: true }),
    };
    const parts: CollectedFile[][] = [];
    const replies: Promise<unknown>[] = [];
    for (let i = 0; i < collected.length; i += LIMITS.filesPerMessage) {
      const part = collected.slice(i, i + LIMITS.filesPerMessage);
      // The extension reloaded under this page: nothing to report to any more (a held action then
      // gets no decision, and the policy's failure mode applies).
      const files = part.map(factsOf);
      replies.push(
        deps.send({ type: 'upload/observed', actionId, channel, trustedEvent, ...extra, headsFollow: true, part: parts.length, files }).catch(() => undefined),
      );
      parts.push(part);
    }
    const reported = Promise.all(replies);
    // Without the core no heads come: the background classifies these files by name.
    const taken = withCore((c) => c.heads(actionId, parts)).catch(() => reported);
    for (const item of collected) {
      const signature = itemSignature(item);
      remembered.delete(signature);
      remembered.set(signature, { actionId, at: deps.now(), reported, sentTo: new Set() });
      if (remembered.size > REMEMBERED_FILES) remembered.delete(remembered.keys().next().value!);
    }
    return { reported, taken };
  };
  const report: ObserverShell['report'] = (...args) => send(...args).reported;

  const shell: ObserverShell = {
    win,
    deps,
    report,
    // Files will be held here: the core loads the response module now, not when the first file waits.
    plans: planCache(deps.send, deps.now, (plan) => {
      if (plan.hold) void withCore((c) => c.preload()).catch(() => undefined);
    }),
    recall(item) {
      const found = remembered.get(itemSignature(item));
      return found && deps.now() - found.at < SAME_FILE_MS ? found : undefined;
    },
    get bridge() {
      return bridge;
    },
  };

  /** Unknown plan: hold (the core asks); the answer gives the event back at once when nothing is held. */
  const shouldHold = (event: Event) => event.isTrusted && (shell.plans.known()?.hold ?? true);

  /** Reports a held action at once, then lets the core decide it; true when the page may have the files. */
  const decide = (channel: Channel, collected: CollectedFile[], startedAt: number, tamper: string[], trusted = true): Promise<boolean> => {
    const actionId = deps.newActionId();
    const replies = report(channel, trusted, collected, { tamper, hold: actionId });
    const files = collected.map((c) => ({ name: c.file.name, size: c.size ?? c.file.size }));
    // No core (the extension went away): nothing can decide, and the file goes.
    return withCore((c) => c.settle({ actionId, startedAt, files, replies })).catch(() => true);
  };

  const release = (target: Element, files: readonly File[], info: ReleaseInfo, handles?: readonly unknown[]) => {
    releasing = true;
    try {
      bridge.release(target, files, info, handles);
    } finally {
      releasing = false;
    }
  };

  /** The element the person really aimed at, inside shadow roots (closed ones too) that retargeting hides. */
  const innermost = (event: Event, drop: boolean): Element | undefined => {
    const first = event.composedPath()[0];
    let at = first instanceof Element ? first : (win.document.activeElement ?? win.document.body ?? undefined);
    const mouse = event as MouseEvent;
    for (let depth = 0; at && depth < MAX_DEPTH; depth++) {
      const root = deps.shadowRootOf(at);
      const inner = root && (drop ? root.elementFromPoint(mouse.clientX, mouse.clientY) : root.activeElement);
      if (!inner || inner === at) break;
      at = inner;
    }
    return at;
  };

  const onFileInput = (event: Event) => {
    if (releasing || handledEvents.has(event)) return;
    handledEvents.add(event);
    const input = event.composedPath()[0];
    if (!(input instanceof HTMLInputElement) || input.type !== 'file') return;
    const files = Array.from(input.files ?? []);
    const signature = files.map(signatureOf).join('\u0001');
    // The second event (`change` after `input`) of a pick being held.
    const heldAs = heldInputs.get(input);
    if (heldAs !== undefined && (event.isTrusted || heldAs === signature)) return event.stopImmediatePropagation();
    if (files.length === 0) return;
    const previous = lastSelection.get(input);
    const now = deps.now();
    if (previous && previous.signature === signature && now - previous.at < SAME_SELECTION_MS) return;
    lastSelection.set(input, { signature, at: now });
    const collected = files.map((file) => ({ file }));
    const tamper = bridge.tamper();
    if (!shouldHold(event)) {
      const { taken } = send('file_picker', event.isTrusted, collected, { tamper });
      // The worker runs, or nothing could give the event back: the page's listeners run now.
      if (deps.now() - answeredAt < AWAKE_MS || tamper.includes('hooks_absent')) return;
      // Until the report is taken; the page keeps input.files meanwhile (nothing is decided here).
      event.stopImmediatePropagation();
      heldInputs.set(input, signature);
      const waited = new Promise((resolve) => setTimeout(resolve, DELIVERY_WAIT_MS));
      void Promise.race([taken, waited]).then(() => {
        heldInputs.delete(input);
        release(input, files, { kind: 'input' });
      });
      return;
    }
    // Held: the page cannot read input.files meanwhile; once allowed the same files come back.
    event.stopImmediatePropagation();
    heldInputs.set(input, '');
    input.value = '';
    void decide('file_picker', collected, now, tamper).then((allowed) => {
      heldInputs.delete(input);
      if (allowed) release(input, files, { kind: 'input' });
    });
  };

  const onDataTransfer = (channel: 'drag_drop' | 'paste') => (event: Event) => {
    if (releasing || handledEvents.has(event)) return;
    handledEvents.add(event);
    const dt = channel === 'paste' ? (event as ClipboardEvent).clipboardData : (event as DragEvent).dataTransfer;
    const taken = takeDataTransfer(dt);
    if (taken.length === 0) return;
    const trusted = event.isTrusted;
    const tamper = bridge.tamper();
    // Plain files are reported now; folders once the core has walked them.
    const plain = taken.every((t) => t.kind === 'file') ? taken.map((t) => ({ file: (t as { file: File }).file })) : undefined;
    const collect = () => (plain ? Promise.resolve(plain) : withCore((c) => c.expand(taken)));
    if (!shouldHold(event)) {
      if (plain) void report(channel, trusted, plain, { tamper });
      else
        void collect().then(
          (collected) => report(channel, trusted, collected, { tamper }),
          () => undefined,
        );
      return;
    }
    const drop = channel === 'drag_drop';
    const target = innermost(event, drop);
    event.stopImmediatePropagation();
    event.preventDefault();
    const startedAt = deps.now();
    const info = releaseInfoOf(event, dt!, drop);
    const handles = dropHandles(dt!, drop);
    void collect()
      .then(async (collected) => ({ allowed: await decide(channel, collected, startedAt, tamper), collected }))
      .then(
        async ({ allowed, collected }) => {
          if (!target) return;
          if (allowed)
            release(
              target,
              collected.map((c) => c.file),
              info,
              (await handles).filter(Boolean),
            );
          // A blocked paste keeps its text: the page gets the paste without the files.
          else if (!drop && info.strings?.length) release(target, [], info);
        },
        () => undefined,
      );
  };
  const onDrop = onDataTransfer('drag_drop');
  const onPaste = onDataTransfer('paste');

  const warm = () => shell.plans.warm();

  /** Listens for file selections on a shadow root or a file input (idempotent). */
  const listenOn = (target: EventTarget) => {
    if (hooked.has(target)) return;
    hooked.add(target);
    target.addEventListener('change', onFileInput, true);
    target.addEventListener('input', onFileInput, true);
  };
  const hookElement = (el: Element) => {
    // A subframe: the MAIN world watches inputs, the roots it saw created and open ones; here only
    // closed roots the parser made (declarative shadow DOM), which it cannot open.
    if (late && (el instanceof HTMLInputElement || announced.has(el) || el.shadowRoot)) return;
    if (el instanceof HTMLInputElement) {
      if (el.type === 'file') {
        listenOn(el);
        warm();
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
    if (key.ctrlKey || key.metaKey || path.some(isFileInputOrLabel)) warm();
  };
  const onDragEnter = (event: Event) => {
    if ((event as DragEvent).dataTransfer?.types.includes('Files')) warm();
  };

  const onFrameRequest = frameRequestListener(win, deps.send);
  const arm = () => {
    // A subframe's MAIN world takes file events first (main-world/front-line.ts) and hands them over.
    if (!late) {
      win.addEventListener('change', onFileInput, true);
      win.addEventListener('input', onFileInput, true);
      win.addEventListener('drop', onDrop, true);
      win.addEventListener('paste', onPaste, true);
      if (!subframe) win.addEventListener('message', onFrameRequest, true);
    }
    win.addEventListener('dragenter', onDragEnter, true);
    // mousedown, not pointerdown: Chromium's first pointer listener in a frame costs ~0.1 ms (the compositor is told of it).
    for (const type of ['mousedown', 'focusin', 'keydown']) win.addEventListener(type, onInteraction, true);
  };

  /**
   * A subframe's DOM file event, claimed by its MAIN world (the front line there): its trust mark
   * counts, the bridge being authenticated (bridge-protocol.ts). Answered at once: `p` reported and
   * the page has it; `h` held, then `a`/`b` — as a file event held here would be.
   */
  const unheld = (trusted: boolean) => !trusted || shell.plans.known()?.hold === false;
  const awake = () => deps.now() - answeredAt < AWAKE_MS;
  const onDomClaim = (detail: unknown) => {
    const parsed = late ? parseBridgeFiles(detail, true) : undefined;
    const hold = parsed?.hold;
    if (!parsed) {
      // Nothing to report (none come in the top frame): the page's event goes on.
      const claimed = (detail as { hold?: unknown } | null)?.hold;
      return void (typeof claimed === 'string' && bridge.verdict(claimed, 'p'));
    }
    const { channel, files: collected, trusted = false } = parsed;
    const tamper = bridge.tamper();
    if (!hold) return void report(channel, trusted, collected, { tamper });
    // Held by the plan only when trusted (shouldHold); any until its report was taken.
    if (unheld(trusted)) {
      const { taken } = send(channel, trusted, collected, { tamper });
      if (awake()) return bridge.verdict(hold, 'p');
      // Until the report is taken (see the head of this file), then given back.
      bridge.verdict(hold, 'h');
      void Promise.race([taken, new Promise((resolve) => setTimeout(resolve, DELIVERY_WAIT_MS))]).then(() => bridge.verdict(hold, 'a'));
      return;
    }
    bridge.verdict(hold, 'h');
    void decide(channel, collected, deps.now(), tamper, trusted).then((allowed) => bridge.verdict(hold, allowed ? 'a' : 'b'));
  };

  /** A claim from the hooks. A held one is answered now, inside the page's call: the core decides later. */
  const onBridgedFiles = (detail: unknown) => {
    const channel = (detail as { channel?: unknown } | null)?.channel;
    if (channel === 'file_picker' || channel === 'drag_drop' || channel === 'paste') return onDomClaim(detail);
    if (core) return core.files(detail);
    const hold = (detail as { hold?: unknown } | null)?.hold;
    const held = typeof hold === 'string' && hold.length > 0 && hold.length <= 16 ? hold : undefined;
    if (held) bridge.verdict(held, 'h');
    void withCore((c) => c.files(detail, held)).catch(() => held && bridge.verdict(held, 'a'));
  };

  const onNode = (el: Element) => {
    if (late) announced.add(el);
    else hookElement(el);
  };
  const bridge = connectIsolatedBridge(
    win,
    // A DOM file event would pass at once (the MAIN world lets a dropped folder through then, entries and all).
    { node: onNode, files: onBridgedFiles, rearm: arm, passes: (trusted) => unheld(trusted) && awake() },
    deps.shadowRootOf,
    late,
  );
  if (!bridge.connect() && subframe) late = false;
  arm();
  if (!subframe) observeFramesAfterLoad(win, deps.send);
}

function isFileInputOrLabel(target: EventTarget): boolean {
  const input = target instanceof HTMLLabelElement ? target.control : target;
  return input instanceof HTMLInputElement && input.type === 'file';
}
