/**
 * Holding a file until the response is decided (issue 14), in the ISOLATED world.
 *
 * DOM events: the observer's capture listeners on window (and on every shadow root and script-
 * opened input) are registered at document_start, before any page listener. When the frame's plan
 * says hold, a trusted `input`/`change` of a file input, `drop` or `paste` is stopped there
 * (stopImmediatePropagation, and preventDefault for drop and paste so the browser does not open
 * the file); a picked input is emptied at once, so the page cannot read the file while it waits.
 * Once allowed, the MAIN world re-dispatches an equivalent event at the innermost target with the
 * same File objects (bridge-receiver.ts `release`); a blocked one never reaches the page.
 *
 * Files handed over by script wait in the MAIN world (main-world/hold.ts) for the verdict given
 * here. Before the plan is known (no sign yet that a file may come), a trusted event is held until
 * it is, and given back at once when nothing is held on the page.
 */
import type { Channel } from '../../core/schema/identifiers';
import type { ResponsePlan, UploadOutcome } from '../../core/schema/response';
import type { ReleaseInfo } from '../bridge-protocol';
import type { IsolatedBridge } from '../bridge-receiver';
import { expandTaken, type takeDataTransfer } from '../dropped-entries';
import type { CollectedFile } from '../file-head';
import type { HeldAction, ResponseModule } from './module-api';
import { planCache } from './plan';

export interface ResponseDeps {
  sendResponse: (message: { type: 'response/plan' } | UploadOutcome) => Promise<unknown>;
  /** The lazily loaded decision handling and dialog (module-loader.ts). */
  responseModule: () => Promise<ResponseModule>;
  shadowRootOf: (element: Element) => ShadowRoot | null;
  newActionId: () => string;
  now: () => number;
}

type Send = (options: { hold?: string }) => Promise<unknown[]>;
type Report = (channel: Channel, trusted: boolean, collected: CollectedFile[], options: { hold?: string; tamper?: string[] }) => Promise<unknown[]>;

const MAX_DEPTH = 32;

type WithHandle = DataTransferItem & { getAsFileSystemHandle?: () => Promise<unknown> };
const fileSystemHandle = (item: WithHandle): Promise<unknown> =>
  item.kind === 'file' && typeof item.getAsFileSystemHandle === 'function' ? item.getAsFileSystemHandle().catch(() => null) : Promise.resolve(null);

export function startHolding(win: Window, deps: ResponseDeps, bridge: () => IsolatedBridge, report: Report) {
  const plans = planCache(deps.sendResponse, deps.now, (plan) => {
    // Files will be held here: load the module now, not when the first file is waiting.
    if (plan.hold) deps.responseModule().catch(() => undefined);
  });
  const settleDeps = { send: deps.sendResponse, now: deps.now, host: () => win.location.host };
  /** The module decides; without it (it could not load) the policy's failure mode does, recorded as such. */
  const settle = (plan: ResponsePlan, action: HeldAction) =>
    deps.responseModule().then(
      (module) => module.settle(plan, action, settleDeps),
      () => {
        const outcome = plan.failureMode === 'allow' ? 'allowed' : 'blocked';
        void deps.sendResponse({ type: 'upload/outcome', decisionId: action.actionId, outcome, failure: 'unavailable' }).catch(() => undefined);
        return plan.failureMode === 'allow';
      },
    );
  const heldInputs = new WeakSet<HTMLInputElement>();
  let releasing = false;

  /** Unknown plan: hold (and ask); the answer gives the event back at once when nothing is held. */
  const shouldHold = (event: Event) => event.isTrusted && (plans.known()?.hold ?? true);

  const held = (plan: ResponsePlan, collected: CollectedFile[], send: Send, startedAt: number) => {
    const actionId = deps.newActionId();
    const files = collected.map((c) => ({ name: c.file.name, size: c.size ?? c.file.size }));
    return settle(plan, { actionId, startedAt, files, replies: send({ hold: actionId }) });
  };

  /**
   * Files that came before the frame knew its plan (no sign came first): they are sent for a decision
   * at once, so the observation is out even if the page goes away now, and the plan is asked for
   * meanwhile. Where nothing is held the background records a plain observation and answers allow.
   */
  const planThenSettle = async (collected: CollectedFile[], send: Send, startedAt: number) => {
    const actionId = deps.newActionId();
    const files = collected.map((c) => ({ name: c.file.name, size: c.size ?? c.file.size }));
    const replies = send({ hold: actionId });
    const plan = await plans.get();
    // No plan: nothing is known to enforce and the file goes; none held: the background let it pass.
    if (!plan?.hold) return true;
    return settle(plan, { actionId, startedAt, files, replies });
  };

  /** A held DOM action: true when the page may have the files. */
  const decide = async (channel: Channel, collected: CollectedFile[], startedAt: number, tamper: string[]) => {
    const send: Send = (options) => report(channel, true, collected, { tamper, ...options });
    const plan = plans.known();
    if (!plan) return planThenSettle(collected, send, startedAt);
    if (!plan.hold) {
      void send({});
      return true;
    }
    return held(plan, collected, send, startedAt);
  };

  const release = (target: Element, files: readonly File[], info: ReleaseInfo, handles?: readonly unknown[]) => {
    releasing = true;
    try {
      bridge().release(target, files, info, handles);
    } finally {
      releasing = false;
    }
  };

  /** The element the person really aimed at, inside shadow roots (closed ones too) that retargeting hides. */
  const innermost = (event: Event, kind: 'drop' | 'paste'): Element | undefined => {
    const first = event.composedPath()[0];
    let at = first instanceof Element ? first : (win.document.activeElement ?? win.document.body ?? undefined);
    for (let depth = 0; at && depth < MAX_DEPTH; depth++) {
      const root = deps.shadowRootOf(at);
      const mouse = event as MouseEvent;
      const inner = root && (kind === 'drop' ? root.elementFromPoint(mouse.clientX, mouse.clientY) : root.activeElement);
      if (!inner || inner === at) break;
      at = inner;
    }
    return at;
  };

  return {
    warm: () => plans.warm(),
    /** Our own re-dispatch is under way: the listeners let it through untouched. */
    releasing: () => releasing,
    /** The second event (`change` after `input`) of a pick being held. */
    isHeld: (input: HTMLInputElement) => heldInputs.has(input),

    /** Takes a trusted pick from the page until decided; false when nothing is held. */
    holdInput(event: Event, input: HTMLInputElement, tamper: () => string[]): boolean {
      if (!shouldHold(event) || !input.files?.length) return false;
      event.stopImmediatePropagation();
      const files = Array.from(input.files);
      heldInputs.add(input);
      input.value = '';
      void decide(
        'file_picker',
        files.map((file) => ({ file })),
        deps.now(),
        tamper(),
      ).then((allowed) => {
        heldInputs.delete(input);
        if (allowed) release(input, files, { kind: 'input' });
      });
      return true;
    },

    /** Takes a trusted drop or paste from the page until decided; false when nothing is held. */
    holdTransfer(event: Event, channel: 'drag_drop' | 'paste', dt: DataTransfer, taken: ReturnType<typeof takeDataTransfer>, tamper: () => string[]): boolean {
      if (!shouldHold(event)) return false;
      const kind = channel === 'paste' ? 'paste' : 'drop';
      const target = innermost(event, kind);
      event.stopImmediatePropagation();
      event.preventDefault();
      const startedAt = deps.now();
      const strings: [string, string][] = Array.from(dt.types, (type) => type).flatMap((type) =>
        type === 'Files' ? [] : [[type, dt.getData(type)] as [string, string]],
      );
      const m = event as MouseEvent;
      const info: ReleaseInfo = {
        kind,
        ...(strings.length && { strings }),
        ...(kind === 'drop' && {
          mouse: {
            clientX: m.clientX,
            clientY: m.clientY,
            screenX: m.screenX,
            screenY: m.screenY,
            ctrlKey: m.ctrlKey,
            shiftKey: m.shiftKey,
            altKey: m.altKey,
            metaKey: m.metaKey,
          },
        }),
      };
      const tampered = tamper();
      // Chromium: a drop's File System Access handles can only be asked for during the event.
      const handles = kind === 'drop' ? Promise.all(Array.from(dt.items, fileSystemHandle)) : Promise.resolve([]);
      void expandTaken(taken)
        .then((collected) => decide(channel, collected, startedAt, tampered).then((allowed) => ({ allowed, collected })))
        .then(async ({ allowed, collected }) => {
          if (!target) return;
          if (allowed)
            release(
              target,
              collected.map((c) => c.file),
              info,
              (await handles).filter(Boolean),
            );
          // A blocked paste keeps its text: the page gets the paste without the files.
          else if (kind === 'paste' && info.strings?.length) release(target, [], info);
        });
      return true;
    },

    /** Files handed over by script with a hold: 'pass' when nothing is held on this page now. */
    bridged(_channel: Channel, collected: CollectedFile[], send: Send): 'pass' | Promise<boolean> {
      const known = plans.known();
      if (known && !known.hold) {
        plans.warm();
        return 'pass';
      }
      const startedAt = deps.now();
      return known ? held(known, collected, send, startedAt) : planThenSettle(collected, send, startedAt);
    },
  };
}
