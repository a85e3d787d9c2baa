/**
 * The ISOLATED-world observer's shell: in the top frame at document_start, in a subframe when the
 * background injects it (src/content/observer-frames.ts; see src/content/content-scripts.ts).
 */
import { newActionId } from '../action-id';
import { runtimeSender } from '../extension-runtime';
import { CORE_GLOBAL, type StartCore } from '../observer-api';
import { startUploadObserver } from '../observer';
import { scriptLoader } from '../response/module-loader';
import { shadowRootGetter } from '../shadow-roots';

// Injected again into a frame that has it (a sweep of every frame, a frame that asked twice): once
// per frame. This global lives in the extension's isolated world, never the page's.
const started = globalThis as { __upwatchObserver?: true };
if (!started.__upwatchObserver) {
  started.__upwatchObserver = true;
  startUploadObserver(window, {
    send: runtimeSender(),
    loadCore: scriptLoader<StartCore>('/observer-core.js', CORE_GLOBAL, (start) => typeof start === 'function'),
    shadowRootOf: shadowRootGetter(),
    newActionId,
    now: () => performance.now(),
  });
}
