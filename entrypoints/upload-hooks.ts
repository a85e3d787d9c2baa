/** The MAIN-world hooks, in every frame at document_start (see src/content/content-scripts.ts). */
import { defineUnlistedScript } from 'wxt/utils/define-unlisted-script';
import { startPageHooks } from '../src/content/main-world/start';

export default defineUnlistedScript(() => startPageHooks(window));
