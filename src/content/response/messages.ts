/**
 * The dialog's strings from _locales through the extension's i18n (the browser's UI language),
 * without webextension-polyfill: `browser.i18n` in Firefox, `chrome.i18n` in Chromium.
 */
import type { MessageKey, Translate } from './dialog-view';

interface I18nHolder {
  i18n?: { getMessage?: (key: string, substitutions?: string[]) => string };
}

export function localMessages(): Translate {
  const g = globalThis as { browser?: I18nHolder; chrome?: I18nHolder };
  const i18n = [g.browser?.i18n, g.chrome?.i18n].find((x) => typeof x?.getMessage === 'function');
  // A missing message comes back empty: the key is at least something a person can report.
  return (key: MessageKey, substitutions?: string[]) => i18n?.getMessage!(key, substitutions) || key;
}
