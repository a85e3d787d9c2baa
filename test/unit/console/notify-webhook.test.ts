// @vitest-environment node
/**
 * The notification outbox through the signed generic webhook, against a real receiver on
 * 127.0.0.1: the payload's exact bytes (golden), the signature checked by an independent HMAC,
 * one notification per alert change, receiver down → all of the outage's notifications delivered
 * once after it, permanent refusal → dead letter → re-sent from the API, and no secret in any answer
 * or in the audit log.
 */
import { execFileSync } from 'node:child_process';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { BACKOFF_CAP_MS, configureNotifications, MAX_ATTEMPTS, runNotificationWorker, WORKER_INTERVAL_MS } from '../../../console/notify/worker';
import { sampleEvent, sampleId } from '../support/sample-event';
import { addAlertRule } from '../support/test-console';
import { expectGolden, goldenText, hostileUpload, MIN, notifyEachTest, Receiver, T0 } from './notify-support';

const SECRET = 'whsec_0123456789abcdef0123456789abcdef';

const each = notifyEachTest(() => new Receiver());

const webhook = (on: string[] = ['created']) =>
  each.c.putChannel('soc-hook', { name: 'SOC webhook', rules: '*', on, config: { kind: 'webhook', url: each.server.url() }, secret: SECRET });
const alertIds = async () => ((await each.c.call('read_only', 'GET', '/api/v1/alerts')).json().alerts as { id: string }[]).map((a) => a.id);
const outbox = async (query = '') => (await each.c.call('analyst', 'GET', `/api/v1/notifications${query}`)).json().notifications as Record<string, unknown>[];

/** Verifies X-Upwatch-Signature from the raw bytes received, with node:crypto only. */
function verify(headers: Record<string, unknown>, raw: Buffer, secret: string, nowSeconds: number): boolean {
  const timestamp = String(headers['x-upwatch-timestamp']);
  if (!/^\d+$/.test(timestamp) || Math.abs(nowSeconds - Number(timestamp)) > 300) return false;
  const expected = createHmac('sha256', secret)
    .update(Buffer.concat([Buffer.from(`${timestamp}.`), raw]))
    .digest();
  const given = /^v1=([0-9a-f]{64})$/.exec(String(headers['x-upwatch-signature']))?.[1];
  return given !== undefined && timingSafeEqual(Buffer.from(given, 'hex'), expected);
}

/**
 * The Python verifier that docs/integrations/webhooks.md tells receivers to use, taken from the page
 * as written and run by python3 on the received bytes: the documented recipe is checked too.
 */
function verifyWithDocumentedPython(headers: Record<string, unknown>, raw: Buffer, secret: string, nowSeconds: number): boolean {
  const page = readFileSync(new URL('../../../docs/integrations/webhooks.md', import.meta.url), 'utf8');
  const code = /```python\n([\s\S]*?)```/.exec(page)?.[1];
  expect(code, 'docs/integrations/webhooks.md has no Python verifier').toBeDefined();
  const input = JSON.stringify({
    raw: raw.toString('base64'),
    headers: { 'X-Upwatch-Timestamp': String(headers['x-upwatch-timestamp']), 'X-Upwatch-Signature': String(headers['x-upwatch-signature']) },
    secret,
    now: nowSeconds,
  });
  const run = `${code!}\nimport base64, json, sys\na = json.load(sys.stdin)\nprint(json.dumps(verify(base64.b64decode(a['raw']), a['headers'], a['secret'], a['now'])))\n`;
  return JSON.parse(execFileSync('python3', ['-c', run], { input, encoding: 'utf8', env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } })) as boolean;
}

describe('notifications: the signed webhook', () => {
  it('sends one signed notification per new alert, whose bytes match the golden file', async () => {
    await webhook();
    await each.c.ingest(await hostileUpload(1, 'ann@acme.com'), await hostileUpload(2, 'ann@acme.com', T0 + MIN));
    expect(await runNotificationWorker(each.c.built.services)).toEqual({ sent: 1, retried: 0, dead: 0 });
    expect(await runNotificationWorker(each.c.built.services)).toEqual({ sent: 0, retried: 0, dead: 0 });
    expect(each.server.received).toHaveLength(1);
    const [got] = each.server.received;
    const [alertId] = await alertIds();
    expect(verify(got!.headers, got!.raw, SECRET, Math.floor(each.c.clock.now / 1000))).toBe(true);
    expect(verify(got!.headers, got!.raw, 'another secret of some length', Math.floor(each.c.clock.now / 1000))).toBe(false);
    expect(verify(got!.headers, Buffer.concat([got!.raw, Buffer.from(' ')]), SECRET, Math.floor(each.c.clock.now / 1000))).toBe(false);
    // Outside the replay window the same bytes are refused.
    expect(verify(got!.headers, got!.raw, SECRET, Math.floor(each.c.clock.now / 1000) + 301)).toBe(false);
    // The documented Python recipe agrees, on the same bytes.
    expect(verifyWithDocumentedPython(got!.headers, got!.raw, SECRET, Math.floor(each.c.clock.now / 1000))).toBe(true);
    expect(verifyWithDocumentedPython(got!.headers, got!.raw, 'another secret of some length', Math.floor(each.c.clock.now / 1000))).toBe(false);
    expect(verifyWithDocumentedPython(got!.headers, got!.raw, SECRET, Math.floor(each.c.clock.now / 1000) + 301)).toBe(false);
    expect(got!.json).toMatchObject({
      type: 'upwatch.alert',
      idempotencyKey: got!.headers['x-upwatch-idempotency-key'],
      alert: { id: alertId, eventCount: 2 },
    });
    expect((got!.json.events as { id: string }[]).map((e) => e.id)).toEqual([sampleId(2), sampleId(1)]);
    expectGolden('webhook', goldenText(got!, alertId!, ['x-upwatch-signature']));
    expect(await outbox()).toMatchObject([{ channel: 'soc-hook', alertId, state: 'sent', attempts: 1, change: ['created'] }]);
  });

  it('sends on its own from the console’s timer, and stops when the console closes', async () => {
    configureNotifications(each.c.built.services, { automatic: true });
    await webhook();
    await each.c.ingest(await sampleEvent({ id: sampleId(1), observedAt: new Date(T0).toISOString(), user: { email: 'ann@acme.com' } }));
    await vi.waitFor(() => expect(each.server.received).toHaveLength(1), { timeout: WORKER_INTERVAL_MS * 3, interval: 100 });
    await each.c.built.app.close();
    // Closed: a pass asked for now sends nothing (the database is gone with the app).
    await expect(runNotificationWorker(each.c.built.services)).resolves.toEqual({ sent: 0, retried: 0, dead: 0 });
  }, 30_000);

  it('notifies each alert change once, with a key of its own', async () => {
    await webhook(['created', 'events_added', 'state_changed', 'noted']);
    await each.c.ingest(await sampleEvent({ id: sampleId(1), observedAt: new Date(T0).toISOString(), user: { email: 'ann@acme.com' } }));
    await each.c.ingest(await sampleEvent({ id: sampleId(2), observedAt: new Date(T0 + MIN).toISOString(), user: { email: 'ann@acme.com' } }));
    const [alertId] = await alertIds();
    // One PATCH that changes the state and adds a note is one change.
    expect((await each.c.call('analyst', 'PATCH', `/api/v1/alerts/${alertId}`, { state: 'PENDING', note: 'looking' })).statusCode).toBe(200);
    // Changing nothing notifies nothing.
    expect((await each.c.call('analyst', 'PATCH', `/api/v1/alerts/${alertId}`, { state: 'PENDING' })).statusCode).toBe(200);
    await runNotificationWorker(each.c.built.services);
    const changes = each.server.received.map((r) => r.json.change);
    expect(changes).toEqual([['created'], ['events_added'], ['state_changed', 'noted']]);
    const keys = each.server.received.map((r) => r.json.idempotencyKey as string);
    expect(new Set(keys).size).toBe(3);
    expect(keys.every((k) => k.startsWith(`upwatch:${alertId}:`) && k.endsWith(':soc-hook'))).toBe(true);
    // The snapshot is the alert as each change left it.
    expect(each.server.received.map((r) => (r.json.alert as { eventCount: number; state: string }).eventCount)).toEqual([1, 2, 2]);
    expect(each.server.received.map((r) => (r.json.alert as { state: string }).state)).toEqual(['OPEN', 'OPEN', 'PENDING']);
  });

  it('notifies only for the rules and kinds of change a channel asks for', async () => {
    await addAlertRule(each.c.built, { id: 'bob-only', name: 'Bob', conditions: { users: ['bob@acme.com'] } });
    await each.c.putChannel('bob-hook', {
      name: 'Bob rule only',
      rules: ['bob-only'],
      on: ['created', 'events_added'],
      config: { kind: 'webhook', url: each.server.url('/bob') },
      secret: SECRET,
    });
    await webhook(['created']);
    // Two batches for ann: one alert of the 'exfil' rule, created, then events added to it.
    await each.c.ingest(await sampleEvent({ id: sampleId(1), observedAt: new Date(T0).toISOString(), user: { email: 'ann@acme.com' } }));
    await each.c.ingest(await sampleEvent({ id: sampleId(2), observedAt: new Date(T0 + MIN).toISOString(), user: { email: 'ann@acme.com' } }));
    await runNotificationWorker(each.c.built.services);
    // The '*' channel sends the creation only (not events_added); the Bob rule's channel nothing.
    expect(each.server.received.map((r) => [r.path, r.json.change])).toEqual([['/hook', ['created']]]);
    await each.c.ingest(await sampleEvent({ id: sampleId(3), observedAt: new Date(T0 + 2 * MIN).toISOString(), user: { email: 'bob@acme.com' } }));
    await runNotificationWorker(each.c.built.services);
    const sent = each.server.received.slice(1).map((r) => [r.path, (r.json.alert as { ruleId: string; user: string }).ruleId]);
    // Bob's upload opens an alert of each rule: the '*' channel tells both, the Bob channel its own.
    expect(sent.sort()).toEqual([
      ['/bob', 'bob-only'],
      ['/hook', 'bob-only'],
      ['/hook', 'exfil'],
    ]);
  });

  it('keeps what happens while the receiver is down and delivers each of it once when it is back', async () => {
    await webhook();
    await each.server.stop();
    for (const [i, email] of ['ann@acme.com', 'bob@acme.com', 'cy@acme.com'].entries()) {
      await each.c.ingest(await sampleEvent({ id: sampleId(i + 1), observedAt: new Date(T0).toISOString(), user: { email } }));
    }
    expect(await runNotificationWorker(each.c.built.services)).toEqual({ sent: 0, retried: 3, dead: 0 });
    const waiting = await outbox('?state=pending');
    expect(waiting).toHaveLength(3);
    expect(waiting.every((n) => n.attempts === 1 && /no answer/.test(String(n.lastError)))).toBe(true);
    const keys = waiting.map((n) => n.idempotencyKey).sort();
    // Not due yet: the backoff holds them.
    expect(await runNotificationWorker(each.c.built.services)).toEqual({ sent: 0, retried: 0, dead: 0 });
    // More failures while down; the keys stay the same from attempt to attempt.
    for (let i = 0; i < 3; i++) {
      each.c.clock.now += BACKOFF_CAP_MS;
      expect((await runNotificationWorker(each.c.built.services)).retried).toBe(3);
    }
    expect((await outbox('?state=pending')).map((n) => n.idempotencyKey).sort()).toEqual(keys);
    await each.server.start();
    each.c.clock.now += BACKOFF_CAP_MS;
    expect(await runNotificationWorker(each.c.built.services)).toEqual({ sent: 3, retried: 0, dead: 0 });
    each.c.clock.now += BACKOFF_CAP_MS;
    await runNotificationWorker(each.c.built.services);
    expect(each.server.received.map((r) => r.headers['x-upwatch-idempotency-key']).sort()).toEqual(keys);
    expect(each.server.received.map((r) => (r.json.alert as { user: string }).user).sort()).toEqual(['ann@acme.com', 'bob@acme.com', 'cy@acme.com']);
  });

  it('backs off exponentially up to the cap, and gives up after the last attempt', async () => {
    await webhook();
    each.server.status = 503;
    await each.c.ingest(await sampleEvent({ id: sampleId(1), observedAt: new Date(T0).toISOString(), user: { email: 'ann@acme.com' } }));
    const waits: number[] = [];
    for (let attempt = 1; attempt < MAX_ATTEMPTS; attempt++) {
      await runNotificationWorker(each.c.built.services);
      const [n] = await outbox();
      waits.push(Date.parse(String(n!.nextAttemptAt)) - each.c.clock.now);
      each.c.clock.now = Date.parse(String(n!.nextAttemptAt));
    }
    // Random fixed at 0.5: 3/4 of min(cap, 30 s · 2^(n−1)).
    expect(waits).toEqual([22_500, 45_000, 90_000, 180_000, 360_000, 720_000, 1_440_000, 2_700_000, 2_700_000]);
    expect(await runNotificationWorker(each.c.built.services)).toEqual({ sent: 0, retried: 0, dead: 1 });
    expect(await outbox('?state=dead')).toMatchObject([{ attempts: MAX_ATTEMPTS, lastError: expect.stringMatching(/gave up after 10 attempts: .*HTTP 503/) }]);
  });

  it('dead-letters a permanent refusal at once; an analyst re-sends it from the API with the same key', async () => {
    await webhook();
    each.server.status = 400;
    await each.c.ingest(await sampleEvent({ id: sampleId(1), observedAt: new Date(T0).toISOString(), user: { email: 'ann@acme.com' } }));
    expect(await runNotificationWorker(each.c.built.services)).toEqual({ sent: 0, retried: 0, dead: 1 });
    const [dead] = await outbox('?state=dead');
    expect(dead).toMatchObject({ state: 'dead', attempts: 1, lastError: expect.stringContaining('HTTP 400') });
    expect((await each.c.call('read_only', 'GET', '/api/v1/notifications')).statusCode).toBe(403);
    expect((await each.c.call('read_only', 'POST', `/api/v1/notifications/${dead!.id as string}/retry`)).statusCode).toBe(403);

    each.server.status = 200;
    const retried = await each.c.call('analyst', 'POST', `/api/v1/notifications/${dead!.id as string}/retry`);
    expect(retried.json()).toMatchObject({ state: 'pending', attempts: 0 });
    expect(await runNotificationWorker(each.c.built.services)).toEqual({ sent: 1, retried: 0, dead: 0 });
    expect(each.server.received.map((r) => r.headers['x-upwatch-idempotency-key'])).toEqual([dead!.idempotencyKey]);
    expect((await each.c.call('analyst', 'POST', `/api/v1/notifications/${dead!.id as string}/retry`)).statusCode).toBe(409);
    const audit = (await each.c.call('admin', 'GET', `/api/v1/audit?target=notification:${dead!.id as string}`)).json().entries;
    expect(audit).toMatchObject([{ action: 'notification.retried', actor: 'analyst:test-analyst', before: { state: 'dead' } }]);
  });

  it('never answers or audits a secret; channels are for admins only', async () => {
    const slackUrl = `${each.server.url('/services/T000/B000/XXXXSECRETPATH')}?token=abc`;
    await webhook();
    await each.c.putChannel('chat', { name: 'Chat', rules: ['exfil'], config: { kind: 'slack', url: slackUrl } });
    await each.c.putChannel('soar', {
      name: 'XSOAR',
      rules: '*',
      config: { kind: 'xsoar', url: each.server.url('/xsoar') },
      secret: 'svc-upwatch:Xs0arPassw0rd!',
    });
    // A replacement without a secret keeps the one set.
    await each.c.putChannel('soc-hook', { name: 'SOC webhook, renamed', rules: '*', config: { kind: 'webhook', url: each.server.url() } });
    const answers = [
      (await each.c.call('admin', 'GET', '/api/v1/notification-channels')).body,
      (await each.c.call('admin', 'GET', '/api/v1/audit?limit=500')).body,
      (await each.c.call('admin', 'GET', '/api/v1/openapi.json')).body,
    ].join('\n');
    for (const secret of [SECRET, 'Xs0arPassw0rd', 'XXXXSECRETPATH', 'token=abc']) expect(answers).not.toContain(secret);
    const channels = (await each.c.call('admin', 'GET', '/api/v1/notification-channels')).json().channels as Record<string, unknown>[];
    expect(channels.map((ch) => [ch.id, ch.hasSecret, (ch.config as { url: string }).url])).toEqual([
      ['chat', false, `http://127.0.0.1:${each.server.port}/…`],
      ['soar', true, `http://127.0.0.1:${each.server.port}/xsoar`],
      ['soc-hook', true, `http://127.0.0.1:${each.server.port}/hook`],
    ]);
    expect((await each.c.call('analyst', 'GET', '/api/v1/notification-channels')).statusCode).toBe(403);
    expect(
      (await each.c.call('analyst', 'PUT', '/api/v1/notification-channels/x', { name: 'x', rules: '*', config: { kind: 'slack', url: slackUrl } })).statusCode,
    ).toBe(403);
  });

  it('refuses what cannot work: XSOAR on updates, a webhook without a secret, unknown rules and placeholders', async () => {
    const put = (id: string, body: object) => each.c.call('admin', 'PUT', `/api/v1/notification-channels/${id}`, body);
    expect((await put('x', { name: 'x', rules: '*', on: ['state_changed'], config: { kind: 'xsoar', url: each.server.url() } })).statusCode).toBe(400);
    expect((await put('w', { name: 'w', rules: '*', config: { kind: 'webhook', url: each.server.url() } })).statusCode).toBe(400);
    expect((await put('w', { name: 'w', rules: '*', config: { kind: 'webhook', url: each.server.url() }, secret: 'short' })).statusCode).toBe(400);
    expect((await put('s', { name: 's', rules: ['nope'], config: { kind: 'slack', url: each.server.url() } })).json().error).toMatch(/nope/);
    const typo = await put('s', { name: 's', rules: '*', config: { kind: 'slack', url: each.server.url(), template: 'hi {{usr}}' } });
    expect(typo.statusCode).toBe(400);
    expect(typo.body).toMatch(/usr/);
    expect((await put('s', { name: 's', rules: '*', config: { kind: 'slack', url: 'file:///etc/passwd' } })).statusCode).toBe(400);
  });
});
