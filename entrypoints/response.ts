/**
 * The response module (issue 14): decisions and the dialog, loaded by the observer into its
 * isolated world only where files are held (src/content/response/module-loader.ts).
 */
import { defineUnlistedScript } from 'wxt/utils/define-unlisted-script';
import { createResponseDialog } from '../src/content/response/dialog';
import { responseGate } from '../src/content/response/gate';
import { localMessages } from '../src/content/response/messages';
import { MODULE_GLOBAL, type ResponseModule } from '../src/content/response/module-api';

export default defineUnlistedScript(() => {
  const dialog = createResponseDialog(document, localMessages());
  const module: ResponseModule = { dialog, settle: (plan, held, deps) => responseGate({ ...deps, dialog })(plan, held) };
  (globalThis as Record<string, unknown>)[MODULE_GLOBAL] = module;
});
