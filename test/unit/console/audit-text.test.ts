// @vitest-environment node
/**
 * Text the database cannot keep as sent. PostgreSQL refuses U+0000 in any text value (the whole
 * statement fails), and neither engine keeps an unpaired UTF-16 surrogate: both store U+FFFD in
 * its place, so what was written could not be read back. A request with such text in its query,
 * path or body gets a clear 400 naming the field, and nothing is written. Ingest is the exception:
 * a page chooses its file names (`new File([], 'a\0b')`), and refusing a batch would lose every
 * event in it, so the event is kept exactly as sent and only its search columns are made storable.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserHealth } from '../../../src/core/schema/event';
import { makeTestConsole, type TestConsole } from '../support/test-console';
import { sampleEvent, sampleId } from '../support/sample-event';

let built: TestConsole;
beforeAll(async () => {
  built = await makeTestConsole({ ingestRateLimit: false });
});
afterAll(() => built.close());

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
const call = (method: Method, url: string, payload?: unknown, headers: Record<string, string> = built.as('admin')) =>
  built.app.inject({ method, url, headers, ...(payload !== undefined && { payload: payload as object }) });

const NUL = 'a\u0000b';
const LONE = 'a\ud800b';

/** Everything a refused write could have touched, read through the API. */
async function snapshot(): Promise<string> {
  const reads = [
    '/api/v1/watchlists',
    '/api/v1/watchlists/departing/members',
    '/api/v1/users/nul%40example.com',
    '/api/v1/alert-rules',
    '/api/v1/legal-holds',
    '/api/v1/accounts',
    '/api/v1/notification-channels',
    '/api/v1/policy',
    '/api/v1/audit',
  ];
  const answers = await Promise.all(reads.map((url) => call('GET', url)));
  for (const a of answers) expect(a.statusCode, a.body).toBe(200);
  return JSON.stringify(answers.map((a) => a.json()));
}

describe('text a database cannot keep, in a write', () => {
  const writes: { label: string; method: Method; url: string; body: (text: string) => unknown; field: string; headers?: () => Record<string, string> }[] = [
    { label: 'a new watchlist', method: 'POST', url: '/api/v1/watchlists', body: (t) => ({ id: 'wl_text', name: t }), field: 'name' },
    { label: 'a watchlist renamed', method: 'PATCH', url: '/api/v1/watchlists/departing', body: (t) => ({ description: t }), field: 'description' },
    {
      label: 'a member',
      method: 'POST',
      url: '/api/v1/watchlists/departing/members',
      body: (t) => ({ email: 'nul@example.com', notes: t }),
      field: 'notes',
    },
    { label: 'a profile', method: 'PATCH', url: '/api/v1/users/nul%40example.com', body: (t) => ({ notes: t }), field: 'notes' },
    { label: 'a block', method: 'POST', url: '/api/v1/users/nul%40example.com/block', body: (t) => ({ reason: t }), field: 'reason' },
    { label: 'an alert rule', method: 'POST', url: '/api/v1/alert-rules', body: (t) => ({ name: t, conditions: { minSeverity: 'high' } }), field: 'name' },
    { label: 'a legal hold', method: 'POST', url: '/api/v1/legal-holds', body: (t) => ({ email: 'nul@example.com', matter: t }), field: 'matter' },
    {
      label: 'an account',
      method: 'POST',
      url: '/api/v1/accounts',
      body: (t) => ({ email: 'nul@example.com', role: 'read_only', name: t, password: 'a long enough password' }),
      field: 'name',
    },
    {
      label: 'a notification channel',
      method: 'PUT',
      url: '/api/v1/notification-channels/text',
      body: (t) => ({ name: t, rules: '*', config: { kind: 'slack', url: 'https://hooks.slack.com/services/T0/B0/x' } }),
      field: 'name',
    },
    {
      label: 'a custom destination',
      method: 'POST',
      url: '/api/v1/destinations/custom',
      body: (t) => ({ host: 'files.example.com', name: t, category: 'cloud_storage' }),
      field: 'name',
    },
    { label: 'the synced policy', method: 'PUT', url: '/api/v1/policy', body: (t) => ({ trustedDomains: ['example.com', t] }), field: 'trustedDomains.1' },
    { label: 'a sign-in', method: 'POST', url: '/api/v1/session', body: (t) => ({ email: t, password: 'whatever' }), field: 'email', headers: () => ({}) },
  ];

  it.each(writes)('refuses U+0000 in $label with a 400 naming the field, writing nothing', async ({ method, url, body, field, headers }) => {
    const before = await snapshot();
    const res = await call(method, url, body(NUL), headers ? headers() : built.as('admin'));
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json()).toMatchObject({ error: 'invalid body', issues: [{ path: field, message: expect.stringMatching(/U\+0000/) }] });
    expect(await snapshot()).toBe(before);
  });

  it.each(writes)('refuses an unpaired surrogate in $label the same way', async ({ method, url, body, field, headers }) => {
    const before = await snapshot();
    const res = await call(method, url, body(LONE), headers ? headers() : built.as('admin'));
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json()).toMatchObject({ error: 'invalid body', issues: [{ path: field, message: expect.stringMatching(/surrogate/) }] });
    expect(await snapshot()).toBe(before);
  });

  it('refuses such text in an object key too', async () => {
    const res = await call('PUT', '/api/v1/risk-settings', { serviceOverrides: { [NUL]: 3 } });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().issues[0].path).toBe('serviceOverrides');
  });

  it('keeps HTML, quotes and characters beyond the BMP exactly as written', async () => {
    const name = '<img src=x onerror=alert(1)> "Ünïcødé" &amp; 😀 \u202e';
    expect((await call('POST', '/api/v1/watchlists', { id: 'wl_html', name, description: name })).statusCode).toBe(201);
    const listed = (await call('GET', '/api/v1/watchlists')).json().watchlists as { id: string; name: string; description: string }[];
    expect(listed.find((w) => w.id === 'wl_html')).toMatchObject({ name, description: name });
  });
});

describe('text a database cannot keep, in a query or a path', () => {
  it.each([
    ['/api/v1/events?fileName=a%00b', 'fileName'],
    ['/api/v1/events?user=a%00b%40example.com', 'user'],
    ['/api/v1/events?host=a%00b', 'host'],
    ['/api/v1/events/export?host=a%00b', 'host'],
    ['/api/v1/events/export?format=ndjson&fileName=%00', 'fileName'],
    ['/api/v1/audit?action=a%00b', 'action'],
    ['/api/v1/audit?actor=a%00b', 'actor'],
    ['/api/v1/audit?target=a%00b', 'target'],
  ])('GET %s is a 400 naming %s', async (url, field) => {
    const res = await call('GET', url);
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json()).toMatchObject({ error: 'invalid query', issues: [{ path: field }] });
  });
});

describe('text a database cannot keep, in an ingested event', () => {
  const health = (lastError: string): BrowserHealth => ({
    browserId: '5b0f5f0e-3c55-4d1a-9c3e-2f1b7d2a9e01',
    reportedAt: '2026-11-22T10:00:05.000Z',
    user: { email: 'page@example.com' },
    device: { browser: 'Chrome', browserVersion: '156.0', os: 'linux', extensionVersion: '1.2.0' },
    storage: { notKeptLocally: 0, prunedForSpace: 0 },
    deadLetters: { count: 1, lastError },
    queued: 0,
  });

  it('stores the event exactly as sent, searchable by the rest of its file name, and the batch is acknowledged', async () => {
    // Alerts and exposure run in the ingest transaction: a rule that matches makes them write too.
    expect((await call('POST', '/api/v1/alert-rules', { id: 'every-upload', name: 'Every upload', conditions: { minSeverity: 'none' } })).statusCode).toBe(201);
    const named = await sampleEvent({ id: sampleId(9001), user: { email: 'page@example.com' } });
    named.file.name = `report\u0000${LONE}.py`;
    const fromNul = await sampleEvent({ id: sampleId(9002) });
    fromNul.user = { email: `odd${NUL}@example.com` };
    fromNul.file.extension = `p${NUL}`;
    const res = await call('POST', '/api/v1/events', { events: [named, fromNul], health: health(`HTTP 400 ${NUL}`) }, built.as('ingest'));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ accepted: 2, duplicates: 0 });

    for (const sent of [named, fromNul]) {
      const back = await call('GET', `/api/v1/events/${sent.id}`);
      expect(back.statusCode).toBe(200);
      const { received: _received, ...event } = back.json();
      expect(event).toEqual(sent);
    }
    const found = await call('GET', '/api/v1/events?fileName=.py&user=page%40example.com');
    expect((found.json().events as { id: string }[]).map((e) => e.id)).toEqual([named.id]);
    const alerts = (await call('GET', '/api/v1/alerts?ruleId=every-upload')).json().alerts as unknown[];
    expect(alerts).toHaveLength(2);
    const browsers = (await call('GET', '/api/v1/users/page%40example.com/browsers')).json().browsers as { health: { deadLetters: { lastError: string } } }[];
    expect(browsers[0]!.health.deadLetters.lastError).toBe('HTTP 400 a\ufffdb');
  });
});
