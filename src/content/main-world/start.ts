/** The MAIN-world script's one call: bridge first, then the hooks, then toString's disguise. */
import { connectMainBridge } from './bridge';
import { disguiseToString } from './disguise';
import { installHooks } from './hooks';

export function startPageHooks(win: Window & typeof globalThis): void {
  try {
    installHooks(win, connectMainBridge(win.document));
    disguiseToString();
  } catch {
    // A page that is not a normal document (an XML viewer, a stripped-down frame): nothing to hook.
  }
}
