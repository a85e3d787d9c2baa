/**
 * Splunk HTTP Event Collector: `POST <splunk>/services/collector/event` with
 * `Authorization: Splunk <token>`, a body of concatenated JSON envelopes
 * `{time, host, source, sourcetype, event}`. HEC error codes come back in `{"text", "code"}`.
 */
import type { FileEvent } from '../schema/event';
import { epochMs, interpretHttp, type DeliveryOutcome, type EncodeContext, type WireFormat } from './wire-format';

export const SPLUNK_SOURCETYPE = 'upwatch:file_event';

/** HEC codes a retry can fix: 8 internal server error, 9 server busy. Everything else is a refusal. */
const RETRYABLE_HEC_CODES = new Set([8, 9]);

/** The event endpoint under the backend URL's path; a query in the URL is kept after it. */
function endpoint(backendUrl: string): string {
  if (!URL.canParse(backendUrl)) return backendUrl;
  const url = new URL(backendUrl);
  const path = url.pathname.replace(/\/+$/, '');
  if (/\/services\/collector(\/event)?(\/1\.0)?$/.test(path)) url.pathname = path.endsWith('/services/collector') ? `${path}/event` : path;
  else url.pathname = `${path}/services/collector/event`;
  return url.toString();
}

function interpret(status: number, body: string, retryAfter: string | null, now: number): DeliveryOutcome {
  let code: number | undefined;
  let text = '';
  try {
    const parsed = JSON.parse(body) as { code?: unknown; text?: unknown };
    if (typeof parsed.code === 'number') code = parsed.code;
    if (typeof parsed.text === 'string') text = parsed.text;
  } catch {
    // Not JSON: the HTTP status alone decides.
  }
  const detail = code === undefined ? '' : `HEC code ${code} ${text}`.trim();
  if (status >= 200 && status < 300 && (code === undefined || code === 0)) return { kind: 'ok' };
  if (code !== undefined && RETRYABLE_HEC_CODES.has(code)) return interpretHttp(503, retryAfter, now, detail);
  return interpretHttp(status >= 200 && status < 300 ? 400 : status, retryAfter, now, detail);
}

/**
 * HEC indexed fields: the drop counter, and a response's action and outcome so searches on them
 * need no JSON extraction (`upwatch_outcome::blocked`).
 */
function fieldsOf(event: FileEvent, context: EncodeContext): { fields?: Record<string, string | number> } {
  const fields: Record<string, string | number> = {
    ...(context.droppedEvents ? { upwatch_dropped_events: context.droppedEvents } : {}),
    ...(event.response && { upwatch_action: event.response.action, upwatch_outcome: event.response.outcome }),
    ...(event.response?.ruleId !== undefined && { upwatch_rule: event.response.ruleId }),
  };
  return Object.keys(fields).length > 0 ? { fields } : {};
}

export const splunkHecFormat: WireFormat = {
  id: 'splunk_hec',
  contentType: 'application/json',
  supportsGzip: true,
  endpoint,
  authorization: (token) => `Splunk ${token}`,
  encode(events: readonly FileEvent[], context: EncodeContext = {}): string {
    return events
      .map((event, i) =>
        JSON.stringify({
          time: epochMs(event.observedAt) / 1000,
          host: event.user.email ?? `${event.device.browser}-${event.device.os}`,
          source: 'upwatch',
          sourcetype: SPLUNK_SOURCETYPE,
          event,
          ...fieldsOf(event, i === 0 ? context : {}),
        }),
      )
      .join('\n');
  },
  interpret,
};
