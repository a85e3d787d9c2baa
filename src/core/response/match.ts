/**
 * Which response rule applies to an upload, decided locally and purely (issue 14). A rule applies
 * when every condition it gives holds (a list holds when any of its values does; an empty list is
 * no condition); the first rule that applies to a file decides for that file; the strictest file
 * decides for the whole user action (block > warn > notify > allow). Trusted destinations are
 * never acted on: trust means the team has said uploads there are fine.
 */
import type { Channel, DestinationCategory, FileCategory, Severity } from '../schema/identifiers';
import { SEVERITIES } from '../schema/identifiers';
import type { ResponseAction, ResponseConditions, ResponseRule } from '../schema/response';

/** What is known of one file's upload when it is decided. */
export interface FileFacts {
  severity: Severity;
  fileCategory: FileCategory;
  /** Every indicator that applied (scored ones and user facts). */
  indicators: readonly string[];
  channel: Channel;
  destination: DestinationFacts;
}

/** What is known before any file is handed over: the page's destination and the user. */
export interface DestinationFacts {
  category: DestinationCategory;
  serviceId?: string;
  trusted: boolean;
  /** The watchlists the user is on. */
  watchlists: readonly string[];
}

const STRICTNESS: Record<ResponseAction, number> = { allow: 0, notify: 1, warn: 2, block: 3 };

export function stricter(a: ResponseAction, b: ResponseAction): boolean {
  return STRICTNESS[a] > STRICTNESS[b];
}

const given = <T>(list: readonly T[] | undefined): list is readonly T[] => list !== undefined && list.length > 0;
const anyOf = <T>(list: readonly T[] | undefined, has: (value: T) => boolean) => !given(list) || list.some(has);

/** The conditions known before the file: the destination, its service and the user's watchlists. */
function destinationHolds(when: ResponseConditions, d: DestinationFacts): boolean {
  return (
    anyOf(when.destinationCategories, (c) => c === d.category) &&
    anyOf(when.serviceIds, (id) => id === d.serviceId) &&
    anyOf(when.watchlists, (w) => d.watchlists.includes(w))
  );
}

/** Conditions that need the file (its category needs its first bytes; severity and indicators need scoring) or the channel. */
export function hasFileConditions(when: ResponseConditions | undefined): boolean {
  return when !== undefined && (when.minSeverity !== undefined || given(when.fileCategories) || given(when.indicators) || given(when.channels));
}

export function ruleApplies(rule: ResponseRule, f: FileFacts): boolean {
  const when = rule.when ?? {};
  return (
    destinationHolds(when, f.destination) &&
    (when.minSeverity === undefined || SEVERITIES.indexOf(f.severity) >= SEVERITIES.indexOf(when.minSeverity)) &&
    anyOf(when.fileCategories, (c) => c === f.fileCategory) &&
    anyOf(when.indicators, (i) => f.indicators.includes(i)) &&
    anyOf(when.channels, (c) => c === f.channel)
  );
}

/** The first rule that applies to one file; undefined: no rule (allowed, monitored as today). */
export function ruleFor(rules: readonly ResponseRule[], f: FileFacts): ResponseRule | undefined {
  if (f.destination.trusted) return undefined;
  return rules.find((rule) => ruleApplies(rule, f));
}

export interface ActionVerdict {
  action: ResponseAction;
  /** The rule of the strictest file (the first such file); undefined when no rule applied. */
  rule?: ResponseRule;
  /** Index of the file that decided. */
  decidingFile?: number;
}

/** The strictest file of a user action decides for all its files. */
export function decideAction(rules: readonly ResponseRule[], files: readonly FileFacts[]): ActionVerdict {
  let verdict: ActionVerdict = { action: 'allow' };
  files.forEach((f, i) => {
    const rule = ruleFor(rules, f);
    if (rule && (verdict.rule === undefined || stricter(rule.action, verdict.action))) verdict = { action: rule.action, rule, decidingFile: i };
  });
  return verdict;
}

/**
 * Whether files handed to a page must be held for a decision: some rule other than allow could
 * apply there, judged by the destination-level conditions alone. An allow rule that matches every
 * file on the page (no file-level condition) shadows every rule after it.
 *
 * On a trusted page the page's own uploads are never acted on, but a file sent by script may be
 * going to another, untrusted host, so a rule that could apply to script uploads still holds.
 */
export function mustHold(rules: readonly ResponseRule[], d: DestinationFacts): boolean {
  if (d.trusted) {
    return rules.some(
      (r) => r.action !== 'allow' && anyOf(r.when?.channels, (c) => c === 'programmatic') && anyOf(r.when?.watchlists, (w) => d.watchlists.includes(w)),
    );
  }
  for (const rule of rules) {
    if (!destinationHolds(rule.when ?? {}, d)) continue;
    if (rule.action !== 'allow') return true;
    if (!hasFileConditions(rule.when)) return false;
  }
  return false;
}
