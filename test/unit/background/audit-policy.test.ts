// @vitest-environment node
/**
 * A malformed managed policy never stops delivery nor loses the last good settings: every bad key is
 * reported and falls back (last good value, else the default).
 */
import 'fake-indexeddb/auto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, readState } from '../../../src/background/db';
import { Outbox } from '../../../src/background/outbox';
import { loadEffectiveConfig } from '../../../src/background/policy';
import { backendTarget } from '../../../src/core/effective-config';
import { POLICY_DEFAULTS } from '../../../src/core/schema/policy';
import { sampleEvent, sampleId } from '../support/sample-event';

let n = 0;
const freshDb = () => openDatabase(`audit-policy-${++n}`);
const GOOD = { backendUrl: 'https://upwatch.acme.example/api/v1/events', backendToken: 'good-token', backendFormat: 'splunk_hec', backendBatchMaxEvents: 50 };

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

describe('a malformed managed policy', () => {
  it.each([
    ['a string', 'backendUrl=https://x'],
    ['a list', [GOOD]],
    ['a number', 42],
    ['true', true],
  ])('that is %s keeps the last good policy in force, reported, and a good one later replaces it', async (_what, raw) => {
    const db = await freshDb();
    await loadEffectiveConfig(db, async () => GOOD);
    const bad = await loadEffectiveConfig(db, async () => raw);
    expect(bad.errors).toEqual([{ key: '(policy)', message: 'policy is not an object', source: 'managed' }]);
    expect(bad.policy).toMatchObject(GOOD);
    expect(await readState(db, 'lastGoodPolicy')).toMatchObject(GOOD);
    const next = await loadEffectiveConfig(db, async () => ({ ...GOOD, backendFormat: 'elastic' }));
    expect(next.errors).toEqual([]);
    expect(next.policy.backendFormat).toBe('elastic');
  });

  it.each<[string, unknown]>([
    ['backendUrl', 'ftp://upwatch.acme.example/in'],
    ['backendUrl', 'javascript:alert(1)'],
    ['backendUrl', 42],
    ['backendFormat', 'syslog'],
    ['backendFormat', ['native']],
    ['backendBatchMaxEvents', 0],
    ['backendBatchMaxEvents', -5],
    ['backendBatchMaxEvents', 2.5],
    ['backendBatchMaxEvents', '200'],
    ['backendBatchMaxEvents', 1e9],
    ['backendBatchMaxBytes', 0],
    ['backendBatchMaxBytes', 1e12],
    ['backendToken', ''],
    ['backendToken', { value: 'x' }],
    ['minimumSeverityToForward', 'urgent'],
  ])('%s = %j is reported and the last good value stays in force', async (key, value) => {
    const db = await freshDb();
    await loadEffectiveConfig(db, async () => GOOD);
    const config = await loadEffectiveConfig(db, async () => ({ ...GOOD, [key]: value }));
    expect(config.errors.map((e) => [e.key, e.source])).toEqual([[key, 'managed']]);
    expect(config.errors[0]!.message.length).toBeGreaterThan(0);
    const fallback = (GOOD as Record<string, unknown>)[key] ?? (POLICY_DEFAULTS as Record<string, unknown>)[key];
    expect((config.policy as Record<string, unknown>)[key]).toEqual(fallback);
  });

  it('a bad key with no last good value takes its default; unknown keys are ignored', async () => {
    const db = await freshDb();
    const config = await loadEffectiveConfig(db, async () =>
      JSON.parse('{"backendBatchMaxEvents": 0, "backendFormat": "syslog", "__proto__": {"backendUrl": "https://evil.example/"}, "surprise": 1}'),
    );
    expect(config.errors.map((e) => e.key).sort()).toEqual(['backendBatchMaxEvents', 'backendFormat']);
    expect(config.policy.backendBatchMaxEvents).toBe(POLICY_DEFAULTS.backendBatchMaxEvents);
    expect(config.policy.backendFormat).toBe('native');
    expect(backendTarget(config)).toBeUndefined();
  });

  it.each(['backendUrl', 'settingsSyncUrl'])(
    '%s with a user name and password in it (which fetch refuses to send) is refused, the last good one kept',
    async (key) => {
      const db = await freshDb();
      await loadEffectiveConfig(db, async () => ({ ...GOOD, [key]: 'https://upwatch.acme.example/in' }));
      const config = await loadEffectiveConfig(db, async () => ({ ...GOOD, [key]: 'https://svc-upwatch:hunter2@upwatch.acme.example/in' }));
      expect(config.errors.map((e) => e.key)).toEqual([key]);
      expect(config.errors[0]!.message).toMatch(/user name or password/);
      expect(config.errors[0]!.message).not.toMatch(/hunter2/);
      expect((config.policy as Record<string, unknown>)[key]).toBe('https://upwatch.acme.example/in');
    },
  );

  it('a token pasted with its line break is sent without it (fetch trims header values), so it is not refused', async () => {
    const seen: (string | undefined)[] = [];
    const server = createServer((req, res) => {
      seen.push(req.headers.authorization);
      req.resume();
      req.on('end', () => res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}'));
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/events`;
    const db = await freshDb();
    await loadEffectiveConfig(db, async () => ({ backendUrl: url, backendToken: 'good-token' }));
    const config = await loadEffectiveConfig(db, async () => ({ backendUrl: url, backendToken: 'rotated\r\n' }));
    expect(config.errors).toEqual([]);
    const outbox = new Outbox({ db, fetch: globalThis.fetch, now: () => 1000, random: () => 0, target: async () => backendTarget(config) });
    await outbox.enqueue([await sampleEvent({ id: sampleId(1) })]);
    expect(await outbox.flush()).toEqual({ sent: 1, remaining: 0 });
    expect(seen).toEqual(['Bearer rotated']);
  });
});
