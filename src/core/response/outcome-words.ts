/**
 * What a response rule did to an upload, in the popup's words (issue 14). Kept apart from
 * view-models.ts so the popup bundle does not pull in the policy schema.
 */
import type { FileEvent } from '../schema/event';

/** What a response rule did to an upload, in the popup's words (plain text); undefined when nothing worth saying happened. */
export function responseLine(response: FileEvent['response']): string | undefined {
  if (!response) return undefined;
  const rule = response.ruleId ? ` (rule ${response.ruleId})` : '';
  const late = response.failure ? ': no decision in time, the policy default applied' : '';
  switch (response.outcome) {
    case 'blocked':
      return `Blocked${late || ` by your organisation's policy${rule}`}`;
    case 'warned':
      return `Not uploaded: you cancelled at the warning${rule}`;
    case 'bypassed':
      return `Uploaded after a warning${rule}${response.justification ? `; your reason: ${response.justification}` : ''}`;
    case 'notified':
      return `Uploaded with a notice${rule}`;
    case 'allowed':
      if (response.failure) return `Allowed${late}`;
      return response.temporaryAllowUntil ? `Uploaded: your earlier reason still covers this site${rule}` : undefined;
  }
}
