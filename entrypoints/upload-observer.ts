/** The ISOLATED-world observer's shell, in every frame at document_start (see src/content/content-scripts.ts). */
import { defineUnlistedScript } from 'wxt/utils/define-unlisted-script';
import { newActionId } from '../src/content/action-id';
import { runtimeSender } from '../src/content/extension-runtime';
import { CORE_GLOBAL, type StartCore } from '../src/content/observer-api';
import { startUploadObserver } from '../src/content/observer';
import { scriptLoader } from '../src/content/response/module-loader';
import { shadowRootGetter } from '../src/content/shadow-roots';

export default defineUnlistedScript(() => {
  startUploadObserver(window, {
    send: runtimeSender(),
    loadCore: scriptLoader<StartCore>('/observer-core.js', CORE_GLOBAL, (start) => typeof start === 'function'),
    shadowRootOf: shadowRootGetter(),
    newActionId,
    now: () => performance.now(),
  });
});
