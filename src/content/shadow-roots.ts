/**
 * Reaching closed shadow roots from a content script differs per browser:
 * - Chrome: chrome.dom.openOrClosedShadowRoot(element) (content scripts only).
 *   https://developer.chrome.com/docs/extensions/reference/api/dom
 * - Firefox: element.openOrClosedShadowRoot, exposed to content scripts through Xray wrappers.
 *   https://developer.mozilla.org/en-US/docs/Mozilla/Add-ons/WebExtensions/API/dom/openOrClosedShadowRoot
 */
type ShadowRootGetter = (element: Element) => ShadowRoot | null;

/** Resolved on the first call (a shadow root announced, an interaction), not at document_start. */
export function shadowRootGetter(): ShadowRootGetter {
  let getter: ShadowRootGetter | undefined;
  return (element) => (getter ??= resolveShadowRootGetter())(element);
}

function resolveShadowRootGetter(): ShadowRootGetter {
  const chromeDom = (globalThis as { chrome?: { dom?: { openOrClosedShadowRoot?: ShadowRootGetter } } }).chrome?.dom;
  if (typeof chromeDom?.openOrClosedShadowRoot === 'function') {
    const get = chromeDom.openOrClosedShadowRoot.bind(chromeDom);
    return (el) => {
      try {
        return el instanceof HTMLElement ? get(el) : el.shadowRoot;
      } catch {
        return el.shadowRoot;
      }
    };
  }
  return (el) => (el as Element & { openOrClosedShadowRoot?: ShadowRoot | null }).openOrClosedShadowRoot ?? el.shadowRoot;
}
