/**
 * Elasticsearch `_bulk` with Elastic Common Schema documents: NDJSON of `create` actions with the
 * event id as `_id` (so a retry never indexes twice: a 409 means "already there"), each followed
 * by an ECS document that keeps the native event under `upwatch`. `Authorization: ApiKey <key>`.
 * The backend URL names the index or data stream: `https://es.acme.example:9200/logs-upwatch-default`.
 */
import type { FileEvent } from '../schema/event';
import type { Severity } from '../schema/identifiers';
import { ecsOutcome } from './response-fields';
import { interpretHttp, retryAfterMs, type DeliveryOutcome, type EncodeContext, type WireFormat } from './wire-format';

const SEVERITY_NUMBER: Record<Severity, number> = { none: 0, low: 21, moderate: 47, high: 73, critical: 99 };

export function ecsDocument(event: FileEvent, context: EncodeContext = {}) {
  const response = event.response;
  const ecs = response && ecsOutcome(response.outcome);
  return {
    '@timestamp': event.observedAt,
    event: {
      kind: event.risk.score > 0 ? 'alert' : 'event',
      category: ['file'],
      // A response rule acted: allowed or denied (ECS event.type values), and the outcome in event.outcome and event.action.
      type: ecs ? ['access', ecs.type] : ['access'],
      action: response ? `file-upload-${response.outcome}` : 'file-upload',
      ...(ecs && { outcome: ecs.outcome }),
      id: event.id,
      dataset: 'upwatch.file_event',
      module: 'upwatch',
      risk_score: event.risk.score,
      severity: SEVERITY_NUMBER[event.risk.severity],
      reason: event.risk.indicators.map((i) => i.reason).join('; ') || undefined,
    },
    file: {
      name: event.file.name,
      extension: event.file.extension || undefined,
      size: event.file.size,
      mime_type: event.file.mimeByContent ?? (event.file.mimeType || undefined),
      ...(event.file.relativePath && { path: event.file.relativePath }),
    },
    url: { full: event.destination.url, domain: event.destination.host, registered_domain: event.destination.domain },
    user: { ...(event.user.email && { email: event.user.email }), ...(event.user.id && { id: event.user.id }) },
    host: { os: { type: event.device.os } },
    user_agent: { name: event.device.browser, version: event.device.browserVersion },
    observer: { vendor: 'Upwatch', product: 'Upwatch', type: 'browser-extension', version: event.device.extensionVersion },
    rule: { name: event.risk.indicators.map((i) => i.id).join(',') || undefined },
    labels: {
      destination_category: event.destination.category,
      severity: event.risk.severity,
      ...(event.destination.serviceId && { service_id: event.destination.serviceId }),
      ...(response && { response_action: response.action, response_outcome: response.outcome }),
      ...(response?.ruleId !== undefined && { response_rule: response.ruleId }),
      ...(response?.failure !== undefined && { response_failure: response.failure }),
      ...(context.droppedEvents ? { upwatch_dropped_events: String(context.droppedEvents) } : {}),
    },
    upwatch: event,
  };
}

type BulkItem = Record<string, { status?: number; error?: { type?: string; reason?: string } }>;

function interpret(status: number, body: string, retryAfter: string | null, now: number, events: number): DeliveryOutcome {
  if (status < 200 || status >= 300) return interpretHttp(status, retryAfter, now);
  let parsed: { errors?: boolean; items?: unknown };
  try {
    parsed = JSON.parse(body);
  } catch {
    return { kind: 'retry', error: 'Elasticsearch answered something that is not JSON' };
  }
  if (!parsed.errors) return { kind: 'ok' };
  // Some items failed, and only the items say which: without them nothing is known to be delivered.
  if (!Array.isArray(parsed.items) || parsed.items.length === 0)
    return { kind: 'retry', error: 'Elasticsearch answered errors: true without the items that say which' };
  const items = parsed.items as BulkItem[];
  const retry: number[] = [];
  const dead: { index: number; error: string }[] = [];
  items.forEach((item, index) => {
    const result = Object.values(item)[0] ?? {};
    const s = result.status ?? 0;
    // 409 on create: the document with this id is already indexed (a retry of a delivered batch).
    if ((s >= 200 && s < 300) || s === 409) return;
    if (s === 429 || s >= 500) retry.push(index);
    else dead.push({ index, error: `Elasticsearch ${s}: ${result.error?.type ?? ''} ${result.error?.reason ?? ''}`.trim().slice(0, 500) });
  });
  // Events the answer has no item for were not confirmed: they are retried, never counted delivered.
  for (let index = items.length; index < events; index++) retry.push(index);
  if (retry.length === 0 && dead.length === 0) return { kind: 'ok' };
  const after = retryAfterMs(retryAfter, now);
  return after === undefined ? { kind: 'partial', retry, dead } : { kind: 'partial', retry, dead, retryAfterMs: after };
}

/** `<backend URL>/_bulk`: the path goes in the path, and a query (`?pipeline=…`) is kept after it. */
function endpoint(backendUrl: string): string {
  if (!URL.canParse(backendUrl)) return backendUrl;
  const url = new URL(backendUrl);
  const path = url.pathname.replace(/\/+$/, '');
  url.pathname = path.endsWith('/_bulk') ? path : `${path}/_bulk`;
  return url.toString();
}

export const elasticFormat: WireFormat = {
  id: 'elastic',
  contentType: 'application/x-ndjson',
  supportsGzip: true,
  endpoint,
  authorization: (token) => `ApiKey ${token}`,
  encode(events: readonly FileEvent[], context: EncodeContext = {}): string {
    return `${events
      .map((event, i) => `${JSON.stringify({ create: { _id: event.id } })}\n${JSON.stringify(ecsDocument(event, i === 0 ? context : {}))}`)
      .join('\n')}\n`;
  },
  interpret,
};
