// @vitest-environment node
/**
 * Issue 15, item 12: the first popup after a browser start shows the stored events at once, shaped
 * by the last known settings, while the browser's first managed-policy read is still pending (it
 * answers seconds after launch); what needs the settings fills in when the read answers.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { createBackgroundService } from '../../../src/background/service';
import { PopupState } from '../../../src/core/schema/messages';
import { sampleId } from '../support/sample-event';

const BACKEND = 'https://upwatch.acme.example/api/v1/events';
let dbCounter = 0;

/** One browser profile: services started on it share its database, as worker restarts do. */
function profile() {
  const dbName = `popup-first-answer-${++dbCounter}`;
  let id = 0;
  return () =>
    createBackgroundService({
      fetch: (async () => new Response('{}', { status: 200 })) as unknown as typeof fetch,
      now: () => Date.parse('2026-11-23T10:00:00Z'),
      random: () => 0,
      newId: () => sampleId(++id),
      dbName,
      timeZone: 'UTC',
    });
}

type Service = ReturnType<ReturnType<typeof profile>>;
const fromTab = { id: fakeBrowser.runtime.id, tab: { url: 'https://www.dropbox.com/home', title: 'Dropbox' }, frameId: 0, url: 'https://www.dropbox.com/home' };
const fromPopup = () => ({ id: fakeBrowser.runtime.id, url: fakeBrowser.runtime.getURL('/popup.html') });
const popup = async (service: Service, provisional?: boolean) =>
  PopupState.parse(await service.onMessage({ type: 'popup/get-state', ...(provisional && { provisional }) }, fromPopup()));

async function uploadOn(service: Service, name: string): Promise<void> {
  await service.onMessage(
    {
      type: 'upload/observed',
      actionId: `act-${name}`,
      channel: 'file_picker',
      trustedEvent: true,
      files: [{ name, size: 8, mimeType: 'application/pdf', headBase64: btoa('%PDF-1.7') }],
    },
    fromTab,
  );
  await service.idle();
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
  vi.spyOn(fakeBrowser.runtime, 'getManifest').mockReturnValue({ manifest_version: 3, name: 'Upwatch', version: '0.1.0' });
  vi.spyOn(fakeBrowser.runtime, 'getPlatformInfo').mockResolvedValue({ os: 'linux', arch: 'x86-64', nacl_arch: 'x86-64' } as never);
  vi.spyOn(fakeBrowser.idle, 'queryState').mockResolvedValue('active' as never);
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
