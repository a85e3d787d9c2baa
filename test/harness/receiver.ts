/**
 * A local backend that speaks every wire format the way the real ones do (Splunk HEC, XSOAR
 * Generic Webhook, Elasticsearch _bulk, an OCSF collector, the native API), checks each one's
 * authorization, de-duplicates on event id like the console, and answers what a test scripts.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

export interface ScriptedAnswer {
  status: number;
  body?: string;
  headers?: Record<string, string>;
  /** Hold the request open until `release()` (a backend that hangs). */
  hold?: boolean;
  /** Answer only a request whose body contains this (a file name): a retry or a health report sent first does not take it. */
  match?: string;
}

export interface ReceivedRequest {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
  status: number;
}

export interface Receiver {
  url: string;
  requests: ReceivedRequest[];
  /** Event id → how many times it was delivered (accepted); names by id. */
  deliveries: Map<string, number>;
  names: Map<string, string>;
  /** Answers for the next requests, in order, before the protocol's normal answer. */
  queue(...answers: ScriptedAnswer[]): void;
  /** The scripted answers no request took yet. */
  pending(): readonly ScriptedAnswer[];
  release(): void;
  held(): number;
  close(): Promise<void>;
}

const PATHS = {
  splunk: '/services/collector/event',
  xsoar: '/xsoar',
  elastic: '/es/upwatch/_bulk',
  ocsf: '/ocsf',
  native: '/native',
} as const;

function eventsOf(path: string, body: string): { id: string; name: string }[] {
  const pick = (e: { id: string; file: { name: string } }) => ({ id: e.id, name: e.file.name });
  if (path === PATHS.splunk)
    return body
      .split('\n')
      .filter(Boolean)
      .map((l) => pick(JSON.parse(l).event));
  if (path === PATHS.xsoar) return [pick(JSON.parse(body).rawJson)];
  if (path === PATHS.elastic) {
    const lines = body.split('\n').filter(Boolean);
    return lines.filter((_, i) => i % 2 === 1).map((l) => pick(JSON.parse(l).upwatch));
  }
  if (path === PATHS.ocsf) {
    return (JSON.parse(body) as { class_uid: number; unmapped?: { upwatch: { id: string; file: { name: string } } } }[])
      .filter((e) => e.class_uid === 6006)
      .map((e) => pick(e.unmapped!.upwatch));
  }
  return (JSON.parse(body).events as { id: string; file: { name: string } }[]).map(pick);
}

function authorized(path: string, header: string | undefined, token: string): boolean {
  if (path === PATHS.splunk) return header === `Splunk ${token}`;
  if (path === PATHS.xsoar) return header === `Basic ${Buffer.from(token).toString('base64')}`;
  if (path === PATHS.elastic) return header === `ApiKey ${token}`;
  return header === `Bearer ${token}`;
}

export async function startReceiver(token: string, port = 0): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  const deliveries = new Map<string, number>();
  const names = new Map<string, string>();
  const scripted: ScriptedAnswer[] = [];
  const holding: (() => void)[] = [];

  const answer = (res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(body);
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const body = (req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
      const path = (req.url ?? '/').split('?')[0]!;
      const record: ReceivedRequest = { path, headers: req.headers, body, status: 0 };
      requests.push(record);
      const at = scripted.findIndex((a) => a.match === undefined || body.includes(a.match));
      const next = at < 0 ? undefined : scripted.splice(at, 1)[0];
      if (next?.hold) {
        holding.push(() => {
          record.status = 200;
          answer(res, 200, '{}');
        });
        return;
      }
      if (next) {
        record.status = next.status;
        return answer(res, next.status, next.body ?? '{}', next.headers);
      }
      if (!authorized(path, req.headers.authorization, token)) {
        record.status = 401;
        return answer(res, 401, path === PATHS.splunk ? '{"text":"Invalid authorization","code":3}' : '{"error":"unauthorized"}');
      }
      const events = eventsOf(path, body);
      const seen = events.map((e) => deliveries.has(e.id));
      for (const e of events) {
        deliveries.set(e.id, (deliveries.get(e.id) ?? 0) + 1);
        names.set(e.id, e.name);
      }
      record.status = 200;
      if (path === PATHS.splunk) return answer(res, 200, '{"text":"Success","code":0}');
      if (path === PATHS.elastic) {
        const items = seen.map((dup) => ({ create: { status: dup ? 409 : 201 } }));
        return answer(res, 200, JSON.stringify({ errors: seen.some(Boolean), items }));
      }
      return answer(res, 200, '{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    deliveries,
    names,
    queue: (...answers) => scripted.push(...answers),
    pending: () => [...scripted],
    release: () => holding.splice(0).forEach((respond) => respond()),
    held: () => holding.length,
    close: () =>
      new Promise<void>((resolve) => {
        holding.splice(0).forEach((respond) => respond());
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export const RECEIVER_PATHS = PATHS;
