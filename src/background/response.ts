/**
 * The response's background side (issue 14, docs/response.md): whether a page must hold files
 * (`response/plan`), the decision for a held action (`upload/observed` with `hold`), and what the
 * person did about a warning (`upload/outcome`). Rule matching is pure (core/response); this file
 * keeps the decisions of the last hour and the temporary allows, persisted (response-state.ts),
 * and stores every event through the upload pipeline, so nothing held is ever lost.
 */
import { classifyDestination } from '../core/destinations/classify';
import type { EffectiveConfig } from '../core/effective-config';
import { decide, destinationFacts, eventResponse, IMMEDIATE_OUTCOME, watchlistsOf, type Decided } from '../core/response/decide';
import { mustHold, stricter } from '../core/response/match';
import type { FileEvent } from '../core/schema/event';
import type { UploadObserved } from '../core/schema/messages';
import { DECIDE_WITHIN_MS, WARN_OUTCOME_TIMEOUT_MS, type ResponseDecision, type ResponsePlan, type UploadOutcome } from '../core/schema/response';
import type { ClassifiedUpload, HeldWork, ScoredUpload, StampedSender } from './pipeline';
import { allowedBeforeScoring, factsBeforeScoring, verdictBeforeScoring } from './response-early';
import { leaderOf, settleGroup, type GroupDeps } from './response-group';
import { settleOutcome, type OutcomeReply } from './response-outcome';
import { AllowanceMemo, ResponseState, type DecisionRecord, type StoredRecord } from './response-state';

/** Decisions are kept this long, so a late answer or a late failure report still finds its events. */
export const DECISION_KEEP_MS = 60 * 60_000;
/** Actions kept at most; the oldest go first (their waiting warnings stored as `warned`). */
const MAX_ACTIONS = 500;

export interface ResponderDeps extends GroupDeps {
  config: () => Promise<EffectiveConfig>;
  now: () => number;
  state: () => Promise<ResponseState>;
  /** Runs the work in the upload pipeline's turn (after the uploads before it are stored). */
  inTurn: <T>(work: () => Promise<T>) => Promise<T>;
  /** Classifies a held observation at once (`work.early`), scores it in the pipeline's turn (`work.decide`). */
  held: <T>(message: UploadObserved, sender: StampedSender, work: HeldWork<T>) => Promise<T>;
  /** Scores classified files now, out of the pipeline's turn (nothing is stored). */
  score: (upload: ClassifiedUpload) => Promise<ScoredUpload>;
  warn?: (message: string) => void;
}

export interface Responder {
  plan(sender: StampedSender): Promise<ResponsePlan>;
  observed(message: UploadObserved, sender: StampedSender): Promise<ResponseDecision>;
  outcome(message: UploadOutcome, sender: StampedSender): Promise<OutcomeReply>;
  /** Stores warnings nobody answered (tab closed) as `warned`, and forgets old decisions; returns how many events it stored. */
  sweep(): Promise<number>;
}

const withResponse = (events: readonly FileEvent[], response: FileEvent['response']): FileEvent[] => events.map((e) => ({ ...e, response }));

function byAction(records: readonly StoredRecord[]): StoredRecord[][] {
  const groups = new Map<string, StoredRecord[]>();
  for (const r of records) {
    const key = r.key.slice(0, r.key.indexOf('\u0000') + 1);
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return [...groups.values()];
}

export function createResponder(deps: ResponderDeps): Responder {
  const warn = deps.warn ?? ((m: string) => console.warn(`[upwatch] ${m}`));
  const memo = new AllowanceMemo();
  const stateOf = async () => (await deps.state()).remembering(memo);
  /** Outcomes received and not yet settled: one may grant a temporary allow a warn decision must see. */
  let outcomesPending = 0;
  const whoOf = (config: EffectiveConfig) => ({
    ...(config.identity.email !== undefined && { user: config.identity.email }),
    watchlists: watchlistsOf(config),
  });

  /**
   * The decision before scoring (response-early.ts), or undefined to wait for the turn. The page may
   * have the files: answered at once. A notice, warning or block shows the severity and reasons, so
   * the files are scored now, out of turn (the history as stored so far; the event stored in turn).
   */
  async function decideEarly(upload: ClassifiedUpload | undefined, now: number): Promise<Decided | undefined> {
    const config = await deps.config();
    const rules = config.policy.responseRules;
    const who = whoOf(config);
    if (!upload) return decide(rules, [], who, {}, now);
    const verdict = verdictBeforeScoring(rules, factsBeforeScoring(upload, who.watchlists));
    if (!verdict || (verdict.action === 'warn' && outcomesPending > 0)) return undefined;
    const allowances = await (await stateOf()).allowances();
    return allowedBeforeScoring(verdict, upload, who, allowances, now) ?? decide(rules, (await deps.score(upload)).events, who, allowances, now);
  }

  /** A new part of an action: decided alone, then recorded as the strictest part so far says. */
  async function record(state: ResponseState, own: DecisionRecord, events: FileEvent[], scored: ScoredUpload, lateBy: number, failureMode: 'allow' | 'block') {
    const earlier = (await state.group(own.tabId, own.decisionId)).map((g) => g.record);
    const leader = leaderOf([...earlier, own])!;
    if (lateBy > DECIDE_WITHIN_MS) {
      // Too late: the content script has already applied the failure mode; record that.
      await deps.store({
        ...scored,
        events: withResponse(events, eventResponse(leader, failureMode === 'block' ? 'blocked' : 'allowed', lateBy, { failure: 'timeout' })),
      });
      own.storedIds = events.map((e) => e.id);
    } else if (leader.effective === 'warn') {
      // Keep the events until the person answers; the history is written now (it must not go stale).
      await deps.store({ ...scored, events: [] });
      own.pending = events;
    } else {
      const response = eventResponse(leader, IMMEDIATE_OUTCOME[leader.effective], own.decidedInMs, temporaryAllow(leader));
      await deps.store({ ...scored, events: withResponse(events, response) });
      own.storedIds = events.map((e) => e.id);
      // A block in a later part blocks the files of the earlier parts too: their events say so.
      if (leader === own && earlier.some((r) => stricter(own.effective, r.effective))) {
        await settleGroup(earlier, response, deps);
        await Promise.all(earlier.map((r) => state.put(r)));
      }
    }
    await state.put(own);
  }

  /** Warnings past the wait are stored as `warned`; actions past the keep time, or over the cap, are forgotten. */
  async function expire(now: number): Promise<number> {
    const state = await stateOf();
    const actions = byAction(await state.all()).sort((a, b) => Math.max(...a.map((r) => r.record.at)) - Math.max(...b.map((r) => r.record.at)));
    let stored = 0;
    for (const [i, action] of actions.entries()) {
      const records = action.map((r) => r.record);
      const newest = Math.max(...records.map((r) => r.at));
      const forget = newest + DECISION_KEEP_MS <= now || actions.length - i > MAX_ACTIONS;
      if ((forget || newest + WARN_OUTCOME_TIMEOUT_MS <= now) && records.some((r) => r.pending?.length)) {
        const leader = leaderOf(records)!;
        stored += await settleGroup(records, eventResponse(leader, 'warned', leader.decidedInMs), deps);
        for (const r of records) r.unanswered = true;
        if (!forget) await Promise.all(records.map((r) => state.put(r)));
      }
      if (forget) await state.remove(action.map((r) => r.key));
    }
    return stored;
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
      /** The decision the page got before scoring: the turn records it, not another. */
      let early: { decided: Decided; at: number } | undefined;
      return deps.held(message, sender, {
        early: async (upload) => {
          const decided = await decideEarly(upload, deps.now());
          if (!decided) return undefined;
          early = { decided, at: deps.now() };
          return { decisionId: message.actionId, ...decided.decision };
        },
        decide: (scored) => inTurn(scored),
      });

      async function inTurn(scored: ScoredUpload | undefined) {
        const config = await deps.config();
        const state = await stateOf();
        const events = scored?.events ?? [];
        const now = early?.at ?? deps.now();
        const decided = early?.decided ?? decide(config.policy.responseRules, events, whoOf(config), await state.allowances(), now);
        const decision: ResponseDecision = { decisionId: message.actionId, ...decided.decision };
        if (!scored || events.length === 0) return { reply: decision };
        const own: DecisionRecord = {
          part: events[0]!.id,
          ...(sender.tab?.id !== undefined && { tabId: sender.tab.id }),
          decisionId: message.actionId,
          action: decided.rule?.action ?? 'allow',
          effective: decision.action,
          ...(decided.rule && { ruleId: decided.rule.id }),
          justification: decided.rule?.justification ?? 'none',
          ...(decided.rule?.temporaryAllowMinutes !== undefined && { temporaryAllowMinutes: decided.rule.temporaryAllowMinutes }),
          ...(decided.allowedUntil !== undefined && { allowedUntil: decided.allowedUntil }),
          allowanceKey: decided.allowanceKey,
          activity: scored.activity,
          decidedInMs: now - receivedAt,
          at: receivedAt,
          storedIds: [],
        };
        // The page gets the decision now (unless it had it early); the events are stored right after, before the next upload's turn.
        return { reply: decision, after: record(state, own, events, scored, now - receivedAt, config.policy.responseFailureMode) };
      }
    },

    async outcome(message, sender) {
      outcomesPending++;
      try {
        return await deps.inTurn(async () => settleOutcome(message, sender, { ...deps, state: await stateOf(), warn }));
      } finally {
        outcomesPending--;
      }
    },

    sweep() {
      return deps.inTurn(() => expire(deps.now()));
    },
  };
}

/** A warn rule let through by an earlier justified warning: until when (the allowance's end). */
function temporaryAllow(leader: DecisionRecord): { temporaryAllowUntil?: string } {
  return leader.allowedUntil !== undefined ? { temporaryAllowUntil: new Date(leader.allowedUntil).toISOString() } : {};
}

/** The answer to a held action on a page where no rule can apply: the page may have the files, nothing is recorded. */
export function allowUnheld(decisionId: string): ResponseDecision {
  return { decisionId, action: 'allow', justification: 'none', files: [], destination: { host: '', category: 'unknown' }, reasons: [], severity: 'none' };
}
