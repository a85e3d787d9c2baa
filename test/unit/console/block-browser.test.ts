// @vitest-environment node
/**
 * A block from the API reaches the browser (issue 18): after `POST /api/v1/users/{email}/block`
 * alone (no admin set anything up), the user's browser — the whole background service, its
 * settings sync answered by the console in this process — blocks their next upload after one
 * sync, and lets it through after `DELETE …/block` and the next sync. The rig is the one of
 * test/unit/background/response-watchlist.test.ts.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { BLOCK_RULE_ID } from '../../../console/routes/block';
import { createBackgroundService, SYNC_ALARM } from '../../../src/background/service';
import { ResponseDecision, ResponsePlan } from '../../../src/core/schema/response';
import { makeTestConsole, type TestConsole } from '../support/test-console';
import { sampleId } from '../support/sample-event';

const ANA = 'ana@acme.example';

let built: TestConsole;
beforeEach(async () => {
  built = await makeTestConsole();
  vi.spyOn(fakeBrowser.runtime, 'getManifest').mockReturnValue({ manifest_version: 3, name: 'Upwatch', version: '0.1.0' });
  vi.spyOn(fakeBrowser.runtime, 'getPlatformInfo').mockResolvedValue({ os: 'linux', arch: 'x86-64', nacl_arch: 'x86-64' } as never);
  vi.spyOn(fakeBrowser.idle, 'queryState').mockResolvedValue('active' as never);
});
afterEach(async () => {
  vi.restoreAllMocks();
  await built.close();
});

/** The browser's fetch, answered by the console in this process. */
const consoleFetch = (async (input: string, init: RequestInit = {}) => {
  const url = new URL(String(input));
  const res = await built.app.inject({ method: 'GET', url: `${url.pathname}${url.search}`, headers: init.headers as Record<string, string> });
  const headers = Object.fromEntries(Object.entries(res.headers).map(([k, v]) => [k, String(v)]));
  return new Response(res.statusCode === 304 ? null : res.body, { status: res.statusCode, headers });
}) as unknown as typeof fetch;

describe('a block from the API, in the browser', () => {
  it('blocks the user after one settings sync, and lets them through after the unblock and the next', async () => {
    await fakeBrowser.storage.managed.set({
      settingsSyncUrl: 'https://console.acme.example/api/v1/policy',
      settingsSyncToken: built.keys.ingest,
      userEmail: ANA,
    });
    let id = 0;
    const service = createBackgroundService({
      fetch: consoleFetch,
      now: Date.now,
      random: () => 0,
      newId: () => sampleId(++id),
      dbName: 'block-api',
      timeZone: 'UTC',
    });
    const tab = {
      id: fakeBrowser.runtime.id,
      tab: { id: 3, url: 'https://www.dropbox.com/home', title: 'Dropbox' },
      frameId: 0,
      url: 'https://www.dropbox.com/home',
    };
    const send = async (message: unknown) => {
      const reply = await service.onMessage(message, tab);
      await service.idle();
      return reply;
    };
    const plan = async () => ResponsePlan.parse(await send({ type: 'response/plan' })).hold;
    const upload = async (n: number) =>
      ResponseDecision.parse(
        await send({
          type: 'upload/observed',
          actionId: `act-${n}`,
          channel: 'file_picker',
          trustedEvent: true,
          hold: true,
          files: [{ name: `q${n}.pdf`, size: 8, mimeType: 'application/pdf', headBase64: btoa('%PDF-1.7') }],
        }),
      );
    const syncNow = async () => {
      service.onAlarm({ name: SYNC_ALARM });
      await service.idle();
    };

    await service.start();
    await service.idle();
    expect(await plan()).toBe(false);

    const blocked = await built.app.inject({ method: 'POST', url: `/api/v1/users/${ANA}/block`, headers: built.as('analyst') });
    expect(blocked.statusCode).toBe(201);
    // Before the browser syncs it knows nothing of the block.
    expect((await upload(1)).action).toBe('allow');
    await syncNow();
    expect(await plan()).toBe(true);
    expect(await upload(2)).toMatchObject({ action: 'block', ruleId: BLOCK_RULE_ID });

    expect((await built.app.inject({ method: 'DELETE', url: `/api/v1/users/${ANA}/block`, headers: built.as('analyst') })).statusCode).toBe(200);
    await syncNow();
    expect(await plan()).toBe(false);
    expect((await upload(3)).action).toBe('allow');
  });
});
