/**
 * Response rules and outcomes as the console shows them (docs/response.md). The UI imports nothing
 * outside console/ui/src, so the lists of src/core/schema/response.ts are repeated here; the console
 * validates every rule on save (PUT /api/v1/policy answers 400 naming a bad rule), so a stale copy
 * can only cost a choice in a form, never let a bad rule through.
 */
import type { ApiAnswer } from './api-types';

export const RESPONSE_ACTIONS = ['allow', 'notify', 'warn', 'block'] as const;
export const RESPONSE_OUTCOMES = ['allowed', 'notified', 'warned', 'bypassed', 'blocked'] as const;
export const JUSTIFICATION_MODES = ['none', 'optional', 'required'] as const;
export const RESPONSE_MESSAGE_MAX = 300;
export const TEMPORARY_ALLOW_MAX_MINUTES = 1440;
export const RESPONSE_RULES_KEY = 'responseRules';

export type ResponseAction = (typeof RESPONSE_ACTIONS)[number];
export type ResponseOutcome = (typeof RESPONSE_OUTCOMES)[number];

export interface ResponseConditions {
  minSeverity?: string;
  destinationCategories?: string[];
  serviceIds?: string[];
  fileCategories?: string[];
  indicators?: string[];
  channels?: string[];
  watchlists?: string[];
}

export interface ResponseRule {
  id: string;
  when?: ResponseConditions;
  action: ResponseAction;
  message?: string;
  learnMoreUrl?: string;
  justification?: (typeof JUSTIFICATION_MODES)[number];
  temporaryAllowMinutes?: number;
}

/** `response` on a stored event. */
export type EventResponse = NonNullable<ApiAnswer<'/api/v1/events/{id}'>['response']>;

export const ACTION_WORDS: Record<ResponseAction, string> = {
  allow: 'Allow',
  notify: 'Notify (a notice, the upload goes on)',
  warn: 'Warn (cancel or go ahead)',
  block: 'Block',
};

export const OUTCOME_WORDS: Record<ResponseOutcome, string> = {
  allowed: 'Allowed',
  notified: 'Allowed with a notice',
  warned: 'Warned, then cancelled',
  bypassed: 'Warned, went ahead',
  blocked: 'Blocked',
};

export const FAILURE_WORDS: Record<NonNullable<EventResponse['failure']>, string> = {
  timeout: 'No decision in time: the policy’s failure mode (responseFailureMode) decided',
  unavailable: 'The browser could not decide: the policy’s failure mode (responseFailureMode) decided',
};

/** An outcome in plain words; an unknown value (a newer extension) is shown as it is. */
export const outcomeWords = (o: string) => OUTCOME_WORDS[o as ResponseOutcome] ?? o;

const anyOf = (values: string[]) => (values.length === 1 ? values[0]! : `any of ${values.join(', ')}`);

/** What a rule's conditions ask, in words: "severity high or above, destination category cloud_storage". */
export function conditionsInWords(when: ResponseConditions | undefined): string {
  const w = when ?? {};
  const parts: string[] = [];
  if (w.minSeverity) parts.push(`severity ${w.minSeverity} or above`);
  const lists: [keyof ResponseConditions, string][] = [
    ['destinationCategories', 'destination category'],
    ['serviceIds', 'service'],
    ['fileCategories', 'file category'],
    ['indicators', 'indicator'],
    ['channels', 'handed over by'],
    ['watchlists', 'user on watchlist'],
  ];
  for (const [key, words] of lists) {
    const values = w[key];
    if (Array.isArray(values) && values.length) parts.push(`${words} ${anyOf(values)}`);
  }
  return parts.length ? parts.join('; ') : 'every upload';
}

/**
 * The console's 400 lists problems as `responseRules[2]: rule "x" rejected: …`: the ones naming a
 * rule by its position in the list sent, and the others (another key, the list as a whole).
 */
export function problemsByRule(problems: readonly string[]): { byIndex: Map<number, string[]>; other: string[] } {
  const byIndex = new Map<number, string[]>();
  const other: string[] = [];
  for (const p of problems) {
    const m = /^responseRules\[(\d+)\]: ([\s\S]*)$/.exec(p);
    if (m) byIndex.set(Number(m[1]), [...(byIndex.get(Number(m[1])) ?? []), m[2]!]);
    else other.push(p);
  }
  return { byIndex, other };
}
