/**
 * One user's browser — the whole background service under WXT's fakeBrowser — whose settings sync
 * is answered by a console in this process: for tests of what the console makes browsers do
 * (a watchlist-scoped block, the block API).
 */
import { afterEach, beforeEach, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { SYNC_ALARM } from '../../../src/background/service';
import { ResponseDecision, ResponsePlan } from '../../../src/core/schema/response';
import { fromTab, mockBrowserPlatform, observedPick, sendSettled, testService } from './background-service';
import { makeTestConsole, type TestConsole } from './test-console';

/**
 * For a test file: a fresh console and a mocked browser platform around each test. Answers the
 * current test's console.
 */
export function consoleForEachTest(): () => TestConsole {
  let built: TestConsole | undefined;
  beforeEach(async () => {
    built = await makeTestConsole();
    mockBrowserPlatform();
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await built?.close();
    built = undefined;
  });
  return () => {
    if (!built) throw new Error('no console outside a test');
    return built;
  };
}

/** The browser's fetch, answered by the console in this process. */
function consoleFetch(built: TestConsole): typeof fetch {
  return (async (input: string, init: RequestInit = {}) => {
    const url = new URL(String(input));
    const res = await built.app.inject({ method: 'GET', url: `${url.pathname}${url.search}`, headers: init.headers as Record<string, string> });
    const headers = Object.fromEntries(Object.entries(res.headers).map(([k, v]) => [k, String(v)]));
    return new Response(res.statusCode === 304 ? null : res.body, { status: res.statusCode, headers });
  }) as unknown as typeof fetch;
}

/** A started browser of `email`, syncing from `built` with its ingest token, on a Dropbox tab (or `page`). */
export async function browserOnConsole(built: TestConsole, email: string, dbName: string, page = { url: 'https://www.dropbox.com/home', title: 'Dropbox' }) {
  await fakeBrowser.storage.managed.set({
    settingsSyncUrl: 'https://console.acme.example/api/v1/policy',
    settingsSyncToken: built.keys.ingest,
    userEmail: email,
  });
  const service = testService({ fetch: consoleFetch(built), now: Date.now, dbName });
  const tab = fromTab(page.url, page.title, 3);
  const send = (message: unknown) => sendSettled(service, message, tab);
  await service.start();
  await service.idle();
  return {
    /** Whether the page must hold files now. */
    plan: async () => ResponsePlan.parse(await send({ type: 'response/plan' })).hold,
    /** A held pick of `name`: the background's decision. */
    upload: async (n: number, name: string) => ResponseDecision.parse(await send(observedPick(`act-${n}`, [{ name }], true))),
    /** The settings sync alarm fires now. */
    syncNow: async () => {
      service.onAlarm({ name: SYNC_ALARM });
      await service.idle();
    },
  };
}
