// @vitest-environment node
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, readState, type Database } from '../../../src/background/db';
import { RiskHistory } from '../../../src/background/history';
import { Outbox } from '../../../src/background/outbox';
import { processUpload } from '../../../src/background/pipeline';
import { loadEffectiveConfig } from '../../../src/background/policy';
import { effectiveConfig } from '../../../src/core/effective-config';
import { optionsState } from '../../../src/core/view-models';
import { syncSettings, USER_HEADER } from '../../../src/background/settings-sync';
import { UploadStore } from '../../../src/background/upload-store';
import { UploadObserved } from '../../../src/core/schema/messages';
import type { Policy } from '../../../src/core/schema/policy';

let n = 0;
const SYNC_URL = 'https://upwatch.acme.example/api/v1/policy';
const ANA = 'ana@acme.example';

interface Answer {
  status?: number;
  body?: unknown;
  etag?: string;
}

/** A hand-written console: answers in turn, and records the headers of every request. */
function stubConsole(...answers: Answer[]) {
  const requests: Record<string, string>[] = [];
  const fetch = (async (_url: string, init?: RequestInit) => {
    requests.push({ ...(init?.headers as Record<string, string>) });
    const a = answers[Math.min(requests.length - 1, answers.length - 1)]!;
    const status = a.status ?? 200;
    return new Response(status === 304 ? null : JSON.stringify(a.body), { status, headers: a.etag ? { ETag: a.etag } : {} });
  }) as unknown as typeof globalThis.fetch;
  return { fetch, requests };
}

const answer = (user: unknown, settings: unknown = { retentionDays: 10 }, etag = '"v1"'): Answer => ({
  body: { settings, clientIp: '203.0.113.9', user },
  etag,
});

describe('settings sync: the user and their watchlists', () => {
  let db: Database;
  beforeEach(async () => {
    db = await openDatabase(`sync-user-test-${++n}`);
  });
  const managed = (email: string | null = ANA): Policy => ({ settingsSyncUrl: SYNC_URL, backendToken: 't', ...(email && { userEmail: email }) });
  const run = (f: typeof fetch, policy: Policy = managed(), profileEmail?: string) =>
    syncSettings({ db, fetch: f, now: () => 5, config: async () => effectiveConfig(policy, [], {}, profileEmail) });
  const stored = () => readState(db, 'syncedSettings');
  const watchlists = async (policy: Policy = managed()) => (await loadEffectiveConfig(db, async () => policy)).watchlists;

  it('names the user in X-Upwatch-User when the identity is known, from policy or profile', async () => {
    const c = stubConsole(answer({ email: ANA, watchlists: [] }));
    await run(c.fetch);
    await run(c.fetch, managed(null), 'bo@acme.example');
    expect(USER_HEADER).toBe('X-Upwatch-User');
    expect(c.requests.map((h) => h[USER_HEADER])).toEqual([ANA, 'bo@acme.example']);
  });

  it('sends no user header when the identity is unknown, and stores no user', async () => {
    const c = stubConsole(answer({ email: ANA, watchlists: ['departing'] }));
    expect(await run(c.fetch, managed(null))).toBe('updated');
    expect(Object.keys(c.requests[0]!)).not.toContain(USER_HEADER);
    expect((await stored()).user).toBeUndefined();
    expect(await watchlists(managed(null))).toEqual([]);
  });

  it('stores the watchlists of the user it named (email compared case-insensitively)', async () => {
    const c = stubConsole(answer({ email: 'Ana@ACME.example', watchlists: ['departing', 'flight_risk'] }));
    expect(await run(c.fetch)).toBe('updated');
    expect((await stored()).user).toEqual({ email: ANA, watchlists: ['departing', 'flight_risk'] });
    const config = await loadEffectiveConfig(db, async () => managed());
    expect(config.watchlists).toEqual(['departing', 'flight_risk']);
    expect(config.policy.retentionDays).toBe(10);
    expect(optionsState(config, await stored(), { configured: false, format: 'native', queued: 0, deadLetters: 0, dropped: 0 }).sync.watchlists).toEqual([
      'departing',
      'flight_risk',
    ]);
  });

  it.each([
    ['malformed', { email: ANA, watchlists: ['Departing Soon!'] }],
    ['too many ids', { email: ANA, watchlists: Array.from({ length: 65 }, (_, i) => `w${i}`) }],
    ['not an object', 'departing'],
    ['for another user', { email: 'eve@acme.example', watchlists: [] }],
  ])('ignores a user block that is %s, keeps the last good watchlists, and still applies settings', async (_label, user) => {
    await run(stubConsole(answer({ email: ANA, watchlists: ['departing'] })).fetch);
    const c = stubConsole(answer(user, { retentionDays: 20 }, '"v2"'), answer({ email: ANA, watchlists: [] }, { retentionDays: 20 }, '"v3"'));
    expect(await run(c.fetch)).toBe('updated');
    const state = await stored();
    expect(state.values).toEqual({ retentionDays: 20 });
    expect(state.user).toEqual({ email: ANA, watchlists: ['departing'] });
    expect(state.errors.map((e) => [e.key, e.source])).toEqual([['(user)', 'synced']]);
    // No ETag kept from a refused answer: the next sync asks in full and heals.
    expect(state.etag).toBeUndefined();
    expect(await run(c.fetch)).toBe('updated');
    expect(c.requests[1]!['If-None-Match']).toBeUndefined();
    expect(await stored()).toMatchObject({ etag: '"v3"', user: { watchlists: [] }, errors: [] });
  });

  it('takes an answer without a user block as no watchlists', async () => {
    await run(stubConsole(answer({ email: ANA, watchlists: ['departing'] })).fetch);
    await run(stubConsole({ body: { retentionDays: 3 }, etag: '"plain"' }).fetch);
    expect(await stored()).toMatchObject({ values: { retentionDays: 3 }, user: { email: ANA, watchlists: [] } });
  });

  it('keeps the watchlists on a 304', async () => {
    const c = stubConsole(answer({ email: ANA, watchlists: ['departing'] }), { status: 304 });
    await run(c.fetch);
    expect(await run(c.fetch)).toBe('unchanged');
    expect(c.requests[1]).toMatchObject({ 'If-None-Match': '"v1"', [USER_HEADER]: ANA });
    expect((await stored()).user).toEqual({ email: ANA, watchlists: ['departing'] });
    expect(await watchlists()).toEqual(['departing']);
  });

  it('drops the watchlists and the ETag when the identity changes', async () => {
    await run(stubConsole(answer({ email: ANA, watchlists: ['departing'] })).fetch);
    const bo = managed('bo@acme.example');
    // Before the next sync, the new identity does not inherit them.
    expect(await watchlists(bo)).toEqual([]);
    const down = (async () => {
      throw new TypeError('Failed to fetch');
    }) as unknown as typeof fetch;
    expect(await run(down, bo)).toBe('failed');
    expect(await stored()).toMatchObject({ values: { retentionDays: 10 } });
    expect((await stored()).user).toBeUndefined();
    expect((await stored()).etag).toBeUndefined();
    const c = stubConsole(answer({ email: 'bo@acme.example', watchlists: ['contractor'] }, undefined, '"bo1"'));
    await run(c.fetch, bo);
    expect(c.requests[0]!['If-None-Match']).toBeUndefined();
    expect(await watchlists(bo)).toEqual(['contractor']);
  });

  it('clears the synced watchlists when sync is turned off', async () => {
    await run(stubConsole(answer({ email: ANA, watchlists: ['departing'] })).fetch);
    expect(await run(stubConsole(answer(null)).fetch, { userEmail: ANA })).toBe('disabled');
    expect(await stored()).toEqual({ values: {}, errors: [] });
    expect(await watchlists({ userEmail: ANA })).toEqual([]);
  });

  it('reads older stored state without a user, and a damaged user without losing the settings', async () => {
    await db.put('state', { etag: '"old"', values: { retentionDays: 9 }, errors: [] }, 'syncedSettings');
    expect(await stored()).toEqual({ etag: '"old"', values: { retentionDays: 9 }, errors: [] });
    await db.put('state', { etag: '"old"', values: { retentionDays: 9 }, errors: [], user: { email: ANA, watchlists: 'departing' } }, 'syncedSettings');
    expect(await stored()).toEqual({ etag: '"old"', values: { retentionDays: 9 }, errors: [] });
    // The stored answer was for no one we know: fetch in full to learn this user's watchlists.
    const c = stubConsole(answer({ email: ANA, watchlists: ['departing'] }));
    await run(c.fetch);
    expect(c.requests[0]!['If-None-Match']).toBeUndefined();
  });
});

describe('departing_watchlist from the synced watchlists', () => {
  const message = UploadObserved.parse({
    type: 'upload/observed',
    actionId: 'act-1',
    channel: 'file_picker',
    trustedEvent: true,
    files: [{ name: 'plan.pdf', size: 10, mimeType: 'application/pdf', headBase64: btoa('%PDF-1.7') }],
  });

  async function upload(db: Database, policy: Policy) {
    const [event] = await processUpload(
      message,
      { tab: { url: 'https://www.dropbox.com/home', title: 'Dropbox' }, frameId: 0 },
      {
        config: () => loadEffectiveConfig(db, async () => policy),
        device: async () => ({ browser: 'Chrome', browserVersion: '1', os: 'linux', extensionVersion: '0.1.0' }),
        store: new UploadStore(
          db,
          new RiskHistory(db, 'UTC'),
          new Outbox({ db, fetch: (async () => new Response(null)) as unknown as typeof fetch, now: () => 0, random: () => 0, target: async () => undefined }),
        ),
        newId: () => `0190a0e2-7c4b-7def-8abc-${String(++n).padStart(12, '0')}`,
        now: () => Date.parse('2026-11-23T10:00:00Z'),
        timeZone: 'UTC',
        afterStore: () => undefined,
      },
    );
    return event!.risk.indicators.map((i) => i.id);
  }

  it('applies while the console lists the user as departing, and ends when the console removes them', async () => {
    const db = await openDatabase(`sync-user-pipeline-${++n}`);
    const policy: Policy = { settingsSyncUrl: SYNC_URL, userEmail: ANA };
    const sync = (f: typeof fetch) => syncSettings({ db, fetch: f, now: () => 5, config: () => loadEffectiveConfig(db, async () => policy) });
    expect(await upload(db, policy)).not.toContain('departing_watchlist');
    await sync(stubConsole(answer({ email: ANA, watchlists: ['departing'] })).fetch);
    expect(await upload(db, policy)).toContain('departing_watchlist');
    await sync(stubConsole(answer({ email: ANA, watchlists: ['flight_risk'] }, undefined, '"v2"')).fetch);
    expect(await upload(db, policy)).not.toContain('departing_watchlist');
    // The managed key still adds it on its own.
    expect(await upload(db, { ...policy, departingWatchlist: true })).toContain('departing_watchlist');
  });
});
