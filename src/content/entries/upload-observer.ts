/** The ISOLATED-world observer's shell, in every frame at document_start (see src/content/content-scripts.ts). */
import { newActionId } from '../action-id';
import { runtimeSender } from '../extension-runtime';
import { CORE_GLOBAL, type StartCore } from '../observer-api';
import { startUploadObserver } from '../observer';
import { scriptLoader } from '../response/module-loader';
import { shadowRootGetter } from '../shadow-roots';

startUploadObserver(window, {
  send: runtimeSender(),
  loadCore: scriptLoader<StartCore>('/observer-core.js', CORE_GLOBAL, (start) => typeof start === 'function'),
  shadowRootOf: shadowRootGetter(),
  newActionId,
  now: () => performance.now(),
});
