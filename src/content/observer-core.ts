/**
 * The observer's core (see observer-api.ts), loaded into the isolated world the first time a frame
 * needs it: heads read after the report, folders walked, files handed over by script, the response
 * plan and the decision of held files (issue 14).
 *
 * Files handed over by script are new uploads, or sends of files this frame already reported: a
 * send is then recorded on the pick's event (`upload/sent`) instead of making a new one. A claim the
 * hooks hold (`hold`) is answered inside the page's call: `p` when nothing is held here (the hooks
 * send, then report the files as a plain claim), `h` then `a`/`b` once decided. A claim that came
 * before the core was loaded was already told `h` by the shell (`answered`): a pass is then `a`
 * and the files are reported here.
 */
import type { ResponsePlan } from '../core/schema/response';
import { parseBridgeFiles } from './bridge-receiver';
import { expandTaken } from './dropped-entries';
import { readHeads, type CollectedFile } from './file-head';
import type { ObserverCore, ObserverShell, ReportOptions } from './observer-api';
import type { HeldAction } from './response/module-api';
import { moduleLoader } from './response/module-loader';

type Parsed = NonNullable<ReturnType<typeof parseBridgeFiles>>;
type Send = (options: ReportOptions) => Promise<unknown[]>;

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '';
  }
}

export function startObserverCore(shell: ObserverShell): ObserverCore {
  const { deps, win } = shell;
  const responseModule = moduleLoader();
  const plans = shell.plans;
  const settleDeps = { send: deps.send, now: deps.now, host: () => win.location.host };

  /** The module decides; without it (it could not load) the policy's failure mode does, recorded as such. */
  const settleWith = (plan: ResponsePlan, action: HeldAction) =>
    responseModule().then(
      (module) => module.settle(plan, action, settleDeps),
      () => {
        const outcome = plan.failureMode === 'allow' ? 'allowed' : 'blocked';
        void deps.send({ type: 'upload/outcome', decisionId: action.actionId, outcome, failure: 'unavailable' }).catch(() => undefined);
        return plan.failureMode === 'allow';
      },
    );

  /**
   * A held action, reported at once with `hold`. Before the frame knows its plan the plan is asked
   * meanwhile; where nothing is held the background records a plain observation and answers allow.
   */
  const settle = async (held: HeldAction, known = plans.known()) => {
    const plan = known ?? (await plans.get());
    // No plan: nothing is known to enforce and the file goes; none held: the background let it pass.
    if (!plan?.hold) return true;
    return settleWith(plan, held);
  };

  const sendHeld = (collected: CollectedFile[], send: Send) => {
    const actionId = deps.newActionId();
    const files = collected.map((c) => ({ name: c.file.name, size: c.size ?? c.file.size }));
    return settle({ actionId, startedAt: deps.now(), files, replies: send({ hold: actionId }) });
  };

  /** A plain claim: new uploads, and sends of files this frame already reported. */
  const observe = ({ channel, files, sentTo }: Parsed) => {
    const fresh: CollectedFile[] = [];
    const sends = new Map<string, { files: File[]; reported: Promise<unknown> }>();
    const host = sentTo ? hostOf(sentTo.url) : '';
    for (const item of files) {
      const seen = shell.recall(item);
      if (!seen) fresh.push(item);
      else if (sentTo && !seen.sentTo.has(host)) {
        seen.sentTo.add(host);
        const entry = sends.get(seen.actionId) ?? { files: [], reported: seen.reported };
        entry.files.push(item.file);
        sends.set(seen.actionId, entry);
      }
    }
    for (const [actionId, { files: sent, reported }] of sends) {
      const list = sent.map((f) => ({ name: f.name, size: f.size, lastModified: f.lastModified }));
      void reported.then(() => deps.send({ type: 'upload/sent', actionId, files: list, sentTo: sentTo! })).catch(() => undefined);
    }
    void shell.report(channel, false, fresh, { bridged: true, ...(sentTo && { sentTo }), tamper: shell.bridge.tamper() }).then(() => {
      if (sentTo) for (const item of fresh) shell.recall(item)?.sentTo.add(host);
    });
  };

  return {
    async heads(actionId, parts) {
      for (let part = 0; part < parts.length; part++) {
        const heads = await readHeads(parts[part]!);
        await deps.send({ type: 'upload/heads', actionId, part, heads }).catch(() => undefined);
      }
    },
    expand: expandTaken,
    settle: (held) => settle(held),
    preload: () => void responseModule().catch(() => undefined),

    files(detail, answered) {
      const bridge = shell.bridge;
      const parsed = parseBridgeFiles(detail);
      const hold = typeof answered === 'string' ? answered : parsed?.hold;
      if (!parsed) return void (hold && bridge.verdict(hold, 'a'));
      if (!hold) return observe(parsed);
      const pass = () => {
        if (hold !== answered) return bridge.verdict(hold, 'p');
        observe(parsed);
        bridge.verdict(hold, 'a');
      };
      const { channel, sentTo } = parsed;
      // A send of files this frame already reported was decided when they were handed over.
      const fresh = parsed.files.filter((item) => !shell.recall(item));
      if (fresh.length === 0) return pass();
      if (plans.known()?.hold === false) {
        plans.warm();
        return pass();
      }
      if (hold !== answered) bridge.verdict(hold, 'h');
      const send: Send = (options) => shell.report(channel, false, fresh, { bridged: true, ...(sentTo && { sentTo }), tamper: bridge.tamper(), ...options });
      void sendHeld(fresh, send).then((allowed) => {
        const host = sentTo ? hostOf(sentTo.url) : '';
        if (allowed && sentTo) for (const item of fresh) shell.recall(item)?.sentTo.add(host);
        bridge.verdict(hold, allowed ? 'a' : 'b');
      });
    },
  };
}
