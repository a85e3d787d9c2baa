// @vitest-environment node
/**
 * The outbox and settings sync against real local HTTP servers that redirect or answer without end.
 * A redirect is never followed: a 301/302/303 would turn the POST into a GET whose 200 (a login
 * page) would count as accepted and lose the events, and a 307/308 to another host would hand it
 * the events. An answer is read only so far: a backend that never stops talking must not fill memory.
 */
import 'fake-indexeddb/auto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, readState } from '../../../src/background/db';
import { Outbox } from '../../../src/background/outbox';
import { syncSettings } from '../../../src/background/settings-sync';
import { effectiveConfig, type BackendTarget } from '../../../src/core/effective-config';
import { nativeFormat } from '../../../src/core/formats/native';
import { sampleEvent, sampleId } from '../support/sample-event';

interface Seen {
  method: string;
  url: string;
  authorization: string | undefined;
  body: string;
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** A server on 127.0.0.1 (port 0) that records every request, body included, and answers with `handle`. */
async function serve(handle: (req: IncomingMessage, res: ServerResponse, body: string) => void) {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization, body });
      handle(req, res, body);
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { seen, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

let dbCounter = 0;
const target = (url: string): BackendTarget => ({ url, token: 'secret-token', format: nativeFormat, maxBatchEvents: 200, maxBatchBytes: 1_048_576 });

async function outboxFor(url: string) {
  const db = await openDatabase(`audit-redirect-${++dbCounter}`);
  const outbox = new Outbox({ db, fetch: globalThis.fetch, now: () => 1000, random: () => 0, target: async () => target(url) });
  const events = await Promise.all([1, 2].map((n) => sampleEvent({ id: sampleId(n) })));
  await outbox.enqueue(events);
  return { db, outbox, ids: events.map((e) => e.id) };
}

describe('outbox: a backend that redirects', () => {
  it.each([301, 302, 303])('keeps the events when the backend answers %i to a login page (the POST is not turned into an accepted GET)', async (status) => {
    const backend = await serve((req, res) => {
      if (req.url === '/login') return res.writeHead(200, { 'Content-Type': 'text/html' }).end('<html>sign in</html>');
      res.writeHead(status, { Location: '/login' }).end();
    });
    const { db, outbox, ids } = await outboxFor(`${backend.origin}/api/v1/events`);
    const result = await outbox.flush();
    expect(result).toMatchObject({ sent: 0, remaining: 2 });
    expect(result.error).toMatch(new RegExp(`HTTP ${status}.*redirect`));
    expect(backend.seen.map((s) => `${s.method} ${s.url}`)).toEqual(['POST /api/v1/events']);
    expect((await db.getAll('outbox')).map((e) => e.id).sort()).toEqual([...ids].sort());
    expect((await readState(db, 'deliveryStatus')).lastError).toMatch(/redirect/);
  });

  it.each([307, 308])('never hands the events or the token to another origin it is sent to by %i', async (status) => {
    const elsewhere = await serve((_req, res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}'));
    const backend = await serve((_req, res) => res.writeHead(status, { Location: `${elsewhere.origin}/collect` }).end());
    const { db, outbox } = await outboxFor(`${backend.origin}/api/v1/events`);
    expect(await outbox.flush()).toMatchObject({ sent: 0, remaining: 2 });
    expect(elsewhere.seen).toEqual([]);
    expect(backend.seen).toHaveLength(1);
    expect(backend.seen[0]!.authorization).toBe('Bearer secret-token');
    expect(await db.count('deadLetters')).toBe(0);
  });

  it('treats a browser-style opaque redirect (status 0) as a redirect, not as a refusal of the events', async () => {
    const db = await openDatabase(`audit-redirect-${++dbCounter}`);
    const opaque = { type: 'opaqueredirect', status: 0, ok: false, headers: new Headers(), text: async () => '', body: null } as unknown as Response;
    const outbox = new Outbox({
      db,
      fetch: (async () => opaque) as typeof fetch,
      now: () => 1000,
      random: () => 0,
      target: async () => target('https://backend.example/e'),
    });
    await outbox.enqueue([await sampleEvent({ id: sampleId(7) })]);
    const result = await outbox.flush();
    expect(result).toMatchObject({ sent: 0, remaining: 1 });
    expect(result.error).toMatch(/redirect/);
    expect(await db.count('deadLetters')).toBe(0);
  });
});

describe('outbox: a backend whose answer never ends', () => {
  it('stops reading past a bound, settles the batch by its status, and hangs up', async () => {
    let hungUp!: () => void;
    const closed = new Promise<void>((r) => (hungUp = r));
    let written = 0;
    const backend = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.on('close', hungUp);
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      // Writes as fast as the client reads, until it hangs up (or 512 MiB, a bound for the test only).
      const pump = () => {
        while (!res.destroyed && written < 512 * 1024 * 1024) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
    });
    const { db, outbox } = await outboxFor(`${backend.origin}/api/v1/events`);
    expect(await outbox.flush()).toEqual({ sent: 2, remaining: 0 });
    await closed;
    expect(written).toBeLessThan(512 * 1024 * 1024);
    expect(await db.count('outbox')).toBe(0);
  });
});

describe('settings sync: a backend that redirects or never stops answering', () => {
  const syncWith = async (url: string) => {
    const db = await openDatabase(`audit-redirect-sync-${++dbCounter}`);
    const outcome = await syncSettings({
      db,
      fetch: globalThis.fetch,
      now: () => 1000,
      config: async () => effectiveConfig({ settingsSyncUrl: url, settingsSyncToken: 'sync-secret', userEmail: 'ana@acme.example' }, []),
    });
    return { db, outcome };
  };

  it('does not take settings from, nor name the user to, another origin it is redirected to', async () => {
    const elsewhere = await serve((_req, res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"retentionDays": 1}'));
    const backend = await serve((_req, res) => res.writeHead(302, { Location: `${elsewhere.origin}/policy` }).end());
    const { db, outcome } = await syncWith(`${backend.origin}/api/v1/policy`);
    expect(outcome).toBe('failed');
    expect(elsewhere.seen).toEqual([]);
    const state = await readState(db, 'syncedSettings');
    expect(state.values).toEqual({});
    expect(state.lastError).toMatch(/HTTP 302.*redirect/);
  });

  it('refuses an answer too large without reading all of it', async () => {
    let hungUp!: () => void;
    const closed = new Promise<void>((r) => (hungUp = r));
    let written = 0;
    const backend = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.on('close', hungUp);
      res.write('{"retentionDays": 7, "x": "');
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      const pump = () => {
        while (!res.destroyed && written < 512 * 1024 * 1024) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end('"}');
      };
      pump();
    });
    const { db, outcome } = await syncWith(`${backend.origin}/api/v1/policy`);
    expect(outcome).toBe('failed');
    await closed;
    expect(written).toBeLessThan(512 * 1024 * 1024);
    expect((await readState(db, 'syncedSettings')).lastError).toBe('settings sync answer too large');
  });
});
