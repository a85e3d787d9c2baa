/**
 * How each wire format names a response's outcome (issue 14), in one table so the formats agree.
 * OCSF's security_control profile: action_id 1 Allowed / 2 Denied, and a disposition from its enum
 * (1 Allowed, 2 Blocked, 8 Approved). ECS: event.outcome success/failure and event.type
 * allowed/denied (both from ECS's allowed values). Outcomes follow Chrome Enterprise reporting.
 */
import type { ResponseOutcome } from '../schema/response';

interface OutcomeFields {
  /** Did the file reach the page? */
  went: boolean;
  ocsfDisposition: { id: number; name: string };
  /** Plain words for incident names and details. */
  words: string;
}

export const OUTCOME_FIELDS: Record<ResponseOutcome, OutcomeFields> = {
  allowed: { went: true, ocsfDisposition: { id: 1, name: 'Allowed' }, words: 'allowed' },
  notified: { went: true, ocsfDisposition: { id: 1, name: 'Allowed' }, words: 'allowed with a notice' },
  bypassed: { went: true, ocsfDisposition: { id: 8, name: 'Approved' }, words: 'went ahead after a warning' },
  warned: { went: false, ocsfDisposition: { id: 2, name: 'Blocked' }, words: 'cancelled at a warning' },
  blocked: { went: false, ocsfDisposition: { id: 2, name: 'Blocked' }, words: 'blocked' },
};

export function ocsfSecurityControl(outcome: ResponseOutcome) {
  const f = OUTCOME_FIELDS[outcome];
  return {
    action_id: f.went ? 1 : 2,
    action: f.went ? 'Allowed' : 'Denied',
    disposition_id: f.ocsfDisposition.id,
    disposition: f.ocsfDisposition.name,
  };
}

export function ecsOutcome(outcome: ResponseOutcome): { outcome: 'success' | 'failure'; type: 'allowed' | 'denied' } {
  return OUTCOME_FIELDS[outcome].went ? { outcome: 'success', type: 'allowed' } : { outcome: 'failure', type: 'denied' };
}

/** One line for people: "blocked by rule no-personal-cloud", with the justification and a failure mode when set. */
export function responseSentence(r: { outcome: ResponseOutcome; ruleId?: string; justification?: string; failure?: string }): string {
  const by = r.failure ? ` by the failure mode (${r.failure})` : r.ruleId ? ` by rule ${r.ruleId}` : '';
  const why = r.justification ? ` — justification: ${r.justification.replace(/\s+/g, ' ')}` : '';
  return `${OUTCOME_FIELDS[r.outcome].words}${by}${why}`;
}
