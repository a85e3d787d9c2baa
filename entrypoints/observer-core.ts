/** The observer's core, imported by the observer into its isolated world the first time a frame needs it (src/content/observer-api.ts). */
import { defineUnlistedScript } from 'wxt/utils/define-unlisted-script';
import { CORE_GLOBAL, type StartCore } from '../src/content/observer-api';
import { startObserverCore } from '../src/content/observer-core';

export default defineUnlistedScript(() => {
  (globalThis as Record<string, unknown>)[CORE_GLOBAL] = startObserverCore satisfies StartCore;
});
