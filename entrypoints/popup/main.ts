import { browser } from 'wxt/browser';
import { PopupState } from '../../src/core/schema/messages';
import { renderPopup } from '../../src/ui/popup-view';

const getState = async (provisional: boolean) =>
  PopupState.parse(await browser.runtime.sendMessage({ type: 'popup/get-state', ...(provisional && { provisional }) }));

async function main() {
  // The stored events at once, even while the browser is still reading the managed policy after launch (issue 15, item 12).
  const first = await getState(true);
  renderPopup(document, first, new Date());
  document.body.dataset.ready = 'true';
  await browser.runtime.sendMessage({ type: 'popup/seen' });
  if (first.provisional) {
    // What needs the settings (the list's visibility, policy errors, delivery) fills in when they arrive;
    // what was new stays marked new.
    renderPopup(document, { ...(await getState(false)), lastSeenAt: first.lastSeenAt }, new Date());
  }
  document.body.dataset.settled = 'true';
}

void main();
