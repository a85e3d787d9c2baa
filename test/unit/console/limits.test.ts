// @vitest-environment node
/**
 * What one request may cost: compressed bodies bounded before and after inflation (and never
 * inflated for a caller who is not allowed in), bounded list sizes, a request timeout, a
 * per-token ingest rate limit, and the client address behind a trusted reverse proxy.
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import zlib, { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { ACCESS } from '../../../console/http/access';
import { closed, openSocket, readResponse } from '../support/raw-http';
import { sampleEvent, sampleId } from '../support/sample-event';
import { makeTestConsole, type TestConsole } from '../support/test-console';

const MiB = 1024 * 1024;
const INGEST_BODY_LIMIT = 20 * MiB;

let built: TestConsole | undefined;
afterEach(async () => {
  await built?.close();
  built = undefined;
});

async function listening(options: Parameters<typeof makeTestConsole>[0] = {}): Promise<{ c: TestConsole; port: number }> {
  built = await makeTestConsole(options);
  await built.app.listen({ port: 0, host: '127.0.0.1' });
  return { c: built, port: (built.app.server.address() as AddressInfo).port };
}

/** Concatenated gzip members (every gunzip reads them all) of zeros: `inflatedMiB` from a few KB each. */
function gzipBomb(inflatedMiB: number): Buffer {
  const member = gzipSync(Buffer.alloc(8 * MiB), { level: 9 });
  return Buffer.concat(Array.from({ length: Math.ceil(inflatedMiB / 8) }, () => member));
}

const gzipHeaders = (auth: Record<string, string>) => ({ ...auth, 'content-type': 'application/json', 'content-encoding': 'gzip' });
const event = (n: number) => sampleEvent({ id: sampleId(n) });

/**
 * Counts every byte any gunzip in this process produces (what the server spent inflating), and
 * waits for each of them to close, so the count is final.
 */
function countInflated(): { bytes: () => number; settled: () => Promise<unknown>; restore: () => void } {
  const proto = zlib.Gunzip.prototype as unknown as { push: (this: zlib.Gunzip, chunk: Buffer | null, ...rest: unknown[]) => boolean };
  const original = proto.push;
  const streams = new Set<zlib.Gunzip>();
  let bytes = 0;
  proto.push = function (chunk, ...rest) {
    streams.add(this);
    if (chunk) bytes += chunk.length;
    return original.call(this, chunk, ...rest);
  };
  return {
    bytes: () => bytes,
    settled: () => Promise.all([...streams].map((s) => (s.closed ? undefined : new Promise((resolve) => s.once('close', resolve))))),
    restore: () => void (proto.push = original),
  };
}

describe('compressed bodies', () => {
  it('stops inflating a 5 GiB gzip bomb at the 20 MiB body limit and answers 413, in bounded memory', async () => {
    const { c, port } = await listening();
    const bomb = gzipBomb(5 * 1024);
    expect(bomb.length).toBeLessThan(5 * MiB);
    const inflated = countInflated();
    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 5);
    const socket = await openSocket(port);
    try {
      const answer = readResponse(socket);
      const head = [
        'POST /api/v1/events HTTP/1.1',
        'Host: console',
        `Authorization: Bearer ${c.keys.ingest}`,
        'Content-Type: application/json',
        'Content-Encoding: gzip',
        `Content-Length: ${bomb.length}`,
      ];
      socket.write(`${head.join('\r\n')}\r\n\r\n`);
      socket.write(bomb);
      const res = await answer;
      expect(res.status).toBe(413);
      expect(res.headers.connection).toBe('close');
      await closed(socket);
      await inflated.settled();
      // The limit plus at most one gunzip chunk, not the 5 GiB the body holds.
      expect(inflated.bytes()).toBeLessThanOrEqual(INGEST_BODY_LIMIT + MiB);
      expect(rssPeak - rssBefore).toBeLessThan(256 * MiB);
    } finally {
      clearInterval(sampler);
      inflated.restore();
      socket.destroy();
    }
    expect(await c.services.events.count()).toBe(0);
  });

  it('answers 413 to a 32 KB bomb that inflates past the body limit', async () => {
    built = await makeTestConsole();
    const bomb = gzipBomb(24);
    expect(bomb.length).toBeLessThan(32 * 1024);
    const res = await built.app.inject({ method: 'POST', url: '/api/v1/events', headers: gzipHeaders(built.as('ingest')), payload: bomb });
    expect(res.statusCode).toBe(413);
    // Other routes keep their own, smaller limit (1 MiB) once inflated.
    const policy = await built.app.inject({ method: 'PUT', url: '/api/v1/policy', headers: gzipHeaders(built.as('admin')), payload: gzipBomb(8) });
    expect(policy.statusCode).toBe(413);
  });

  it('answers 413 to a compressed body over the compressed limit, declared or chunked', async () => {
    const { c, port } = await listening({ maxCompressedBytes: 64 * 1024 });
    const big = gzipSync(randomBytes(200 * 1024));
    const declared = await c.app.inject({ method: 'POST', url: '/api/v1/events', headers: gzipHeaders(c.as('ingest')), payload: big });
    expect(declared.statusCode).toBe(413);

    const socket = await openSocket(port);
    try {
      const answer = readResponse(socket);
      socket.write(
        `POST /api/v1/events HTTP/1.1\r\nHost: console\r\nAuthorization: Bearer ${c.keys.ingest}\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n`,
      );
      for (let i = 0; i < big.length; i += 16 * 1024) {
        const chunk = big.subarray(i, i + 16 * 1024);
        socket.write(`${chunk.length.toString(16)}\r\n`);
        socket.write(chunk);
        socket.write('\r\n');
      }
      socket.write('0\r\n\r\n');
      expect((await answer).status).toBe(413);
    } finally {
      socket.destroy();
    }
    const small = await c.app.inject({
      method: 'POST',
      url: '/api/v1/events',
      headers: gzipHeaders(c.as('ingest')),
      payload: gzipSync(JSON.stringify({ events: [await event(1)] })),
    });
    expect(small.statusCode).toBe(200);
  });

  it.each(['deflate', 'br', 'compress', 'x-gzip', 'gzip, gzip', 'zstd'])('answers 415 to Content-Encoding: %s', async (encoding) => {
    built = await makeTestConsole();
    const res = await built.app.inject({
      method: 'POST',
      url: '/api/v1/events',
      headers: { ...built.as('ingest'), 'content-type': 'application/json', 'content-encoding': encoding },
      payload: gzipSync('{"events":[]}'),
    });
    expect(res.statusCode).toBe(415);
    expect(res.json().error).toMatch(/gzip or identity/);
  });

  it('never inflates for a caller who may not post: a corrupt gzip body is 401 / 403 for them, 400 for an ingest token', async () => {
    built = await makeTestConsole();
    const corrupt = Buffer.concat([gzipSync('{"events":[]}').subarray(0, 10), randomBytes(64)]);
    const send = (headers: Record<string, string>) =>
      built!.app.inject({ method: 'POST', url: '/api/v1/events', headers: gzipHeaders(headers), payload: corrupt });
    expect((await send({})).statusCode).toBe(401);
    expect((await send({ authorization: `Bearer upw_ing_${'B'.repeat(43)}` })).statusCode).toBe(401);
    expect((await send(built.as('admin'))).statusCode).toBe(403);
    const malformed = await send(built.as('ingest'));
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toHaveProperty('error');
  });
});

describe('list sizes', () => {
  it.each([
    ['/api/v1/events', 'read_only'],
    ['/api/v1/audit', 'analyst'],
  ] as const)('%s?limit=10000 is 400 (max 500), not 500', async (path, role) => {
    built = await makeTestConsole();
    for (const limit of ['10000', '501', '0', '-1', 'abc']) {
      const res = await built.app.inject({ method: 'GET', url: `${path}?limit=${limit}`, headers: built.as(role) });
      expect(res.statusCode, `limit=${limit}`).toBe(400);
    }
    expect((await built.app.inject({ method: 'GET', url: `${path}?limit=500`, headers: built.as(role) })).statusCode).toBe(200);
  });

  it('no GET route answers 500 to ?limit=10000', async () => {
    built = await makeTestConsole();
    const lists = Object.keys(ACCESS)
      .filter((key) => key.startsWith('GET ') && !key.includes(':'))
      .map((key) => key.slice(4));
    for (const path of lists) {
      const res = await built.app.inject({ method: 'GET', url: `${path}?limit=10000`, headers: built.as('admin') });
      expect(res.statusCode, path).toBeLessThan(500);
    }
  });
});

describe('request timeout', () => {
  /** Sends `head`, then one byte every 20 ms until the server hangs up; answers what it said. */
  async function trickle(port: number, head: string, drip: string): Promise<string> {
    const socket = await openSocket(port);
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    socket.write(head);
    const dripper = setInterval(() => socket.writable && socket.write(drip), 20);
    try {
      await closed(socket);
    } finally {
      clearInterval(dripper);
      socket.destroy();
    }
    return received;
  }

  it('cuts off a client that trickles its body, without a 2xx', async () => {
    const { c, port } = await listening({ requestTimeoutMs: 300 });
    const head = `POST /api/v1/events HTTP/1.1\r\nHost: console\r\nAuthorization: Bearer ${c.keys.ingest}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"events":[`;
    const answer = await trickle(port, head, ' ');
    expect(answer).not.toMatch(/^HTTP\/1\.1 2/);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(await c.services.events.count()).toBe(0);
  });

  it('cuts off a client that trickles its headers', async () => {
    const { port } = await listening({ requestTimeoutMs: 300 });
    const answer = await trickle(port, 'GET /health HTTP/1.1\r\nHost: console\r\n', 'X');
    expect(answer).not.toMatch(/^HTTP\/1\.1 2/);
  });
});

describe('ingest rate limit', () => {
  it('answers the 4th batch of a token 429 with Retry-After, stores nothing of it, and leaves other tokens alone', async () => {
    built = await makeTestConsole({ ingestRateLimit: { max: 3, timeWindowMs: 60_000 } });
    const second = (await built.services.credentials.create({ name: 'ingest-rotated', role: 'ingest', createdBy: 'test' })).secret;
    const post = (headers: Record<string, string>, n: number) =>
      event(n).then((e) => built!.app.inject({ method: 'POST', url: '/api/v1/events', headers, payload: { events: [e] } }));
    for (const n of [1, 2, 3]) expect((await post(built.as('ingest'), n)).statusCode).toBe(200);
    const refused = await post(built.as('ingest'), 4);
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.json()).toHaveProperty('error');
    expect((await built.app.inject({ method: 'GET', url: `/api/v1/events/${sampleId(4)}`, headers: built.as('read_only') })).statusCode).toBe(404);
    expect(await built.services.events.count()).toBe(3);
    expect((await post({ authorization: `Bearer ${second}` }, 5)).statusCode).toBe(200);
    // Settings sync is not what the limit is for: the throttled browser still gets its policy.
    expect((await built.app.inject({ method: 'GET', url: '/api/v1/policy', headers: built.as('ingest') })).statusCode).toBe(200);
  });

  it('refuses a throttled batch before reading its body', async () => {
    const { c, port } = await listening({ ingestRateLimit: { max: 1, timeWindowMs: 60_000 } });
    expect((await c.app.inject({ method: 'POST', url: '/api/v1/events', headers: c.as('ingest'), payload: { events: [await event(1)] } })).statusCode).toBe(
      200,
    );
    const socket = await openSocket(port);
    try {
      const answer = readResponse(socket);
      // 10 MB declared, a few bytes sent: the answer cannot wait for the rest.
      socket.write(
        `POST /api/v1/events HTTP/1.1\r\nHost: console\r\nAuthorization: Bearer ${c.keys.ingest}\r\nContent-Type: application/json\r\nContent-Length: 10000000\r\n\r\n{"events":[`,
      );
      const res = await answer;
      expect(res.status).toBe(429);
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    } finally {
      socket.destroy();
    }
  });
});

describe('client address behind a reverse proxy', () => {
  const ingestFrom = async (c: TestConsole, forwardedFor: string, n: number) => {
    const res = await c.app.inject({
      method: 'POST',
      url: '/api/v1/events',
      remoteAddress: '127.0.0.1',
      headers: { ...c.as('ingest'), 'x-forwarded-for': forwardedFor },
      payload: { events: [await event(n)] },
    });
    expect(res.statusCode).toBe(200);
    const stored = await c.app.inject({ method: 'GET', url: `/api/v1/events/${sampleId(n)}`, headers: c.as('read_only') });
    return { answered: res.json().clientIp as string, stored: stored.json().received.clientIp as string };
  };

  it('takes X-Forwarded-For from a trusted proxy (the nearest untrusted hop)', async () => {
    built = await makeTestConsole({ trustProxy: ['127.0.0.1'] });
    expect(await ingestFrom(built, '203.0.113.7', 1)).toEqual({ answered: '203.0.113.7', stored: '203.0.113.7' });
    // A client cannot choose its address by prepending one: the proxy appends the real one.
    expect(await ingestFrom(built, '10.0.0.1, 198.51.100.9', 2)).toEqual({ answered: '198.51.100.9', stored: '198.51.100.9' });
  });

  it('ignores X-Forwarded-For without a trusted proxy, or from another address', async () => {
    built = await makeTestConsole();
    expect(await ingestFrom(built, '203.0.113.7', 1)).toEqual({ answered: '127.0.0.1', stored: '127.0.0.1' });
    await built.close();
    built = await makeTestConsole({ trustProxy: ['10.9.8.7'] });
    expect(await ingestFrom(built, '203.0.113.7', 2)).toEqual({ answered: '127.0.0.1', stored: '127.0.0.1' });
  });
});
