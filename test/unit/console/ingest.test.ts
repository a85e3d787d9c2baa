// @vitest-environment node
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestConsole, type TestConsole } from '../support/test-console';
import { sampleEvent } from '../support/sample-event';

function makeEvent(id: string, observedAt: string, name = 'a.py') {
  return sampleEvent({ id, observedAt, channel: 'drag_drop', file: { name, size: 1, mimeType: '' } });
}

const e1 = await makeEvent('0190a0e2-7c4b-7def-8abc-000000000001', '2026-11-22T10:00:00.000Z', 'first.py');
const e2 = await makeEvent('0190a0e2-7c4b-7def-8abc-000000000002', '2026-11-22T11:00:00.000Z', 'second.py');

describe('console', () => {
  let built: TestConsole;
  let ingest: { authorization: string };
  let auth: { authorization: string };
  beforeEach(async () => {
    built = await makeTestConsole();
    ingest = built.as('ingest');
    auth = built.as('admin');
  });
  afterEach(() => built.close());

  it('ingests a batch and lists newest first', async () => {
    const post = await built.app.inject({ method: 'POST', url: '/api/v1/events', headers: ingest, payload: { events: [e1, e2] } });
    expect(post.statusCode).toBe(200);
    expect(post.json()).toEqual({ accepted: 2, duplicates: 0, clientIp: '127.0.0.1' });
    const list = await built.app.inject({ method: 'GET', url: '/api/v1/events', headers: auth });
    expect(list.json().events.map((e: { file: { name: string } }) => e.file.name)).toEqual(['second.py', 'first.py']);
  });

  it("classifies a destination with the extension's catalog", async () => {
    const query = new URLSearchParams({ url: 'https://x.com/i/grok', title: 'Grok / X' });
    const res = await built.app.inject({ method: 'GET', url: `/api/v1/destinations/classify?${query}`, headers: auth });
    expect(res.json()).toMatchObject({ category: 'ai_tools', serviceId: 'grok', matchedBy: 'url', domain: 'x.com' });
    const missing = await built.app.inject({ method: 'GET', url: '/api/v1/destinations/classify', headers: auth });
    expect(missing.statusCode).toBe(400);
    const anonymous = await built.app.inject({ method: 'GET', url: `/api/v1/destinations/classify?${query}` });
    expect(anonymous.statusCode).toBe(401);
  });

  it('previews new risk settings on stored events without changing them', async () => {
    await built.app.inject({ method: 'POST', url: '/api/v1/events', headers: ingest, payload: { events: [e1, e2] } });
    const preview = await built.app.inject({
      method: 'POST',
      url: '/api/v1/risk-settings/preview',
      headers: auth,
      payload: { riskSettings: { version: 'v2', scores: { destination: { cloud_storage: 9 } } } },
    });
    expect(preview.statusCode).toBe(200);
    const body = preview.json();
    expect(body).toMatchObject({ settingsVersion: 'v2', changed: 2 });
    expect(body.events[0].after.score).toBe(body.events[0].before.score + 4);
    const stored = (await built.app.inject({ method: 'GET', url: '/api/v1/events', headers: auth })).json().events;
    expect(stored.map((e: { risk: unknown }) => e.risk)).toEqual([e2.risk, e1.risk]);
    const bad = await built.app.inject({
      method: 'POST',
      url: '/api/v1/risk-settings/preview',
      headers: auth,
      payload: { riskSettings: { scores: { user: { off_hours: 11 } } } },
    });
    expect(bad.statusCode).toBe(400);
  });

  it('is idempotent on event id', async () => {
    await built.app.inject({ method: 'POST', url: '/api/v1/events', headers: ingest, payload: { events: [e1] } });
    const again = await built.app.inject({ method: 'POST', url: '/api/v1/events', headers: ingest, payload: { events: [e1, e2] } });
    expect(again.json()).toMatchObject({ accepted: 1, duplicates: 1 });
    expect(await built.services.events.count()).toBe(2);
  });

  it('accepts gzip bodies', async () => {
    const res = await built.app.inject({
      method: 'POST',
      url: '/api/v1/events',
      headers: { ...ingest, 'content-type': 'application/json', 'content-encoding': 'gzip' },
      payload: gzipSync(JSON.stringify({ events: [e1] })),
    });
    expect(res.statusCode).toBe(200);
    expect(await built.services.events.count()).toBe(1);
  });

  it.each([
    [{}, 'no token'],
    [{ authorization: 'Bearer wrong' }, 'wrong token'],
    [{ authorization: 'upw_key_x' }, 'not a bearer'],
  ])('rejects %j (%s) with 401', async (headers, _why) => {
    const res = await built.app.inject({ method: 'POST', url: '/api/v1/events', headers, payload: { events: [e1] } });
    expect(res.statusCode).toBe(401);
    expect((await built.app.inject({ method: 'GET', url: '/api/v1/events', headers })).statusCode).toBe(401);
    expect(await built.services.events.count()).toBe(0);
  });

  it.each([[{ events: [{ ...e1, schemaVersion: 2 }] }], [{ events: [{ ...e1, id: 'not-a-uuid' }] }], [{ nope: true }], [[e1]]])(
    'rejects invalid batches with 400: %#',
    async (payload) => {
      const res = await built.app.inject({ method: 'POST', url: '/api/v1/events', headers: ingest, payload: payload as object });
      expect(res.statusCode).toBe(400);
      expect(await built.services.events.count()).toBe(0);
    },
  );

  it('rejects malformed JSON with 400', async () => {
    const res = await built.app.inject({
      method: 'POST',
      url: '/api/v1/events',
      headers: { ...ingest, 'content-type': 'application/json' },
      payload: '{"events": [',
    });
    expect(res.statusCode).toBe(400);
  });
});
