/**
 * `upload/outcome`: what happened to a held action after its decision. Either the person answered a
 * warning (`warned`: cancelled; `bypassed`: went ahead, with the justification), or the content
 * script applied the failure mode because no decision came in time (`failure` set). The events get
 * their `response` and are stored (a warning's) or updated (a decision already stored).
 */
import { grantAllowance } from '../core/response/allowances';
import { eventResponse } from '../core/response/decide';
import type { FileEvent } from '../core/schema/event';
import type { UploadOutcome } from '../core/schema/response';
import type { ScoredUpload, StampedSender } from './pipeline';
import { recordKey, type DecisionRecord, type ResponseState } from './response-state';

export type OutcomeReply = { recorded: number } | { recorded: 0; error: string };

export interface OutcomeDeps {
  now: () => number;
  state: ResponseState;
  store: (scored: ScoredUpload) => Promise<FileEvent[]>;
  readStored: (ids: readonly string[]) => Promise<FileEvent[]>;
  updateStored: (events: readonly FileEvent[]) => Promise<void>;
  warn: (message: string) => void;
}

const withResponse = (events: readonly FileEvent[], response: FileEvent['response']): FileEvent[] => events.map((e) => ({ ...e, response }));

/** Settles one outcome against the live decisions (changed in place: the caller saves them). */
export async function settleOutcome(message: UploadOutcome, sender: StampedSender, records: DecisionRecord[], deps: OutcomeDeps): Promise<OutcomeReply> {
  const refuse = (error: string): OutcomeReply => {
    deps.warn(`dropped upload/outcome for decision ${message.decisionId}: ${error}`);
    return { recorded: 0, error };
  };
  // Only the tab the decision was for can settle it.
  const record = records.find((r) => recordKey(r.tabId, r.decisionId) === recordKey(sender.tab?.id, message.decisionId));
  if (!record) return refuse('unknown decision');
  const decidedInMs = message.decidedInMs ?? record.decidedInMs;

  if (message.failure) {
    if (message.outcome !== 'allowed' && message.outcome !== 'blocked') return refuse('the failure mode allows or blocks');
    const response = eventResponse(record, message.outcome, decidedInMs, { failure: message.failure });
    let recorded = 0;
    if (record.pending?.length) recorded += await storePending(record, response, deps);
    const stored = (await deps.readStored(record.storedIds)).filter((e) => e.response?.failure === undefined);
    if (stored.length > 0) await deps.updateStored(withResponse(stored, response));
    return { recorded: recorded + stored.length };
  }

  if (!record.pending?.length) return refuse(record.action === 'warn' ? 'its outcome is already recorded' : 'it was not a warning');
  if (message.outcome !== 'warned' && message.outcome !== 'bypassed') return refuse('a warning ends warned or bypassed');
  const justification = message.justification?.trim() || undefined;
  if (message.outcome === 'bypassed' && record.justification === 'required' && !justification) return refuse('the rule requires a justification');
  const recorded = await storePending(record, eventResponse(record, message.outcome, decidedInMs, justification ? { justification } : {}), deps);
  if (message.outcome === 'bypassed' && record.temporaryAllowMinutes !== undefined && record.ruleId !== undefined) {
    const now = deps.now();
    await deps.state.saveAllowances(grantAllowance(await deps.state.allowances(), record.allowanceKey, record.ruleId, now, record.temporaryAllowMinutes));
  }
  return { recorded };
}

async function storePending(record: DecisionRecord, response: FileEvent['response'], deps: OutcomeDeps): Promise<number> {
  const events = withResponse(record.pending ?? [], response);
  await deps.store({ events, destinations: [], activity: record.activity });
  record.storedIds.push(...events.map((e) => e.id));
  delete record.pending;
  return events.length;
}
