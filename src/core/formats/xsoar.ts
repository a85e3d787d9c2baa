/**
 * Cortex XSOAR Generic Webhook: one incident per POST to the instance's webhook URL, with flat
 * incident fields (name, type, severity, occurred, details) and the raw event (`rawJson`) for
 * mapping. The Generic Webhook authenticates with the instance's username and password: the
 * token is `username:password`, sent as HTTP Basic.
 */
import { textToBase64 } from '../encoding/base64';
import type { FileEvent } from '../schema/event';
import type { Severity } from '../schema/identifiers';
import type { ResponseOutcome } from '../schema/response';
import { markdownText, plainLine } from './escape';
import { responseSentence } from './response-fields';
import { interpretHttp, type EncodeContext, type WireFormat } from './wire-format';

export const XSOAR_INCIDENT_TYPE = 'Upwatch File Exfiltration';

/** XSOAR severities: 0 unknown, 0.5 informational, 1 low, 2 medium, 3 high, 4 critical. */
const XSOAR_SEVERITY: Record<Severity, number> = { none: 0.5, low: 1, moderate: 2, high: 3, critical: 4 };

/** What happened to the upload, in the incident's name. */
const HOW: Record<ResponseOutcome, (where: string) => string> = {
  allowed: (w) => `uploaded to ${w}`,
  notified: (w) => `uploaded to ${w} (notified)`,
  bypassed: (w) => `uploaded to ${w} after a warning`,
  warned: (w) => `held back from ${w} at a warning`,
  blocked: (w) => `blocked from ${w}`,
};

export function xsoarIncident(event: FileEvent, context: EncodeContext = {}) {
  const d = event.destination;
  const where = d.serviceName ?? (d.host || 'an unknown destination');
  // Untrusted text is one plain line in the name and escaped Markdown in the details (escape.ts).
  const reasons = event.risk.indicators.map((i) => `- ${markdownText(i.reason)} (+${i.weight})`).join('\n');
  const dropped = context.droppedEvents ? `\n\n${context.droppedEvents} earlier events were dropped on this browser (outbox full).` : '';
  const response = event.response ? `\nResponse: ${markdownText(responseSentence(event.response))}` : '';
  const file = markdownText(event.file.name);
  const to = markdownText(d.url || d.host, 2048);
  return {
    name: plainLine(
      `${event.file.name} ${(event.response ? HOW[event.response.outcome] : HOW.allowed)(where)} by ${event.user.email ?? 'an unknown user'} (${event.risk.severity}, score ${event.risk.score})`,
      1024,
    ),
    type: XSOAR_INCIDENT_TYPE,
    severity: XSOAR_SEVERITY[event.risk.severity],
    occurred: event.observedAt,
    details: `${file} (${event.file.category}, ${event.file.size} bytes) → ${to} \\[${d.category}\\]${response}\n${reasons}${dropped}`,
    rawJson: event,
  };
}

export const xsoarFormat: WireFormat = {
  id: 'xsoar',
  contentType: 'application/json',
  supportsGzip: false,
  maxEventsPerRequest: 1,
  endpoint: (backendUrl) => backendUrl,
  authorization: (token) => `Basic ${textToBase64(token)}`,
  encode(events: readonly FileEvent[], context: EncodeContext = {}): string {
    if (events.length !== 1) throw new Error('the XSOAR Generic Webhook takes one incident per request');
    return JSON.stringify(xsoarIncident(events[0]!, context));
  },
  interpret: (status, _body, retryAfter, now) => interpretHttp(status, retryAfter, now),
};
