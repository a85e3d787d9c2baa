/**
 * Browser differences, each named and explained here rather than scattered through the code.
 */
import { browser } from 'wxt/browser';
import type { FileEvent } from '../core/schema/event';

/**
 * storage.managed.get(): Chrome resolves `{}` when no policy exists; Firefox rejects ("Managed
 * storage manifest not found"). Both mean "no policy".
 * https://bugzilla.mozilla.org/show_bug.cgi?id=1868153
 */
export async function readManagedStorage(): Promise<unknown> {
  try {
    return await browser.storage.managed.get();
  } catch (err) {
    if (err instanceof Error && /manifest not found|not supported|managed storage/i.test(err.message)) return {};
    throw err;
  }
}

/** Firefox answers runtime.getBrowserInfo(); Chromium-based browsers are told apart by user agent. */
export async function describeDevice(): Promise<FileEvent['device']> {
  const extensionVersion = browser.runtime.getManifest().version;
  const platform = await browser.runtime.getPlatformInfo().catch(() => ({ os: 'unknown' }));
  const getBrowserInfo = (browser.runtime as { getBrowserInfo?: () => Promise<{ name: string; version: string }> }).getBrowserInfo;
  if (getBrowserInfo) {
    const info = await getBrowserInfo();
    return { browser: info.name, browserVersion: info.version, os: platform.os, extensionVersion };
  }
  const ua = globalThis.navigator?.userAgent ?? '';
  const edge = /\bEdg\/([\d.]+)/.exec(ua);
  const chrome = /\bChrome\/([\d.]+)/.exec(ua);
  return {
    browser: edge ? 'Edge' : 'Chrome',
    browserVersion: (edge ?? chrome)?.[1] ?? 'unknown',
    os: platform.os,
    extensionVersion,
  };
}

interface ChromeIdentity {
  getProfileUserInfo?: (details: { accountStatus: 'ANY' | 'SYNC' }) => Promise<{ email: string; id: string }>;
}

/**
 * The email of the profile signed in to Chrome (`identity.getProfileUserInfo`, Chrome only; needs
 * the identity and identity.email permissions). Undefined in Firefox, when signed out, or on error.
 */
export async function readProfileEmail(): Promise<string | undefined> {
  const identity = (globalThis as { chrome?: { identity?: ChromeIdentity } }).chrome?.identity;
  if (typeof identity?.getProfileUserInfo !== 'function') return undefined;
  try {
    const info = await identity.getProfileUserInfo({ accountStatus: 'ANY' });
    return info.email ? info.email.slice(0, 320) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The observer into subframes, on demand (frame-injection.ts). `injectImmediately`: it runs now,
 * not at the frame's next idle time (Chromium 102+, Firefox 102+). The file is the one the
 * manifest registers for the top frame; it starts once per frame.
 */
export function injectObserver(tabId: number, frames: number[] | 'all'): Promise<unknown> {
  // WXT types `files` from its own public folder; this file is built by wxt.config.ts's hook.
  const files = ['/upload-observer.js'] as unknown as ScriptPublicPath[];
  return browser.scripting.executeScript({
    target: frames === 'all' ? { tabId, allFrames: true } : { tabId, frameIds: frames },
    files,
    injectImmediately: true,
  });
}
