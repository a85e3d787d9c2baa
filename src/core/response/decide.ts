/**
 * From an action's scored events to the decision the content script enforces, and the `response`
 * each event records (issue 14). Pure: the rules, the user's watchlists, the allowances and the
 * clock are handed in.
 */
import type { FileEvent } from '../schema/event';
import { SEVERITIES, type Severity } from '../schema/identifiers';
import type { EventResponse, ResponseAction, ResponseDecision, ResponseOutcome, ResponseRule } from '../schema/response';
import { activeAllowance, allowanceKey, type Allowances } from './allowances';
import { decideAction, type DestinationFacts, type FileFacts } from './match';

/** The user's watchlists as rules see them: the console's, plus `departing` from the managed key. */
export function watchlistsOf(config: { watchlists: readonly string[]; departingWatchlist: boolean }): string[] {
  return config.departingWatchlist && !config.watchlists.includes('departing') ? [...config.watchlists, 'departing'] : [...config.watchlists];
}

export function destinationFacts(d: Pick<FileEvent['destination'], 'category' | 'serviceId' | 'trusted'>, watchlists: readonly string[]): DestinationFacts {
  return { category: d.category, ...(d.serviceId !== undefined && { serviceId: d.serviceId }), trusted: d.trusted, watchlists };
}

export function fileFacts(event: FileEvent, watchlists: readonly string[]): FileFacts {
  const indicators = new Set([...event.risk.indicators.map((i) => i.id), ...(event.risk.userFacts ?? [])]);
  return {
    severity: event.risk.severity,
    fileCategory: event.file.category,
    indicators: [...indicators],
    channel: event.channel,
    destination: destinationFacts(event.destination, watchlists),
  };
}

/** What an immediate decision records: a warn waits for the person's answer. */
export const IMMEDIATE_OUTCOME: Record<Exclude<ResponseAction, 'warn'>, ResponseOutcome> = { allow: 'allowed', notify: 'notified', block: 'blocked' };

export interface Decided {
  decision: Omit<ResponseDecision, 'decisionId'>;
  rule?: ResponseRule;
  /** Set when a temporary allow let a warn rule pass without asking. */
  allowedUntil?: number;
  /** The allowance key of this user and destination (a justified warning grants on it). */
  allowanceKey: string;
}

const MAX_DECISION_FILES = 50;
const MAX_REASONS = 16;

export function decide(
  rules: readonly ResponseRule[],
  events: readonly FileEvent[],
  who: { user?: string; watchlists: readonly string[] },
  allowances: Allowances,
  now: number,
): Decided {
  const verdict = decideAction(
    rules,
    events.map((e) => fileFacts(e, who.watchlists)),
  );
  const deciding = events[verdict.decidingFile ?? 0];
  const destination = deciding?.destination;
  const key = allowanceKey(who.user, destination ?? { host: '' });
  const allowance = verdict.action === 'warn' ? activeAllowance(allowances, key, now) : undefined;
  const action: ResponseAction = allowance ? 'allow' : verdict.action;
  const severity = events.reduce<Severity>((worst, e) => (SEVERITIES.indexOf(e.risk.severity) > SEVERITIES.indexOf(worst) ? e.risk.severity : worst), 'none');
  const reasons = [...new Set(events.flatMap((e) => e.risk.indicators.map((i) => i.reason)))].slice(0, MAX_REASONS);
  const rule = verdict.rule;
  return {
    decision: {
      action,
      ...(rule && { ruleId: rule.id }),
      ...(rule?.message !== undefined && { message: rule.message }),
      ...(rule?.learnMoreUrl !== undefined && { learnMoreUrl: rule.learnMoreUrl }),
      justification: action === 'warn' ? (rule?.justification ?? 'none') : 'none',
      files: events.slice(0, MAX_DECISION_FILES).map((e) => ({ name: e.file.name, size: e.file.size })),
      destination: {
        host: destination?.host ?? '',
        ...(destination?.serviceName !== undefined && { name: destination.serviceName }),
        category: destination?.category ?? 'unknown',
      },
      reasons,
      severity,
    },
    ...(rule && { rule }),
    ...(allowance && { allowedUntil: allowance.until }),
    allowanceKey: key,
  };
}

/** The `response` an event records for a decision and its outcome. */
export function eventResponse(
  decided: { action: ResponseAction; ruleId?: string },
  outcome: ResponseOutcome,
  decidedInMs: number,
  extra: Pick<EventResponse, 'justification' | 'failure' | 'temporaryAllowUntil'> = {},
): EventResponse {
  return {
    action: decided.action,
    outcome,
    ...(decided.ruleId !== undefined && { ruleId: decided.ruleId }),
    ...(extra.justification !== undefined && { justification: extra.justification }),
    decidedInMs: Math.max(0, Math.round(decidedInMs)),
    ...(extra.failure !== undefined && { failure: extra.failure }),
    ...(extra.temporaryAllowUntil !== undefined && { temporaryAllowUntil: extra.temporaryAllowUntil }),
  };
}
