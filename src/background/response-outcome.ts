/**
 * `upload/outcome`: what happened to a held action after its decision. Either the person answered a
 * warning (`warned`: cancelled; `bypassed`: went ahead, with the justification), or the content
 * script applied the failure mode because no decision came in time (`failure` set). Every event of
 * the action gets the response: a warning's waiting events are stored, stored ones are updated.
 */
import { grantAllowance } from '../core/response/allowances';
import { eventResponse } from '../core/response/decide';
import type { UploadOutcome } from '../core/schema/response';
import type { StampedSender } from './pipeline';
import { leaderOf, settleGroup, type GroupDeps } from './response-group';
import type { ResponseState } from './response-state';

export type OutcomeReply = { recorded: number } | { recorded: 0; error: string };

export interface OutcomeDeps extends GroupDeps {
  now: () => number;
  state: ResponseState;
  warn: (message: string) => void;
}

export async function settleOutcome(message: UploadOutcome, sender: StampedSender, deps: OutcomeDeps): Promise<OutcomeReply> {
  const refuse = (error: string): OutcomeReply => {
    deps.warn(`dropped upload/outcome for decision ${message.decisionId}: ${error}`);
    return { recorded: 0, error };
  };
  // Only the tab the decision was for can settle it (its records are keyed by that tab).
  const group = await deps.state.group(sender.tab?.id, message.decisionId);
  const records = group.map((g) => g.record);
  const leader = leaderOf(records);
  if (!leader) return refuse('unknown decision');
  const decidedInMs = message.decidedInMs ?? leader.decidedInMs;
  const save = () => Promise.all(records.map((r) => deps.state.put(r)));

  if (message.failure) {
    if (message.outcome !== 'allowed' && message.outcome !== 'blocked') return refuse('the failure mode allows or blocks');
    const recorded = await settleGroup(records, eventResponse(leader, message.outcome, decidedInMs, { failure: message.failure }), deps);
    await save();
    return { recorded };
  }

  // A person's answer to a warning: while its events wait, or after the wait ended unanswered.
  if (!records.some((r) => r.pending?.length || r.unanswered))
    return refuse(leader.action === 'warn' ? 'its outcome is already recorded' : 'it was not a warning');
  if (message.outcome !== 'warned' && message.outcome !== 'bypassed') return refuse('a warning ends warned or bypassed');
  const justification = message.justification?.trim() || undefined;
  if (message.outcome === 'bypassed' && leader.justification === 'required' && !justification) return refuse('the rule requires a justification');
  const recorded = await settleGroup(records, eventResponse(leader, message.outcome, decidedInMs, justification ? { justification } : {}), deps);
  for (const r of records) delete r.unanswered;
  await save();
  if (message.outcome === 'bypassed' && leader.temporaryAllowMinutes !== undefined && leader.ruleId !== undefined) {
    const allowances = await deps.state.allowances();
    await deps.state.saveAllowances(grantAllowance(allowances, leader.allowanceKey, leader.ruleId, deps.now(), leader.temporaryAllowMinutes));
  }
  return { recorded };
}
