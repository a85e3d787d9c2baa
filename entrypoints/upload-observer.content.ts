import { browser } from 'wxt/browser';
import { defineContentScript } from 'wxt/utils/define-content-script';
import type { UploadObserved } from '../src/core/schema/messages';
import { newActionId } from '../src/content/action-id';
import { startUploadObserver } from '../src/content/observer';
import { shadowRootGetter } from '../src/content/shadow-roots';

export default defineContentScript({
  matches: ['<all_urls>'],
  allFrames: true,
  matchAboutBlank: true,
  matchOriginAsFallback: true,
  runAt: 'document_start',
  world: 'ISOLATED',
  main() {
    startUploadObserver(window, {
      send: (message: UploadObserved) => browser.runtime.sendMessage(message),
      shadowRootOf: shadowRootGetter(),
      newActionId,
      now: Date.now,
    });
  },
});
