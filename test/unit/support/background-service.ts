/**
 * The background service as the unit tests build and drive it on WXT's fakeBrowser: the platform
 * answers it asks for at start, a service with injected fetch, clock and ids, the senders the
 * browser stamps, and the picker message a content script sends.
 */
import { vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { MessageSenderLike } from '../../../src/background/messaging';
import { createBackgroundService, type BackgroundService } from '../../../src/background/service';
import { sampleId } from './sample-event';

/** A Monday, 10:00 UTC: inside the default working hours. */
export const MONDAY_AT_WORK = Date.parse('2026-11-23T10:00:00Z');

/** What fakeBrowser leaves unimplemented (WXT docs: stub them). Call in beforeEach; vi.restoreAllMocks undoes it. */
export function mockBrowserPlatform(): void {
  vi.spyOn(fakeBrowser.runtime, 'getManifest').mockReturnValue({ manifest_version: 3, name: 'Upwatch', version: '0.1.0' });
  vi.spyOn(fakeBrowser.runtime, 'getPlatformInfo').mockResolvedValue({ os: 'linux', arch: 'x86-64', nacl_arch: 'x86-64' } as never);
  vi.spyOn(fakeBrowser.idle, 'queryState').mockResolvedValue('active' as never);
}

/** Event ids sampleId(from + 1), sampleId(from + 2), … */
export function idCounter(from = 0): () => string {
  let n = from;
  return () => sampleId(++n);
}

/**
 * A service on its own database (`dbName`; services given the same name share it, as worker
 * restarts do), no random jitter, the time zone UTC, and ids from `newId` (a fresh idCounter).
 */
export function testService(deps: { fetch: typeof fetch; now: () => number; dbName: string; newId?: () => string }): BackgroundService {
  return createBackgroundService({ fetch: deps.fetch, now: deps.now, random: () => 0, newId: deps.newId ?? idCounter(), dbName: deps.dbName, timeZone: 'UTC' });
}

/** A content script's sender in a tab showing `url` (its top frame), as the browser stamps it. */
export const fromTab = (url: string, title = '', tabId?: number) => ({
  id: fakeBrowser.runtime.id,
  tab: { ...(tabId !== undefined && { id: tabId }), url, title },
  frameId: 0,
  url,
});

/** One of the extension's own pages (`/popup.html`, `/options.html`). */
export const fromPage = (path: string) => ({ id: fakeBrowser.runtime.id, url: fakeBrowser.runtime.getURL(path) });

/** Sends as the browser would, then waits for the work the message set off. */
export async function sendSettled(service: BackgroundService, message: unknown, sender: MessageSenderLike): Promise<unknown> {
  const reply = await service.onMessage(message, sender);
  await service.idle();
  return reply;
}

export interface PickedFile {
  name: string;
  /** Defaults: an 8-byte PDF. */
  size?: number;
  mime?: string;
  head?: string;
}

/** The `upload/observed` message for a trusted pick of `files`; `hold` when the page holds them for a decision. */
export const observedPick = (actionId: string, files: PickedFile[], hold = false) => ({
  type: 'upload/observed',
  actionId,
  channel: 'file_picker',
  trustedEvent: true,
  ...(hold && { hold: true }),
  files: files.map((f) => ({ name: f.name, size: f.size ?? 8, mimeType: f.mime ?? 'application/pdf', headBase64: btoa(f.head ?? '%PDF-1.7') })),
});
