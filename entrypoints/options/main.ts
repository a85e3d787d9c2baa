import { browser } from 'wxt/browser';
import { OptionsState } from '../../src/core/schema/messages';
import { renderOptions } from '../../src/ui/options-view';

async function render() {
  const state = OptionsState.parse(await browser.runtime.sendMessage({ type: 'options/get-state' }));
  renderOptions(document, state);
}

async function main() {
  document.getElementById('requeue')!.addEventListener('click', async () => {
    await browser.runtime.sendMessage({ type: 'options/requeue-dead-letters' });
    await render();
  });
  await render();
  document.body.dataset.ready = 'true';
}

void main();
