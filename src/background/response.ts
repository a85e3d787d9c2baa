/**
 * The response's background side (issue 14, docs/response.md): whether a page must hold files
 * (`response/plan`), the decision for a held action (`upload/observed` with `hold`), and what the
 * person did about a warning (`upload/outcome`). Rule matching is pure (core/response); this file
 * keeps the decisions of the last minutes and the temporary allows, persisted (response-state.ts),
 * and stores every event through the upload pipeline, so nothing held is ever lost.
 */
import { decide, destinationFacts, eventResponse, IMMEDIATE_OUTCOME, watchlistsOf } from '../core/response/decide';
import { mustHold } from '../core/response/match';
import { classifyDestination } from '../core/destinations/classify';
import type { EffectiveConfig } from '../core/effective-config';
import type { FileEvent } from '../core/schema/event';
import type { UploadObserved } from '../core/schema/messages';
import { DECIDE_WITHIN_MS, WARN_OUTCOME_TIMEOUT_MS, type ResponseDecision, type ResponsePlan, type UploadOutcome } from '../core/schema/response';
import type { ScoredUpload, StampedSender } from './pipeline';
import { settleOutcome, type OutcomeReply } from './response-outcome';
import { recordKey, type DecisionRecord, type ResponseState } from './response-state';

/** Decisions kept at most; the oldest go first (a warned one is stored as `warned` before it goes). */
const MAX_RECORDS = 500;

export interface ResponderDeps {
  config: () => Promise<EffectiveConfig>;
  now: () => number;
  state: () => Promise<ResponseState>;
  /** Runs the work in the upload pipeline's turn (after the uploads before it are stored). */
  inTurn: <T>(work: () => Promise<T>) => Promise<T>;
  /** Scores a held observation in the pipeline's turn and hands it to `work`. */
  held: <T>(message: UploadObserved, sender: StampedSender, work: (scored: ScoredUpload | undefined) => Promise<T>) => Promise<T>;
  /** Stores events with their history and outbox entries (pipeline storeScored). */
  store: (scored: ScoredUpload) => Promise<FileEvent[]>;
  /** Stored events by id, and writing changed ones back (with their outbox copies still waiting). */
  readStored: (ids: readonly string[]) => Promise<FileEvent[]>;
  updateStored: (events: readonly FileEvent[]) => Promise<void>;
  warn?: (message: string) => void;
}

export interface Responder {
  plan(sender: StampedSender): Promise<ResponsePlan>;
  observed(message: UploadObserved, sender: StampedSender): Promise<ResponseDecision>;
  outcome(message: UploadOutcome, sender: StampedSender): Promise<OutcomeReply>;
  /** Stores warned actions whose answer never came (tab closed) as `warned`. */
  sweep(): Promise<number>;
}

const withResponse = (events: readonly FileEvent[], response: FileEvent['response']): FileEvent[] => events.map((e) => ({ ...e, response }));

export function createResponder(deps: ResponderDeps): Responder {
  const warn = deps.warn ?? ((m: string) => console.warn(`[upwatch] ${m}`));

  /** Drops decisions past the outcome wait, storing any still-warned events as `warned`. */
  async function expire(records: DecisionRecord[], now: number, keep = MAX_RECORDS): Promise<{ kept: DecisionRecord[]; stored: number }> {
    const live = records.filter((r) => r.at + WARN_OUTCOME_TIMEOUT_MS > now);
    const kept = live.slice(Math.max(0, live.length - keep));
    const gone = records.filter((r) => !kept.includes(r));
    let stored = 0;
    for (const r of gone) {
      if (!r.pending?.length) continue;
      await deps.store({ events: withResponse(r.pending, eventResponse(r, 'warned', r.decidedInMs)), destinations: [], activity: r.activity });
      stored += r.pending.length;
    }
    return { kept, stored };
  }

  return {
    async plan(sender) {
      const { policy, destinationOptions, ...config } = await deps.config();
      const plan = { failureMode: policy.responseFailureMode, decideWithinMs: DECIDE_WITHIN_MS };
      if (policy.responseRules.length === 0) return { hold: false, ...plan };
      const frameUrl = sender.frameId !== undefined && sender.frameId !== 0 ? sender.url : undefined;
      const destination = classifyDestination({ url: sender.tab?.url ?? '', title: sender.tab?.title, frameUrl }, destinationOptions);
      return { hold: mustHold(policy.responseRules, destinationFacts(destination, watchlistsOf(config))), ...plan };
    },

    observed(message, sender) {
      const receivedAt = deps.now();
      return deps.held(message, sender, async (scored) => {
        const config = await deps.config();
        const state = await deps.state();
        const events = scored?.events ?? [];
        const who = { ...(config.identity.email !== undefined && { user: config.identity.email }), watchlists: watchlistsOf(config) };
        const decided = decide(config.policy.responseRules, events, who, await state.allowances(), deps.now());
        const decision: ResponseDecision = { decisionId: message.actionId, ...decided.decision };
        if (!scored) return decision;
        const decidedInMs = deps.now() - receivedAt;
        const record: DecisionRecord = {
          ...(sender.tab?.id !== undefined && { tabId: sender.tab.id }),
          decisionId: message.actionId,
          action: decided.rule?.action ?? 'allow',
          ...(decided.rule && { ruleId: decided.rule.id }),
          justification: decision.justification,
          ...(decided.rule?.temporaryAllowMinutes !== undefined && { temporaryAllowMinutes: decided.rule.temporaryAllowMinutes }),
          allowanceKey: decided.allowanceKey,
          activity: scored.activity,
          decidedInMs,
          at: receivedAt,
          storedIds: [],
        };
        if (decidedInMs > DECIDE_WITHIN_MS) {
          // Too late: the content script has already applied the failure mode; record that.
          const outcome = config.policy.responseFailureMode === 'block' ? 'blocked' : 'allowed';
          await deps.store({ ...scored, events: withResponse(events, eventResponse(record, outcome, decidedInMs, { failure: 'timeout' })) });
          record.storedIds = events.map((e) => e.id);
        } else if (decision.action === 'warn') {
          // Keep the events until the person answers; the history is written now (it must not go stale).
          await deps.store({ ...scored, events: [] });
          record.pending = events;
        } else {
          const extra = decided.allowedUntil !== undefined ? { temporaryAllowUntil: new Date(decided.allowedUntil).toISOString() } : {};
          await deps.store({ ...scored, events: withResponse(events, eventResponse(record, IMMEDIATE_OUTCOME[decision.action], decidedInMs, extra)) });
          record.storedIds = events.map((e) => e.id);
        }
        const now = deps.now();
        const records = await state.decisions();
        const same = records.find((r) => recordKey(r.tabId, r.decisionId) === recordKey(record.tabId, record.decisionId));
        if (same) {
          // A split action: its messages share one decision id; each part keeps its own verdict.
          same.storedIds.push(...record.storedIds);
          if (record.pending) same.pending = [...(same.pending ?? []), ...record.pending];
        } else {
          records.push(record);
        }
        const { kept } = await expire(records, now, MAX_RECORDS);
        await state.saveDecisions(kept);
        return decision;
      });
    },

    outcome(message, sender) {
      return deps.inTurn(async () => {
        const state = await deps.state();
        const { kept } = await expire(await state.decisions(), deps.now());
        const reply = await settleOutcome(message, sender, kept, { ...deps, state, warn });
        await state.saveDecisions(kept);
        return reply;
      });
    },

    sweep() {
      return deps.inTurn(async () => {
        const state = await deps.state();
        const records = await state.decisions();
        const { kept, stored } = await expire(records, deps.now());
        if (kept.length !== records.length) await state.saveDecisions(kept);
        return stored;
      });
    },
  };
}
