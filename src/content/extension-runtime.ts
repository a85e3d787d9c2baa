/**
 * runtime.sendMessage without webextension-polyfill: the content scripts must stay small
 * (issue 13: ≤ 10 KB in every frame) and the polyfill alone is ~10 KB. Both browsers return a
 * promise from the native API in MV3: Firefox on `browser` (and `chrome`), Chromium on `chrome`.
 * Checked for a function: a page element with id="browser" or id="chrome" is a named property
 * of window, in the isolated world too.
 */
type SendMessage = (message: unknown) => Promise<unknown>;
interface RuntimeHolder {
  runtime?: { sendMessage?: SendMessage };
}

export function runtimeSender(): SendMessage {
  let runtime: RuntimeHolder['runtime'];
  return (message) => {
    try {
      // Looked up at the first message, not at document_start: the first touch of an extension API
      // in a frame builds its bindings, a cost every frame would pay for nothing.
      if (!runtime) {
        const g = globalThis as { browser?: RuntimeHolder; chrome?: RuntimeHolder };
        runtime = [g.browser?.runtime, g.chrome?.runtime].find((r) => typeof r?.sendMessage === 'function');
      }
      return runtime ? runtime.sendMessage!(message) : Promise.reject(new Error('no extension runtime'));
    } catch (err) {
      // Chromium throws at once when the extension was reloaded under the page.
      return Promise.reject(err);
    }
  };
}
