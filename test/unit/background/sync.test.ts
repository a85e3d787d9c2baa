// @vitest-environment node
import 'fake-indexeddb/auto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestConsole, type TestConsole } from '../support/test-console';
import { openDatabase, readState, type Database } from '../../../src/background/db';
import { RiskHistory } from '../../../src/background/history';
import { loadEffectiveConfig } from '../../../src/background/policy';
import { effectiveConfig } from '../../../src/core/effective-config';
import { syncSettings, type SyncOutcome } from '../../../src/background/settings-sync';
import type { Policy } from '../../../src/core/schema/policy';
import { POLICY_KEYS } from '../../../src/core/schema/policy';
import { seededRandom } from '../../../bench/lib';

let n = 0;

/** fetch that answers from a Fastify app in-process (same requests, same headers). */
function fetchFrom(app: TestConsole['app']): typeof fetch {
  return (async (input: string | URL, init?: RequestInit) => {
    const url = new URL(String(input));
    const res = await app.inject({
      method: (init?.method ?? 'GET') as 'GET',
      url: url.pathname + url.search,
      headers: init?.headers as Record<string, string>,
    });
    return new Response(res.statusCode === 304 ? null : res.body, { status: res.statusCode, headers: res.headers as Record<string, string> });
  }) as typeof fetch;
}

describe('settings sync against the console', () => {
  let dir: string;
  let built: TestConsole;
  let db: Database;
  let managed: Policy;
  const sync = (fetchImpl: typeof fetch, policy: Policy = managed): Promise<SyncOutcome> =>
    syncSettings({
      db,
      fetch: fetchImpl,
      now: () => 1_000,
      config: async () => effectiveConfig(policy, []),
      onClientIp: (ip) => new RiskHistory(db).setClientIp(ip, 1_000),
    });
  const put = (settings: unknown) => built.app.inject({ method: 'PUT', url: '/api/v1/policy', headers: built.as('admin'), payload: settings as object });

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'upwatch-sync-'));
    built = await makeTestConsole({ dataDir: dir });
    managed = { settingsSyncUrl: 'http://127.0.0.1:8787/api/v1/policy', backendToken: built.keys.ingest };
    db = await openDatabase(`sync-test-${++n}`);
  });
  afterEach(async () => {
    await built.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('fetches, then answers 304 with the ETag, then takes a change', async () => {
    expect((await put({ riskSettings: { version: 'v1', scores: { destination: { cloud_storage: 7 } } } })).statusCode).toBe(200);
    const f = fetchFrom(built.app);
    expect(await sync(f)).toBe('updated');
    const first = await readState(db, 'syncedSettings');
    expect(first.etag).toMatch(/^".+"$/);
    expect(await sync(f)).toBe('unchanged');
    await put({ riskSettings: { version: 'v2', scores: { destination: { cloud_storage: 9 } } }, retentionDays: 7 });
    expect(await sync(f)).toBe('updated');
    const config = await loadEffectiveConfig(db, async () => managed);
    expect(config.settings).toMatchObject({ version: 'v2', scores: { destination: { cloud_storage: 9 } } });
    expect(config.sources).toMatchObject({ retentionDays: 'synced', backendToken: 'managed', keepUrlQuery: 'default' });
    expect(await readState(db, 'network')).toMatchObject({ clientIp: '127.0.0.1' });
  });

  it('refuses settings the console cannot accept', async () => {
    const bad = await put({ backendUrl: 'https://evil.example/', retentionDays: 'x' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().problems.join(' ')).toMatch(/retentionDays/);
    expect(bad.json().problems.join(' ')).toMatch(/backendUrl: only the managed policy/);
  });

  it('needs the token', async () => {
    const res = await built.app.inject({ method: 'GET', url: '/api/v1/policy' });
    expect(res.statusCode).toBe(401);
  });
});

describe('synced values: key by key, last good kept, managed first', () => {
  let db: Database;
  beforeEach(async () => {
    db = await openDatabase(`sync-layer-test-${++n}`);
  });
  const answering = (status: number, body: string, headers: Record<string, string> = {}) =>
    (async () => new Response(body, { status, headers: { 'content-type': 'application/json', ...headers } })) as unknown as typeof fetch;
  const managed: Policy = { settingsSyncUrl: 'https://settings.acme.example/upwatch', backendToken: 't' };
  const run = (f: typeof fetch) => syncSettings({ db, fetch: f, now: () => 5, config: async () => effectiveConfig(managed, []) });

  it('keeps the last good value of a bad key and refuses keys only the managed policy may set', async () => {
    expect(await run(answering(200, JSON.stringify({ retentionDays: 10, showEventList: true })))).toBe('updated');
    expect(await run(answering(200, JSON.stringify({ retentionDays: 'ten', showEventList: false, backendUrl: 'https://evil.example/' })))).toBe('updated');
    const state = await readState(db, 'syncedSettings');
    expect(state.values).toEqual({ retentionDays: 10, showEventList: false });
    expect(state.errors.map((e) => [e.key, e.source])).toEqual([
      ['retentionDays', 'synced'],
      ['backendUrl', 'synced'],
    ]);
    const config = await loadEffectiveConfig(db, async () => managed);
    expect(config.errors.map((e) => e.key)).toEqual(expect.arrayContaining(['retentionDays', 'backendUrl']));
  });

  it('keeps the last good settings when the backend is down or answers nonsense', async () => {
    await run(answering(200, JSON.stringify({ retentionDays: 10 })));
    for (const f of [
      (async () => {
        throw new TypeError('Failed to fetch');
      }) as unknown as typeof fetch,
      answering(500, 'oops'),
      answering(200, '<html>not json</html>'),
      answering(200, JSON.stringify([1, 2, 3])),
    ]) {
      const outcome = await run(f);
      const state = await readState(db, 'syncedSettings');
      expect(state.values).toEqual({ retentionDays: 10 });
      if (outcome === 'failed') expect(state.lastError).toBeTruthy();
    }
  });

  it('refuses a plain-HTTP sync URL off loopback', async () => {
    const outcome = await syncSettings({
      db,
      fetch: answering(200, '{}'),
      now: () => 5,
      config: async () => effectiveConfig({ settingsSyncUrl: 'http://settings.acme.example/x' }, []),
    });
    expect(outcome).toBe('failed');
    expect((await readState(db, 'syncedSettings')).lastError).toMatch(/HTTPS/);
  });

  it('stops applying synced values when the admin turns sync off', async () => {
    await run(answering(200, JSON.stringify({ retentionDays: 10 })));
    await syncSettings({ db, fetch: answering(200, '{}'), now: () => 6, config: async () => effectiveConfig({}, []) });
    expect(await loadEffectiveConfig(db, async () => ({}))).toMatchObject({ policy: { retentionDays: 30 }, sources: { retentionDays: 'default' } });
  });

  it('managed beats synced beats default, key by key; risk settings merge deeper', () => {
    const config = effectiveConfig({ retentionDays: 5, riskSettings: { scores: { file: { pdf: 9 } } } }, [], {
      retentionDays: 60,
      showEventList: false,
      riskSettings: { version: 'sync-3', scores: { file: { pdf: 2, image: 4 } } },
    });
    expect(config.policy).toMatchObject({ retentionDays: 5, showEventList: false });
    expect(config.sources).toMatchObject({ retentionDays: 'managed', showEventList: 'synced', keepUrlQuery: 'default' });
    expect(config.settings.scores.file).toMatchObject({ pdf: 9, image: 4 });
    expect(config.settings.version).toBe('sync-3');
  });

  it('takes the identity from policy, else the signed-in profile, else unknown', () => {
    expect(effectiveConfig({ userEmail: 'a@acme.com' }, [], {}, 'b@gmail.com').identity).toEqual({ email: 'a@acme.com', source: 'policy' });
    expect(effectiveConfig({}, [], {}, 'b@acme.com').identity).toEqual({ email: 'b@acme.com', source: 'profile' });
    expect(effectiveConfig({}, []).identity).toEqual({ source: 'unknown' });
  });
});

describe('1,000 fuzzed policies', () => {
  const random = seededRandom(99);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
  const value = (depth = 0): unknown => {
    switch (Math.floor(random() * (depth > 2 ? 7 : 10))) {
      case 0:
        return null;
      case 1:
        return random() < 0.5;
      case 2:
        return Math.floor(random() * 2000) - 500;
      case 3:
        return random() * 1e9;
      case 4:
        return pick([
          '',
          'x',
          'https://ok.example/api',
          'http://evil.example/',
          'ana@acme.com',
          '10.0.0.0/8',
          'native',
          'ocsf',
          'high',
          '<script>',
          'a'.repeat(5000),
        ]);
      case 5:
        return Number.NaN;
      case 6:
        return pick([[], ['acme.com'], [1, 2], ['10.0.0.0/8', 'fd00::/8']]);
      case 7:
        return Array.from({ length: Math.floor(random() * 4) }, () => value(depth + 1));
      default:
        return Object.fromEntries(
          Array.from({ length: Math.floor(random() * 4) }, () => [
            pick(['scores', 'version', 'user', 'file', 'pdf', 'id', 'hosts', 'name', '__proto__', 'constructor']),
            value(depth + 1),
          ]),
        );
    }
  };
  const policyLike = (): unknown => {
    if (random() < 0.05) return pick([null, 42, 'policy', [1, 2], true]);
    return Object.fromEntries(
      Array.from({ length: Math.floor(random() * 6) }, () => [random() < 0.9 ? pick(POLICY_KEYS) : pick(['unknownKey', '__proto__', 'toString']), value()]),
    );
  };

  it('never break start-up and never lose the last good settings', async () => {
    const db = await openDatabase(`fuzz-${++n}`);
    const good = { backendUrl: 'https://good.example/api', retentionDays: 12, riskSettings: { version: 'good', scores: { file: { pdf: 7 } } } };
    await loadEffectiveConfig(db, async () => good);
    let lastGood: Record<string, unknown> = { ...good };
    for (let i = 0; i < 1000; i++) {
      const raw = policyLike();
      const config = await loadEffectiveConfig(db, async () => raw);
      expect(config.settings.version).toBeTypeOf('string');
      expect(Object.getPrototypeOf(config.policy)).toBe(Object.prototype);
      // Every key that was good before and is now bad keeps its last good value.
      if (raw && typeof raw === 'object' && !Array.isArray(raw)) {
        for (const error of config.errors) {
          if (error.key in lastGood && Object.hasOwn(raw, error.key)) expect(config.policy[error.key as keyof Policy]).toEqual(lastGood[error.key]);
        }
      }
      lastGood = { ...(await readState(db, 'lastGoodPolicy')) };
    }
  });
});
