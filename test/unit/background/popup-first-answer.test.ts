// @vitest-environment node
/**
 * Issue 15, item 12: the first popup after a browser start shows the stored events at once, shaped
 * by the last known settings, while the browser's first managed-policy read is still pending (it
 * answers seconds after launch); what needs the settings fills in when the read answers.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { PopupState } from '../../../src/core/schema/messages';
import { fromPage, fromTab, idCounter, mockBrowserPlatform, MONDAY_AT_WORK, observedPick, sendSettled, testService } from '../support/background-service';

const BACKEND = 'https://upwatch.acme.example/api/v1/events';
let dbCounter = 0;

/** One browser profile: services started on it share its database, as worker restarts do. */
function profile() {
  const dbName = `popup-first-answer-${++dbCounter}`;
  const newId = idCounter();
  return () =>
    testService({
      fetch: (async () => new Response('{}', { status: 200 })) as unknown as typeof fetch,
      now: () => MONDAY_AT_WORK,
      dbName,
      newId,
    });
}

type Service = ReturnType<ReturnType<typeof profile>>;
const popup = async (service: Service, provisional?: boolean) =>
  PopupState.parse(await service.onMessage({ type: 'popup/get-state', ...(provisional && { provisional }) }, fromPage('/popup.html')));

async function uploadOn(service: Service, name: string): Promise<void> {
  await sendSettled(service, observedPick(`act-${name}`, [{ name }]), fromTab('https://www.dropbox.com/home', 'Dropbox'));
}

/** The browser's managed-policy read, held until the test lets it answer (as ~4.7 s after a real launch). */
function holdManagedRead() {
  let release!: () => void;
  const answered = new Promise<void>((resolve) => (release = resolve));
  const real = fakeBrowser.storage.managed.get.bind(fakeBrowser.storage.managed) as () => Promise<Record<string, unknown>>;
  vi.spyOn(fakeBrowser.storage.managed, 'get').mockImplementation((() => answered.then(() => real())) as never);
  return release;
}

beforeEach(() => {
  mockBrowserPlatform();
});
afterEach(() => {
  vi.restoreAllMocks();
  fakeBrowser.reset();
});

describe('the first popup after a browser start', () => {
  it('lists the stored events before the managed policy is read, then fills in what needs it', async () => {
    const start = profile();
    await fakeBrowser.storage.managed.set({ backendUrl: BACKEND, backendToken: 'ingest-token' });
    const before = start();
    await uploadOn(before, 'before-restart.pdf');

    // The browser starts again: its first managed-policy read is slow, and now holds a bad value too.
    await fakeBrowser.storage.managed.set({ backendUrl: BACKEND, backendToken: 'ingest-token', retentionDays: 'many' });
    const release = holdManagedRead();
    const after = start();
    const first = await popup(after, true);
    expect(first.provisional).toBe(true);
    expect(first.events.map((e) => e.file.name)).toEqual(['before-restart.pdf']);
    // The last known settings say where events go; policy errors wait for the real read.
    expect(first.delivery).toMatchObject({ configured: true, format: 'native' });
    expect(first.policyErrors).toEqual([]);

    const full = popup(after);
    release();
    const settled = await full;
    expect(settled.provisional).toBeUndefined();
    expect(settled.events.map((e) => e.file.name)).toEqual(['before-restart.pdf']);
    expect(settled.policyErrors.map((e) => e.key)).toContain('retentionDays');
  });

  it('keeps a hidden list hidden meanwhile: the last known policy hides it', async () => {
    const start = profile();
    await fakeBrowser.storage.managed.set({ showEventList: false });
    const before = start();
    await uploadOn(before, 'private.pdf');
    holdManagedRead();
    const first = await popup(start(), true);
    expect(first).toMatchObject({ provisional: true, showEventList: false, events: [] });
  });

  it('answers with the real settings, not provisionally, once they are loaded', async () => {
    const start = profile();
    await fakeBrowser.storage.managed.set({ backendUrl: BACKEND });
    const service = start();
    await uploadOn(service, 'loaded.pdf');
    const answer = await popup(service, true);
    expect(answer.provisional).toBeUndefined();
    expect(answer.events.map((e) => e.file.name)).toEqual(['loaded.pdf']);
  });
});
