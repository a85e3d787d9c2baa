/** Renders docs/event-schema.md: the native event and batch, with their JSON Schema generated from zod. */
import { z } from 'zod';
import { DEFAULT_OUTBOX_LIMITS } from '../../src/background/outbox-queue';
import { FileEvent, NativeBatch } from '../../src/core/schema/event';

const MIB = 1024 * 1024;

export function renderEventSchemaDoc(): string {
  const schema = z.toJSONSchema(NativeBatch, { target: 'draft-2020-12', unrepresentable: 'any', io: 'output' });
  const eventSchema = z.toJSONSchema(FileEvent, { target: 'draft-2020-12', unrepresentable: 'any', io: 'output' });
  const topLevel = Object.keys((eventSchema as { properties: Record<string, unknown> }).properties)
    .map((k) => `\`${k}\``)
    .join(', ');
  return `# Event schema

<!-- Generated from src/core/schema/event.ts by \`npx tsx scripts/generate.ts\`; a unit test fails when this file drifts. Do not edit by hand. -->

Every upload Upwatch observes becomes one **native file event**, schema version 1. New fields are
added as optional fields; none is ever renamed. Its top-level fields are ${topLevel}.

A **native batch** is \`POST <backendUrl>\` with \`Authorization: Bearer <backendToken>\` and the body
\`{"events": [ … ], "droppedEvents"?: n, "health"?: { … }}\` (JSON; \`Content-Encoding: gzip\` when the backend accepts it).
\`droppedEvents\` counts events the browser dropped since the last delivered batch because its outbox
was full (${DEFAULT_OUTBOX_LIMITS.maxEvents.toLocaleString('en-US')} events or ${DEFAULT_OUTBOX_LIMITS.maxBytes / MIB} MiB; the lowest severity goes first). Any 2xx means accepted. The
event \`id\` (UUIDv7) is the idempotency key: a batch may arrive twice, and the backend must
de-duplicate (the reference console does). \`health\` (optional; older browsers send none) says how
the browser's delivery stands: a random browser id, user and device, storage trouble on the device
(events are queued before they are kept locally, so it costs local history, not forwarding), dead
letters (count, oldest, last reason) and the queue depth. It travels with every batch, and alone in
a batch of no events when it changed; the reference console keeps the latest per browser.

The other formats (\`backendFormat\`) carry the same event:

| format | request | authorization | body |
|---|---|---|---|
| \`native\` | \`POST <backendUrl>\` | \`Bearer <token>\` | the batch below |
| \`splunk_hec\` | \`POST <url>/services/collector/event\` | \`Splunk <token>\` | one \`{time, host, source: "upwatch", sourcetype: "upwatch:file_event", event}\` envelope per event |
| \`xsoar\` | \`POST <webhook URL>\`, one incident per request | \`Basic base64(<username:password>)\` | \`{name, type: "Upwatch File Exfiltration", severity (0.5–4), occurred, details, rawJson: event}\` |
| \`elastic\` | \`POST <url>/<index>/_bulk\` | \`ApiKey <key>\` | NDJSON: \`{"create":{"_id": id}}\` and an ECS document (\`@timestamp\`, \`event.*\`, \`file.*\`, \`url.*\`, \`user.*\`, \`upwatch\`: the event) |
| \`ocsf\` | \`POST <backendUrl>\` | \`Bearer <token>\` | a JSON array of OCSF 1.3 events: File Hosting Activity (6006, Upload) per event, plus a Data Security Finding (2006) for each scored event |

Answers: 2xx accepted; 413 splits the batch; 408, 409, 429 and 5xx are retried: the outbox is
delivered in the order queued, and a failure backs off the whole queue (exponential, one jitter,
Retry-After honoured). An event whose batch the backend keeps answering with a 5xx other than
502–504 (something in it the backend cannot take) is sent in smaller batches, then alone, then moved
behind the rest of the queue, still retried, so it cannot hold up the others; any other 4xx splits the batch until the refused event
stands alone and is moved aside as a dead letter, except a refusal of the request itself (401, 403,
404, 405, 410), which moves the whole batch aside at once. Dead letters are counted in the popup and
on the options page, and are sent again by themselves when the backend settings (address, format,
token) change. Splunk HEC codes 8 and 9 are retried; an
Elasticsearch \`_bulk\` answer is settled item by item (409 on \`create\` = already indexed).

## JSON Schema of a native batch

\`\`\`json
${JSON.stringify(schema, null, 2)}
\`\`\`
`;
}
