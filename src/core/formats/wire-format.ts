import type { BrowserHealth, FileEvent } from '../schema/event';
import type { BackendFormat } from '../schema/identifiers';

/** What travels with a batch besides its events. */
export interface EncodeContext {
  /** Events dropped because the outbox was full since the last delivered batch. */
  droppedEvents?: number;
  /** How the browser's delivery stands (the native format sends it; the others have no place for it). */
  health?: BrowserHealth;
}

/** What a backend's answer means for the batch. */
export type DeliveryOutcome =
  | { kind: 'ok' }
  | { kind: 'retry'; error: string; retryAfterMs?: number }
  /** 413: the batch is too big; send it in halves. */
  | { kind: 'split'; error: string }
  /** The backend refuses these events for good: move them aside as dead letters. */
  | { kind: 'dead'; error: string }
  /** Some events accepted, some to retry, some refused (Elastic _bulk answers per item). */
  | { kind: 'partial'; retry: number[]; dead: { index: number; error: string }[]; retryAfterMs?: number };

/** How a batch of events is put on the wire for one kind of backend, and how its answer reads. Pure. */
export interface WireFormat {
  id: BackendFormat;
  contentType: string;
  supportsGzip: boolean;
  /** Some backends take one event per request (an XSOAR incident). */
  maxEventsPerRequest?: number;
  /** The URL batches are POSTed to, given the configured backend URL. */
  endpoint(backendUrl: string): string;
  /** The Authorization header value for a token. */
  authorization(token: string): string;
  encode(events: readonly FileEvent[], context?: EncodeContext): string;
  /**
   * `now` is when the answer arrived: a Retry-After date counts from it. `events`: how many the batch
   * held, so an answer that accounts for fewer (an Elasticsearch `_bulk` with items missing) leaves
   * the others to retry rather than counting them delivered.
   */
  interpret(status: number, body: string, retryAfter: string | null, now: number, events: number): DeliveryOutcome;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** IMF-fixdate (RFC 9110 5.6.7), the HTTP-date senders must use: `Sun, 06 Nov 1994 08:49:37 GMT`. */
const IMF_FIXDATE = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;

/**
 * An IMF-fixdate in epoch milliseconds; undefined for anything else, and for a date that does not
 * exist (31 Feb, 25:00): written back, it must read the same (the day name is not checked).
 */
function imfFixdate(text: string): number | undefined {
  const m = IMF_FIXDATE.exec(text);
  if (!m) return undefined;
  const at = Date.UTC(Number(m[3]), MONTHS.indexOf(m[2]!), Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6]));
  return new Date(at).toUTCString().slice(5) === text.slice(5) ? at : undefined;
}

/**
 * Retry-After (RFC 9110 10.2.3) as delta-seconds (digits only) or an IMF-fixdate, in milliseconds
 * from `now`; undefined when absent or anything else (`-5`, `1e3`, `soon`), so the normal backoff
 * applies: Date.parse reads such junk as a date long past, which would mean no wait at all.
 */
export function retryAfterMs(header: string | null, now: number): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Math.min(Number(trimmed), 86_400) * 1000;
  const at = imfFixdate(trimmed);
  return at === undefined ? undefined : Math.max(0, Math.min(at - now, 86_400_000));
}

/**
 * HTTP semantics every backend shares: 2xx accepted; 413 split; 408, 409, 429 and 5xx retried
 * (Retry-After honoured); any other 4xx is a refusal that retrying will not change.
 */
export function interpretHttp(status: number, retryAfter: string | null, now: number, detail = ''): DeliveryOutcome {
  const error = `backend answered HTTP ${status}${detail ? `: ${detail}` : ''}`.slice(0, 500);
  if (status >= 200 && status < 300) return { kind: 'ok' };
  if (status === 413) return { kind: 'split', error };
  if (status === 408 || status === 409 || status === 429 || status >= 500) {
    const after = retryAfterMs(retryAfter, now);
    return after === undefined ? { kind: 'retry', error } : { kind: 'retry', error, retryAfterMs: after };
  }
  return { kind: 'dead', error };
}

/** ISO 8601 to epoch milliseconds (0 when unreadable). */
export const epochMs = (iso: string) => {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? 0 : t;
};
