// @vitest-environment node
/**
 * The background service as the browser drives it, on WXT's fakeBrowser: alarms fired by hand,
 * managed storage written by the test, the badge and the alarms read back. The clock and fetch are
 * injected; `idle()` waits for the work each listener started.
 */
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import background from '../../../entrypoints/background';
import type { MessageSenderLike } from '../../../src/background/messaging';
import { ACTIVITY_ALARM, RETRY_ALARM, SYNC_ALARM } from '../../../src/background/service';
import { OptionsState, PopupState } from '../../../src/core/schema/messages';
import { fromPage, fromTab, mockBrowserPlatform, MONDAY_AT_WORK, observedPick, sendSettled, testService } from '../support/background-service';

const BACKEND = 'https://upwatch.acme.example/api/v1/events';
const SYNC_URL = 'https://upwatch.acme.example/api/v1/policy';
const DAY = 86_400_000;

type Answer = { status: number; body?: string; headers?: Record<string, string> };

let dbCounter = 0;

function setup(answer: (url: string) => Answer = () => ({ status: 200 })) {
  const clock = { now: MONDAY_AT_WORK };
  const requests: { url: string; init: RequestInit }[] = [];
  const fetchFn = (async (url: string, init: RequestInit) => {
    requests.push({ url: String(url), init });
    const a = answer(String(url));
    return new Response(a.status === 304 ? null : (a.body ?? '{}'), { status: a.status, headers: a.headers ?? {} });
  }) as unknown as typeof fetch;
  const service = testService({ fetch: fetchFn, now: () => clock.now, dbName: `service-test-${++dbCounter}` });
  const send = (message: unknown, sender: MessageSenderLike) => sendSettled(service, message, sender);
  const popup = async () => PopupState.parse(await send({ type: 'popup/get-state' }, fromPage('/popup.html')));
  const options = async () => OptionsState.parse(await send({ type: 'options/get-state' }, fromPage('/options.html')));
  const option = async (key: string) => (await options()).keys.find((k) => k.key === key);
  const upload = (name = 'plan.pdf', url = 'https://www.dropbox.com/home') => send(observedPick(`act-${name}`, [{ name }]), fromTab(url, 'Dropbox'));
  const alarm = async (name: string) => {
    service.onAlarm({ name });
    await service.idle();
  };
  const start = async () => {
    await service.start();
    await service.idle();
  };
  return { service, clock, requests, send, popup, options, option, upload, alarm, start };
}

const badge = async () => ({ text: await fakeBrowser.action.getBadgeText({}), title: await fakeBrowser.action.getTitle({}) });
const alarmNamed = (name: string) => fakeBrowser.alarms.get(name);
const eventsIn = (init: RequestInit) => JSON.parse(gunzipSync(init.body as Uint8Array).toString('utf8')).events as { id: string; file: { name: string } }[];

beforeEach(() => {
  mockBrowserPlatform();
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe('the background service', () => {
  it('starts with a clean badge and the activity alarm, and no sync alarm without a sync URL', async () => {
    const s = setup();
    await s.start();
    expect(await badge()).toEqual({ text: '', title: 'Upwatch' });
    expect(await alarmNamed(ACTIVITY_ALARM)).toMatchObject({ periodInMinutes: 5 });
    expect(await alarmNamed(SYNC_ALARM)).toBeUndefined();
    expect(s.requests).toEqual([]);
    // No backend: the popup says events stay on this device.
    expect((await s.popup()).delivery).toMatchObject({ configured: false, format: 'native', queued: 0 });
  });

  it('stores an upload from a tab, counts it on the badge, and lists it in the popup until seen', async () => {
    const s = setup();
    await s.start();
    expect(await s.upload()).toEqual({ accepted: 1 });
    expect(await badge()).toEqual({ text: '1', title: 'Upwatch: 1 new risky upload(s)' });
    const state = await s.popup();
    expect(state.events.map((e) => [e.file.name, e.destination.serviceId, e.observedAt])).toEqual([['plan.pdf', 'dropbox', '2026-11-23T10:00:00.000Z']]);
    expect(state.events[0]!.risk.indicators.map((i) => i.id)).toContain('first_use_of_destination');
    expect(await s.send({ type: 'popup/seen' }, fromPage('/popup.html'))).toEqual({ ok: true });
    expect((await badge()).text).toBe('');
    expect((await s.popup()).lastSeenAt).toBe(s.clock.now);
  });

  it('lets no tab reach the popup and options handlers, and no other extension reach any', async () => {
    const s = setup();
    await s.start();
    expect(s.service.onMessage({ type: 'popup/get-state' }, fromTab('https://evil.example/'))).toBeUndefined();
    expect(s.service.onMessage({ type: 'options/requeue-dead-letters' }, fromTab('https://evil.example/'))).toBeUndefined();
    expect(
      s.service.onMessage({ type: 'popup/get-state' }, { id: 'another-extension', url: 'chrome-extension://another-extension/popup.html' }),
    ).toBeUndefined();
  });

  it('hides the event list when the policy says so', async () => {
    await fakeBrowser.storage.managed.set({ showEventList: false });
    const s = setup();
    await s.start();
    await s.upload();
    expect(await s.popup()).toMatchObject({ showEventList: false, events: [] });
    expect((await badge()).text).toBe('1');
  });
});

describe('delivery', () => {
  it('forwards each upload to the managed backend with its token, gzip-compressed', async () => {
    await fakeBrowser.storage.managed.set({ backendUrl: BACKEND, backendToken: 'ingest-token' });
    const s = setup();
    await s.start();
    await s.upload('a.pdf');
    await s.upload('b.pdf');
    expect(s.requests.map((r) => r.url)).toEqual([BACKEND, BACKEND]);
    const headers = s.requests[0]!.init.headers as Record<string, string>;
    expect(headers).toMatchObject({ Authorization: 'Bearer ingest-token', 'Content-Encoding': 'gzip', 'Content-Type': 'application/json' });
    expect(s.requests.flatMap((r) => eventsIn(r.init).map((e) => e.file.name))).toEqual(['a.pdf', 'b.pdf']);
    expect((await s.popup()).delivery).toMatchObject({ configured: true, queued: 0, lastSuccessAt: s.clock.now });
    expect(await alarmNamed(RETRY_ALARM)).toBeUndefined();
  });

  it('keeps events while the backend fails and retries on the alarm until they are delivered', async () => {
    await fakeBrowser.storage.managed.set({ backendUrl: BACKEND });
    let status = 503;
    const s = setup(() => ({ status }));
    await s.start();
    await s.upload();
    expect((await s.popup()).delivery).toMatchObject({ queued: 1, lastError: 'backend answered HTTP 503' });
    expect(await alarmNamed(RETRY_ALARM)).toMatchObject({ periodInMinutes: 1 });
    status = 200;
    s.clock.now += 10 * 60_000; // past the backoff
    await s.alarm(RETRY_ALARM);
    expect((await s.popup()).delivery).toMatchObject({ queued: 0 });
    expect(await alarmNamed(RETRY_ALARM)).toBeUndefined();
  });

  it('resends the events the backend refused when the admin asks, from the options page', async () => {
    await fakeBrowser.storage.managed.set({ backendUrl: BACKEND, backendFormat: 'splunk_hec' });
    let status = 401;
    const s = setup(() => ({ status, body: status === 401 ? '{"text":"Invalid token","code":4}' : '{"text":"Success","code":0}' }));
    await s.start();
    await s.upload();
    expect((await s.options()).delivery).toMatchObject({ format: 'splunk_hec', deadLetters: 1, queued: 0 });
    status = 200;
    expect(await s.send({ type: 'options/requeue-dead-letters' }, fromPage('/options.html'))).toEqual({ requeued: 1 });
    expect((await s.options()).delivery).toMatchObject({ deadLetters: 0, queued: 0 });
    expect(s.requests.at(-1)!.url).toBe('https://upwatch.acme.example/api/v1/events/services/collector/event');
  });
});

describe('the configuration', () => {
  it('is read once, and read again exactly when the managed policy changes', async () => {
    await fakeBrowser.storage.managed.set({ retentionDays: 10 });
    const s = setup();
    await s.start();
    expect(await s.option('retentionDays')).toMatchObject({ value: '10', source: 'managed' });
    await fakeBrowser.storage.managed.set({ retentionDays: 20 });
    // Still cached: nothing said the policy changed.
    expect(await s.option('retentionDays')).toMatchObject({ value: '10' });
    s.service.onManagedChanged();
    await s.service.idle();
    expect(await s.option('retentionDays')).toMatchObject({ value: '20', source: 'managed' });
  });

  it('shows a bad managed value on the badge and the options page, and keeps its last good value', async () => {
    await fakeBrowser.storage.managed.set({ backendUrl: BACKEND });
    const s = setup();
    await s.start();
    await fakeBrowser.storage.managed.set({ backendUrl: 'ftp://nope' });
    s.service.onManagedChanged();
    await s.service.idle();
    expect(await badge()).toEqual({ text: '!', title: 'Upwatch: policy error in backendUrl' });
    const state = await s.options();
    expect(state.errors).toEqual([expect.objectContaining({ key: 'backendUrl', source: 'managed' })]);
    expect(state.keys.find((k) => k.key === 'backendUrl')).toMatchObject({ value: JSON.stringify(BACKEND), locked: true });
  });

  it('syncs settings on start and on the sync alarm, and applies what changed', async () => {
    await fakeBrowser.storage.managed.set({ settingsSyncUrl: SYNC_URL, backendToken: 'ingest-token' });
    let settings: Record<string, unknown> = { retentionDays: 7 };
    let etag = '"v1"';
    const s = setup((url) =>
      url === SYNC_URL ? { status: 200, body: JSON.stringify({ settings, clientIp: '203.0.113.9' }), headers: { ETag: etag } } : { status: 200 },
    );
    await s.start();
    // The default interval, since the policy sets none.
    expect(await alarmNamed(SYNC_ALARM)).toMatchObject({ periodInMinutes: 15 });
    expect((s.requests[0]!.init.headers as Record<string, string>).Authorization).toBe('Bearer ingest-token');
    expect(await s.option('retentionDays')).toMatchObject({ value: '7', source: 'synced' });
    settings = { retentionDays: 9, showEventList: false };
    etag = '"v2"';
    await s.alarm(SYNC_ALARM);
    expect(await s.option('retentionDays')).toMatchObject({ value: '9', source: 'synced' });
    expect((await s.popup()).showEventList).toBe(false);
  });

  it('stops syncing when the admin removes the sync URL', async () => {
    await fakeBrowser.storage.managed.set({ settingsSyncUrl: SYNC_URL });
    const s = setup((url) => (url === SYNC_URL ? { status: 200, body: JSON.stringify({ settings: { retentionDays: 7 } }) } : { status: 200 }));
    await s.start();
    expect(await s.option('retentionDays')).toMatchObject({ source: 'synced' });
    await fakeBrowser.storage.managed.remove('settingsSyncUrl');
    s.service.onManagedChanged();
    await s.service.idle();
    expect(await alarmNamed(SYNC_ALARM)).toBeUndefined();
    expect(await s.option('retentionDays')).toMatchObject({ value: '30', source: 'default' });
  });
});

describe('housekeeping', () => {
  it('deletes events past the retention period on the activity alarm, and samples activity', async () => {
    await fakeBrowser.storage.managed.set({ retentionDays: 2 });
    const s = setup();
    await s.start();
    await s.upload('old.pdf');
    s.clock.now += DAY;
    await s.upload('new.pdf');
    s.clock.now += 1.5 * DAY;
    await s.alarm(ACTIVITY_ALARM);
    expect((await s.popup()).events.map((e) => e.file.name)).toEqual(['new.pdf']);
    expect(fakeBrowser.idle.queryState).toHaveBeenCalledWith(300);
  });

  it('traces an upload to the download it came from', async () => {
    const item = {
      id: 42,
      url: 'https://wd5.myworkday.com/acme/export/payroll.pdf',
      filename: '/home/ana/Downloads/payroll.pdf',
      fileSize: 8,
      startTime: '2026-11-23T09:00:00.000Z',
      endTime: '2026-11-23T09:00:01.000Z',
      state: 'complete',
    };
    vi.spyOn(fakeBrowser.downloads, 'search').mockResolvedValue([item] as never);
    const s = setup();
    await s.start();
    s.service.onDownloadCreated(item);
    s.service.onDownloadChanged({ id: 42, state: { current: 'complete' } });
    await s.service.idle();
    await s.upload('payroll.pdf');
    expect((await s.popup()).events[0]!.source).toMatchObject({ category: 'hr', serviceId: 'workday' });
  });
});

describe('the background entrypoint', () => {
  it('registers every listener in main() and routes browser events to the service', async () => {
    for (const event of [fakeBrowser.downloads.onCreated, fakeBrowser.downloads.onChanged]) vi.spyOn(event, 'addListener').mockImplementation(() => undefined);
    // The entrypoint builds its own service on the real clock; only the wiring is under test here.
    background.main();
    expect(fakeBrowser.runtime.onMessage.hasListeners()).toBe(true);
    expect(fakeBrowser.alarms.onAlarm.hasListeners()).toBe(true);
    expect(fakeBrowser.storage.onChanged.hasListeners()).toBe(true);
    expect(fakeBrowser.downloads.onCreated.addListener).toHaveBeenCalledTimes(1);
    expect(fakeBrowser.downloads.onChanged.addListener).toHaveBeenCalledTimes(1);
    const ask = async (type: string, path: string) => (await fakeBrowser.runtime.onMessage.trigger({ type }, fromPage(path), () => undefined))[0];
    expect(PopupState.parse(await ask('popup/get-state', '/popup.html'))).toMatchObject({ events: [] });
    // A managed-policy change reaches the service through storage.onChanged.
    await fakeBrowser.storage.managed.set({ backendFormat: 'ocsf' });
    await expect.poll(async () => OptionsState.parse(await ask('options/get-state', '/options.html')).delivery.format).toBe('ocsf');
  });
});
