/**
 * The content script's half of a response (issue 14): given a held user action, wait for the
 * background's decision (or apply the policy's failure mode when none comes in time), show what
 * the decision asks, and say whether the page may have the files.
 */
import type { ResponseDecision, ResponseFailure, ResponseOutcome, ResponsePlan, UploadOutcome } from '../../core/schema/response';
import { parseDecision, strictest } from './decision';
import type { HeldAction, ResponseDialog, SettleDeps } from './module-api';

export interface GateDeps extends SettleDeps {
  dialog: ResponseDialog;
}

/** Fires after `ms` with 'timeout'. */
const after = (ms: number) => new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), ms));

export function responseGate(deps: GateDeps) {
  const outcome = (decisionId: string, o: ResponseOutcome, extra: Partial<UploadOutcome> = {}) =>
    deps.send({ type: 'upload/outcome', decisionId, outcome: o, ...extra }).catch(() => undefined);

  const showSafely = async (decision: ResponseDecision, failure?: ResponseFailure) => {
    try {
      return await deps.dialog.show(decision, failure);
    } catch {
      // No dialog could be shown (the extension was reloaded under the page): a warning counts as cancelled.
      return { proceed: decision.action === 'notify' || decision.action === 'allow' };
    }
  };

  /** The policy's failure mode decides: recorded with the reason, and a block is shown. */
  const fail = (plan: ResponsePlan, held: HeldAction, failure: ResponseFailure): boolean => {
    const allowed = plan.failureMode === 'allow';
    const decidedInMs = deps.now() - held.startedAt;
    void outcome(held.actionId, allowed ? 'allowed' : 'blocked', { failure, decidedInMs });
    if (!allowed) {
      const decision: ResponseDecision = {
        decisionId: held.actionId,
        action: 'block',
        justification: 'none',
        files: held.files.slice(0, 50),
        destination: { host: deps.host(), category: '' },
        reasons: [],
        severity: '',
      };
      void showSafely(decision, failure);
    }
    return allowed;
  };

  /** True when the page may have the files. */
  return async function settle(plan: ResponsePlan, held: HeldAction): Promise<boolean> {
    // The wait starts when the files are sent for a decision: a frame that had to ask for its plan
    // first (a service worker starting) does not lose that time from the decision's.
    const replies = await Promise.race([held.replies.catch(() => []), after(plan.decideWithinMs)]);
    if (replies === 'timeout') return fail(plan, held, 'timeout');
    const parsed = replies.map(parseDecision);
    const decision = parsed.every((d) => d !== undefined) ? strictest(parsed as ResponseDecision[]) : undefined;
    if (!decision) return fail(plan, held, 'unavailable');
    const decidedInMs = deps.now() - held.startedAt;
    const warned = [...new Set(parsed.flatMap((d) => (d!.action === 'warn' ? [d!.decisionId] : [])))];
    switch (decision.action) {
      case 'allow':
        return true;
      case 'notify':
        void showSafely(decision);
        return true;
      case 'block':
        void showSafely(decision);
        return false;
      case 'warn': {
        const choice = await showSafely(decision);
        const justification = choice.justification?.trim().slice(0, 280);
        for (const id of warned)
          void outcome(id, choice.proceed ? 'bypassed' : 'warned', { decidedInMs, ...(choice.proceed && justification && { justification }) });
        return choice.proceed;
      }
    }
  };
}

export type SettleHeld = ReturnType<typeof responseGate>;
