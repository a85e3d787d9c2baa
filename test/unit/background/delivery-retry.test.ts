// @vitest-environment node
/**
 * When the background retries a refused batch: at the time the backend asked for (Retry-After) or
 * the backoff set, not at the next once-a-minute alarm. Short waits are timed in the worker, since
 * Chrome fires an alarm no sooner than 30 s after it is set.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { createBackgroundService, RETRY_ALARM } from '../../../src/background/service';
import { PopupState } from '../../../src/core/schema/messages';
import { sampleId } from '../support/sample-event';

const BACKEND = 'https://upwatch.acme.example/api/v1/events';
let dbCounter = 0;

function setup(answers: { status: number; headers?: Record<string, string> }[]) {
  const clock = { now: Date.parse('2026-11-23T10:00:00Z') }; // a Monday, in working hours
  const requests: string[] = [];
  const fetchFn = (async (url: string) => {
    requests.push(String(url));
    const a = answers.shift() ?? { status: 200 };
    return new Response('{}', { status: a.status, headers: a.headers ?? {} });
  }) as unknown as typeof fetch;
  let id = 0;
  const service = createBackgroundService({
    fetch: fetchFn,
    now: () => clock.now,
    random: () => 0,
    newId: () => sampleId(++id),
    dbName: `delivery-retry-test-${++dbCounter}`,
    timeZone: 'UTC',
  });
  const send = async (message: unknown, sender: unknown) => {
    const reply = await service.onMessage(message, sender as never);
    await service.idle();
    return reply;
  };
  const tab = { id: fakeBrowser.runtime.id, tab: { url: 'https://www.dropbox.com/home', title: 'Dropbox' }, frameId: 0, url: 'https://www.dropbox.com/home' };
  const upload = (name: string) =>
    send(
      {
        type: 'upload/observed',
        actionId: `act-${name}`,
        channel: 'file_picker',
        trustedEvent: true,
        files: [{ name, size: 8, mimeType: 'application/pdf', headBase64: btoa('%PDF-1.7') }],
      },
      tab,
    );
  const queued = async () =>
    PopupState.parse(await send({ type: 'popup/get-state' }, { id: fakeBrowser.runtime.id, url: fakeBrowser.runtime.getURL('/popup.html') })).delivery.queued;
  return { service, clock, requests, upload, queued };
}

beforeEach(async () => {
  vi.spyOn(fakeBrowser.runtime, 'getManifest').mockReturnValue({ manifest_version: 3, name: 'Upwatch', version: '0.1.0' });
  vi.spyOn(fakeBrowser.runtime, 'getPlatformInfo').mockResolvedValue({ os: 'linux', arch: 'x86-64', nacl_arch: 'x86-64' } as never);
  vi.spyOn(fakeBrowser.idle, 'queryState').mockResolvedValue('active' as never);
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
