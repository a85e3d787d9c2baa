// @vitest-environment node
/**
 * Authentication runs on the route the router matched, never on the raw URL (issue 11: the old
 * console answered `/%61pi/v1/events` with every event and no token). Each target is written by
 * hand on a real socket, so nothing between the test and the server normalises it.
 */
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSocket, rawRequest, readResponse } from '../support/raw-http';
import { sampleEvent, sampleId } from '../support/sample-event';
import { makeTestConsole, type TestConsole } from '../support/test-console';

let built: TestConsole;
let port: number;
const storedId = sampleId(31337);

beforeAll(async () => {
  built = await makeTestConsole();
  await built.app.listen({ port: 0, host: '127.0.0.1' });
  port = (built.app.server.address() as AddressInfo).port;
  const event = await sampleEvent({ id: storedId });
  await built.services.events.ingest([event], { credentialId: 'seed', clientIp: '127.0.0.1', receivedAt: Date.now() });
});
afterAll(() => built.close());

/** Every spelling of `/api/v1/<resource>` a client, a proxy or an attacker might send. */
/** `{port}` stands for the console's port (unknown when the cases are collected). */
function tricks(resource: 'events' | 'policy'): string[] {
  const first = resource.charCodeAt(0).toString(16);
  const capital = resource[0]!.toUpperCase() + resource.slice(1);
  return [
    `/%61pi/v1/${resource}`,
    `/api/v1/%${first}${resource.slice(1)}`,
    `/api/v1/%25${first}${resource.slice(1)}`,
    `/api%2Fv1%2F${resource}`,
    `//api/v1/${resource}`,
    `/api//v1/${resource}`,
    `/api/v1/./${resource}`,
    `/api/v1/../v1/${resource}`,
    `/api/v1/x/../${resource}`,
    `/API/v1/${resource}`,
    `/Api/V1/${capital}`,
    `/api/v1/${resource}/`,
    `/api/v1/${resource}?x`,
    `/api/v1/${resource}#x`,
    `/api/v1/${resource}%2F`,
    `/api/v1/${resource};x`,
    `/api/v1/${resource}%00`,
    `http://127.0.0.1:{port}/api/v1/${resource}`,
    `http://upwatch.internal.example/api/v1/${resource}`,
  ];
}

const request = (method: string, target: string, body = '') =>
  [
    `${method} ${target.replace('{port}', String(port))} HTTP/1.1`,
    `Host: 127.0.0.1:${port}`,
    'Connection: close',
    ...(body ? ['Content-Type: application/json', `Content-Length: ${Buffer.byteLength(body)}`] : []),
    '',
    body,
  ].join('\r\n');

describe('path tricks without a credential', () => {
  it.each(tricks('events'))('GET %s is 401 or 404 and shows no event', async (target) => {
    const res = await rawRequest(port, request('GET', target));
    expect([401, 404]).toContain(res.status);
    expect(res.body).not.toContain(storedId);
  });

  it('PUT never changes the synced policy, whatever the spelling', async () => {
    const admin = built.as('admin');
    const set = await built.app.inject({ method: 'PUT', url: '/api/v1/policy', headers: admin, payload: { trustedDomains: ['good.example'] } });
    expect(set.statusCode).toBe(200);
    const forged = JSON.stringify({ trustedDomains: ['evil.example'] });
    for (const target of tricks('policy')) {
      const res = await rawRequest(port, request('PUT', target, forged));
      expect([401, 404], `PUT ${target}`).toContain(res.status);
    }
    const after = await built.app.inject({ method: 'GET', url: '/api/v1/policy', headers: admin });
    expect(after.json().settings).toEqual({ trustedDomains: ['good.example'] });
  });

  it('the same forged PUT with an admin key does change it (the probe would have worked)', async () => {
    const res = await rawRequest(
      port,
      request('PUT', '/api/v1/policy', JSON.stringify({ trustedDomains: ['evil.example'] })).replace(
        'Connection: close',
        `Authorization: Bearer ${built.keys.admin}\r\nConnection: close`,
      ),
    );
    expect(res.status).toBe(200);
    const after = await built.app.inject({ method: 'GET', url: '/api/v1/policy', headers: built.as('read_only') });
    expect(after.json().settings).toEqual({ trustedDomains: ['evil.example'] });
  });
});

describe('before any body is read', () => {
  /** Declares 10 MB, sends a few bytes, and waits for the answer with the rest never sent. */
  async function answerWithoutBody(target: string, headers: string[] = []) {
    const socket = await openSocket(port);
    try {
      const response = readResponse(socket);
      socket.write(
        [
          `POST ${target} HTTP/1.1`,
          `Host: 127.0.0.1:${port}`,
          'Content-Type: application/json',
          'Content-Length: 10000000',
          ...headers,
          '',
          '{"events":[',
        ].join('\r\n'),
      );
      return await response;
    } finally {
      socket.destroy();
    }
  }

  it('answers an unknown path 404', async () => {
    const res = await answerWithoutBody('/api/v1/nothing-here');
    expect(res.status).toBe(404);
    expect(res.headers.connection).toBe('close');
  });

  it('answers a known path without a credential 401', async () => {
    const res = await answerWithoutBody('/api/v1/events');
    expect(res.status).toBe(401);
  });

  it('answers a route the role may not call 403', async () => {
    const res = await answerWithoutBody('/api/v1/events', [`Authorization: Bearer ${built.keys.admin}`]);
    expect(res.status).toBe(403);
  });

  it('answers a known path with a wrong method 404', async () => {
    const res = await answerWithoutBody('/api/v1/policy');
    expect(res.status).toBe(404);
  });
});
