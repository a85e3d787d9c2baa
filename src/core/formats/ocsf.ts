/**
 * OCSF 1.3: every upload is a File Hosting Activity (class 6006, activity Upload); a scored event is
 * also a Data Security Finding (class 2006) that carries the indicators and the score. A batch is a
 * JSON array of OCSF events, POSTed with a bearer token.
 */
import { plainLine } from './escape';
import type { FileEvent } from '../schema/event';
import type { Severity } from '../schema/identifiers';
import { ocsfSecurityControl } from './response-fields';
import { epochMs, interpretHttp, type EncodeContext, type WireFormat } from './wire-format';

export const OCSF_VERSION = '1.3.0';

/** OCSF severity_id: 1 informational, 2 low, 3 medium, 4 high, 5 critical. */
const SEVERITY_ID: Record<Severity, number> = { none: 1, low: 2, moderate: 3, high: 4, critical: 5 };
const SEVERITY_NAME: Record<Severity, string> = { none: 'Informational', low: 'Low', moderate: 'Medium', high: 'High', critical: 'Critical' };

function common(event: FileEvent) {
  return {
    time: epochMs(event.observedAt),
    severity_id: SEVERITY_ID[event.risk.severity],
    severity: SEVERITY_NAME[event.risk.severity],
    metadata: {
      version: OCSF_VERSION,
      uid: event.id,
      product: { name: 'Upwatch', vendor_name: 'Upwatch', version: event.device.extensionVersion },
      log_name: 'upwatch.file_event',
      // A response rule acted: the security_control profile's action and disposition say how.
      ...(event.response && { profiles: ['security_control'] }),
    },
    ...(event.response && ocsfSecurityControl(event.response.outcome)),
    actor: { user: { ...(event.user.email && { email_addr: event.user.email }), ...(event.user.id && { uid: event.user.id }) } },
    device: { type_id: 0, os: { name: event.device.os, type_id: 0 } },
  };
}

export function ocsfEvents(event: FileEvent, context: EncodeContext = {}): object[] {
  const file = {
    name: event.file.name,
    type_id: 1,
    size: event.file.size,
    ...(event.file.mimeByContent || event.file.mimeType ? { mime_type: event.file.mimeByContent ?? event.file.mimeType } : {}),
  };
  const activity = {
    ...common(event),
    category_uid: 6,
    class_uid: 6006,
    activity_id: 1,
    activity_name: 'Upload',
    type_uid: 600601,
    file,
    src_endpoint: { type: event.device.browser },
    dst_endpoint: { hostname: event.destination.host, domain: event.destination.domain },
    http_request: { url: { url_string: event.destination.url, hostname: event.destination.host } },
    unmapped: { upwatch: event, ...(context.droppedEvents ? { dropped_events: context.droppedEvents } : {}) },
  };
  if (event.risk.score === 0) return [activity];
  const finding = {
    ...common(event),
    category_uid: 2,
    class_uid: 2006,
    activity_id: 1,
    activity_name: 'Create',
    type_uid: 200601,
    finding_info: {
      uid: event.id,
      title: plainLine(`${event.file.name} uploaded to ${event.destination.serviceName ?? event.destination.host}`),
      desc: event.risk.indicators.map((i) => `${i.reason} (+${i.weight})`).join('; '),
      types: event.risk.indicators.map((i) => i.id),
      created_time: epochMs(event.observedAt),
    },
    risk_score: event.risk.score,
    risk_level: SEVERITY_NAME[event.risk.severity],
    risk_level_id: Math.max(0, SEVERITY_ID[event.risk.severity] - 1),
    resources: [{ name: event.file.name, type: 'File' }],
  };
  return [activity, finding];
}

export const ocsfFormat: WireFormat = {
  id: 'ocsf',
  contentType: 'application/json',
  supportsGzip: true,
  endpoint: (backendUrl) => backendUrl,
  authorization: (token) => `Bearer ${token}`,
  encode(events: readonly FileEvent[], context: EncodeContext = {}): string {
    return JSON.stringify(events.flatMap((e, i) => ocsfEvents(e, i === 0 ? context : {})));
  },
  interpret: (status, _body, retryAfter, now) => interpretHttp(status, retryAfter, now),
};
