import { browser } from 'wxt/browser';
import { OptionsState } from '../../src/core/schema/messages';
import { renderOptions } from '../../src/ui/options-view';

async function render() {
  const state = OptionsState.parse(await browser.runtime.sendMessage({ type: 'options/get-state' }));
  renderOptions(document, state);
}

async function requeueDeadLetters() {
  await browser.runtime.sendMessage({ type: 'options/requeue-dead-letters' });
  await render();
}

async function main() {
  // A click handler cannot be awaited; a failed resend shows in this page's console.
  document.getElementById('requeue')!.addEventListener('click', () => void requeueDeadLetters());
  await render();
  document.body.dataset.ready = 'true';
}

void main();
