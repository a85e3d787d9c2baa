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
  // When the list showed and when the settings filled in (ms since the popup opened): what e2e reads.
  document.body.dataset.readyAt = String(Math.round(performance.now()));
  // Seen as soon as shown; not waited for (the badge refresh it starts may wait for the settings).
  const seen = browser.runtime.sendMessage({ type: 'popup/seen' });
  if (first.provisional) {
    document.body.dataset.provisional = 'true';
    // What needs the settings (the list's visibility, policy errors, delivery) fills in when they arrive;
    // what was new stays marked new.
    renderPopup(document, { ...(await getState(false)), lastSeenAt: first.lastSeenAt }, new Date());
  }
  document.body.dataset.settled = 'true';
  document.body.dataset.settledAt = String(Math.round(performance.now()));
  await seen;
}

void main();
