// @vitest-environment node
/**
 * When the background retries a refused batch: at the time the backend asked for (Retry-After) or
 * the backoff set, not at the next once-a-minute alarm. Short waits are timed in the worker, since
 * Chrome fires an alarm no sooner than 30 s after it is set.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { RETRY_ALARM } from '../../../src/background/service';
import { PopupState } from '../../../src/core/schema/messages';
import { fromPage, fromTab, mockBrowserPlatform, MONDAY_AT_WORK, observedPick, sendSettled, testService } from '../support/background-service';

const BACKEND = 'https://upwatch.acme.example/api/v1/events';
let dbCounter = 0;

function setup(answers: { status: number; headers?: Record<string, string> }[]) {
  const clock = { now: MONDAY_AT_WORK };
  const requests: string[] = [];
  const fetchFn = (async (url: string) => {
    requests.push(String(url));
    const a = answers.shift() ?? { status: 200 };
    return new Response('{}', { status: a.status, headers: a.headers ?? {} });
  }) as unknown as typeof fetch;
  const service = testService({ fetch: fetchFn, now: () => clock.now, dbName: `delivery-retry-test-${++dbCounter}` });
  const upload = (name: string) => sendSettled(service, observedPick(`act-${name}`, [{ name }]), fromTab('https://www.dropbox.com/home', 'Dropbox'));
  const queued = async () => PopupState.parse(await sendSettled(service, { type: 'popup/get-state' }, fromPage('/popup.html'))).delivery.queued;
  return { service, clock, requests, upload, queued };
}

beforeEach(async () => {
  mockBrowserPlatform();
  await fakeBrowser.storage.managed.set({ backendUrl: BACKEND });
});
afterEach(() => {
  vi.restoreAllMocks();
  fakeBrowser.reset();
});

describe('delivery retries', () => {
  it('sends again when a 429 says Retry-After: 1, without waiting for the alarm', async () => {
    const s = setup([{ status: 429, headers: { 'Retry-After': '1' } }]);
    await s.service.start();
    await s.service.idle();
    await s.upload('a.pdf');
    expect(s.requests).toHaveLength(1);
    expect(await s.queued()).toBe(1);
    s.clock.now += 1000;
    await vi.waitFor(() => expect(s.requests).toHaveLength(2), { timeout: 5000 });
    await s.service.idle();
    expect(await s.queued()).toBe(0);
    expect(await fakeBrowser.alarms.get(RETRY_ALARM)).toBeUndefined();
  });

  it('sets the retry alarm for when the backend asked, past a minute', async () => {
    const s = setup([{ status: 503, headers: { 'Retry-After': '300' } }]);
    await s.service.start();
    await s.service.idle();
    const before = Date.now();
    await s.upload('b.pdf');
    const after = Date.now();
    const alarm = await fakeBrowser.alarms.get(RETRY_ALARM);
    expect(alarm).toMatchObject({ periodInMinutes: 1 });
    expect(alarm!.scheduledTime).toBeGreaterThanOrEqual(before + 300_000);
    expect(alarm!.scheduledTime).toBeLessThanOrEqual(after + 300_000);
  });
});
