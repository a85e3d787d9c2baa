import { browser } from 'wxt/browser';
import { PopupState } from '../../src/core/schema/messages';
import { renderPopup } from '../../src/ui/popup-view';

async function main() {
  const state = PopupState.parse(await browser.runtime.sendMessage({ type: 'popup/get-state' }));
  renderPopup(document, state, new Date());
  document.body.dataset.ready = 'true';
  await browser.runtime.sendMessage({ type: 'popup/seen' });
}

void main();
