import { browser } from 'wxt/browser';
import { defineBackground } from 'wxt/utils/define-background';
import { createBackgroundService } from '../src/background/service';

export default defineBackground({
  type: 'module',
  main() {
    // Listeners are registered synchronously at the top of main(): an MV3 worker woken by an
    // event only delivers it to listeners that exist by the end of the first turn.
    const service = createBackgroundService();
    // A listener's promise is its reply (webextension-polyfill's onMessage contract), not a lost
    // promise: the router answers `undefined` for messages it does not handle.
    // eslint-disable-next-line @typescript-eslint/no-misused-promises
    browser.runtime.onMessage.addListener((message, sender) => service.onMessage(message, sender));
    browser.alarms.onAlarm.addListener(service.onAlarm);
    browser.downloads.onCreated.addListener(service.onDownloadCreated);
    browser.downloads.onChanged.addListener(service.onDownloadChanged);
    browser.runtime.onInstalled.addListener(service.onInstalled);
    browser.storage.onChanged.addListener((_changes, area) => {
      if (area === 'managed') service.onManagedChanged();
    });
    void service.start();
  },
});
