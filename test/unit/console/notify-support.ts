/**
 * For the notification tests: a real HTTP receiver on 127.0.0.1 (random port) that records each
 * request's raw bytes and answers with the status the test sets, and can go down (its port closed)
 * and come back on the same port; and a console with a fixed clock and a rule that alerts on
 * every event.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Response as LightMyRequestResponse } from 'light-my-request';
import { afterEach, beforeEach, expect } from 'vitest';
import type { FileEvent } from '../../../src/core/schema/event';
import { BACKOFF_CAP_MS, configureNotifications, runNotificationWorker } from '../../../console/notify/worker';
import { addAlertRule, makeTestConsole, type TestConsole } from '../support/test-console';
import { sampleEvent, sampleId } from '../support/sample-event';

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  raw: Buffer;
  json: Record<string, unknown>;
}

export class Receiver {
  readonly received: Received[] = [];
  /** The status answered from now on. */
  status = 200;
  #server?: Server;
  port = 0;

  async start(): Promise<void> {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        if (this.status >= 200 && this.status < 300)
          this.received.push({ path: req.url ?? '', headers: req.headers, raw, json: JSON.parse(raw.toString('utf8')) as Record<string, unknown> });
        res.writeHead(this.status, { 'content-type': 'text/plain', connection: 'close' }).end(this.status < 300 ? 'ok' : 'no');
      });
    });
    await new Promise<void>((resolve) => this.#server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.#server.address() as AddressInfo).port;
  }

  /** Down: nothing listens on the port (connection refused). */
  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  url(path = '/hook'): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }
}

export const T0 = Date.parse('2026-11-22T10:00:00.000Z');
export const MIN = 60_000;
export const PUBLIC_URL = 'https://upwatch.acme.example';

export interface NotifyConsole {
  built: TestConsole;
  clock: { now: number };
  ingest(...events: FileEvent[]): Promise<void>;
  putChannel(id: string, body: object): Promise<Record<string, unknown>>;
  call(
    role: 'read_only' | 'analyst' | 'admin',
    method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
    url: string,
    payload?: object,
  ): Promise<LightMyRequestResponse>;
}

export async function notifyConsole(): Promise<NotifyConsole> {
  const clock = { now: T0 + 10 * MIN };
  const built = await makeTestConsole({ now: () => clock.now });
  // Jitter fixed at its middle (3/4 of the backoff ceiling); passes only when the test runs one.
  configureNotifications(built.services, { publicUrl: PUBLIC_URL, random: () => 0.5, automatic: false });
  const call: NotifyConsole['call'] = async (role, method, url, payload) =>
    built.app.inject({ method, url, headers: built.as(role), ...(payload && { payload }) });
  await addAlertRule(built, { id: 'exfil', name: 'Uploads to <personal> cloud & "mail"', conditions: { minSeverity: 'low' } });
  return {
    built,
    clock,
    call,
    async ingest(...events) {
      const res = await built.app.inject({ method: 'POST', url: '/api/v1/events', headers: built.as('ingest'), payload: { events } });
      expect(res.statusCode).toBe(200);
    },
    async putChannel(id, body) {
      const res = await call('admin', 'PUT', `/api/v1/notification-channels/${id}`, body);
      expect(res.statusCode, res.body).toBeLessThan(300);
      return res.json().channel as Record<string, unknown>;
    },
  };
}

/**
 * For each test of the calling file: a started receiving server (an HTTP receiver, an SMTP server)
 * and a notify console, set up by `configure` if given; both closed after the test.
 */
export function notifyEachTest<S extends { start(): Promise<void>; stop(): Promise<void> }>(
  makeServer: () => S,
  configure?: (c: NotifyConsole, server: S) => void,
): { readonly c: NotifyConsole; readonly server: S } {
  const each = {} as { c: NotifyConsole; server: S };
  beforeEach(async () => {
    each.server = makeServer();
    await each.server.start();
    each.c = await notifyConsole();
    configure?.(each.c, each.server);
  });
  afterEach(async () => {
    await each.c.built.close();
    await each.server.stop();
  });
  return each;
}

export const OUTAGE_USERS = ['ann@acme.com', 'bob@acme.com', 'cy@acme.com'];

/**
 * With the server down, each of OUTAGE_USERS uploads (an alert and a notification each): every one
 * of `downPasses` worker passes retries all three; back up, one pass sends them and the next finds
 * nothing left. The caller then checks what arrived.
 */
export async function outageThenBack(
  each: { readonly c: NotifyConsole; readonly server: { start(): Promise<void>; stop(): Promise<void> } },
  downPasses: number,
) {
  await each.server.stop();
  for (const [i, email] of OUTAGE_USERS.entries()) {
    await each.c.ingest(await sampleEvent({ id: sampleId(i + 1), observedAt: new Date(T0).toISOString(), user: { email } }));
  }
  for (let pass = 0; pass < downPasses; pass++) {
    if (pass > 0) each.c.clock.now += BACKOFF_CAP_MS;
    expect(await runNotificationWorker(each.c.built.services)).toEqual({ sent: 0, retried: 3, dead: 0 });
  }
  await each.server.start();
  each.c.clock.now += BACKOFF_CAP_MS;
  expect(await runNotificationWorker(each.c.built.services)).toEqual({ sent: 3, retried: 0, dead: 0 });
  each.c.clock.now += BACKOFF_CAP_MS;
  expect(await runNotificationWorker(each.c.built.services)).toEqual({ sent: 0, retried: 0, dead: 0 });
}

/** An upload whose file name and page title try to break out of every payload format. */
export const hostileUpload = (n: number, email: string, at = T0) =>
  sampleEvent({
    id: sampleId(n),
    observedAt: new Date(at).toISOString(),
    user: { email },
    file: { name: '<!channel> [x](https://evil.example) "q" *b* & \\.py', size: 4096, mimeType: 'text/x-python' },
    tab: { url: 'https://www.dropbox.com/home', title: '</script><img src=x onerror=alert(1)>' },
  });

/** The golden text of a request: its path, headers (but the varying ones) and body, the alert id made fixed. */
export function goldenText(r: Received, alertId: string, skipHeaders: string[] = []): string {
  const fixed = (s: string) => s.split(alertId).join('00000000-0000-4000-8000-00000000a1e7');
  const keep = Object.entries(r.headers)
    .filter(([k]) => (k.startsWith('x-upwatch-') || k === 'content-type' || k === 'authorization') && !skipHeaders.includes(k))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}: ${fixed(String(v))}`);
  return `POST ${r.path}\n${keep.join('\n')}\n\n${fixed(JSON.stringify(r.json, null, 2))}\n`;
}

const UPDATE_GOLDEN = process.env.UPWATCH_UPDATE_GOLDEN === '1';

/**
 * Compares with test/fixtures/notify/<name>.golden; a missing file fails unless UPWATCH_UPDATE_GOLDEN=1
 * writes it (UPWATCH_UPDATE_GOLDEN=1 npx vitest run --project unit notify-, then review the diff).
 */
export function expectGolden(name: string, text: string): void {
  const file = new URL(`../../fixtures/notify/${name}.golden`, import.meta.url);
  if (UPDATE_GOLDEN) {
    mkdirSync(new URL('.', file), { recursive: true });
    writeFileSync(file, text);
  }
  expect(existsSync(file), `test/fixtures/notify/${name}.golden is missing: write it with UPWATCH_UPDATE_GOLDEN=1 and review it`).toBe(true);
  expect(text).toBe(readFileSync(file, 'utf8'));
}
