import { browser } from 'wxt/browser';
import { OptionsState } from '../../src/core/schema/messages';
import { renderOptions } from '../../src/ui/options-view';

async function main() {
  const state = OptionsState.parse(await browser.runtime.sendMessage({ type: 'options/get-state' }));
  renderOptions(document, state);
  document.body.dataset.ready = 'true';
}

void main();
