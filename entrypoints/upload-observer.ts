/** The ISOLATED-world observer, in every frame at document_start (see src/content/content-scripts.ts). */
import { defineUnlistedScript } from 'wxt/utils/define-unlisted-script';
import { newActionId } from '../src/content/action-id';
import { runtimeSender } from '../src/content/extension-runtime';
import { startUploadObserver } from '../src/content/observer';
import { moduleLoader } from '../src/content/response/module-loader';
import { shadowRootGetter } from '../src/content/shadow-roots';

export default defineUnlistedScript(() => {
  const send = runtimeSender();
  startUploadObserver(window, {
    send,
    sendResponse: send,
    responseModule: moduleLoader(),
    shadowRootOf: shadowRootGetter(),
    newActionId,
    now: () => performance.now(),
  });
});
