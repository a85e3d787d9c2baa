/**
 * The least that issue 13's item 1 asks of every frame at document_start, as a baseline for the
 * cost benches: a MAIN-world script that wraps each function on the issue's list with a
 * pass-through (same name and length, toString disguised) and does nothing else. No natives
 * captured for later, no bridge, no listeners, no observer. bench/page-load runs it with
 * Upwatch's content-script entries (the ISOLATED one empty) as `bare-wraps`; bench/frame-start
 * times it beside Upwatch's scripts. Whatever it costs, any implementation of the issue's hooks
 * pays at least that on this browser.
 */
export const BARE_WRAPS_SOURCE = `(() => {
  'use strict';
  const { apply, defineProperty, getOwnPropertyDescriptor } = Reflect;
  const originals = new WeakMap();
  const wrap = (owner, key) => {
    const own = owner && getOwnPropertyDescriptor(owner, key);
    if (!own || typeof own.value !== 'function') return;
    const original = own.value;
    const wrapper = { [key](...args) { return apply(original, this, args); } }[key];
    defineProperty(wrapper, 'length', { value: original.length });
    originals.set(wrapper, original);
    defineProperty(owner, key, { ...own, value: wrapper });
  };
  const w = window;
  wrap(w.Element && Element.prototype, 'attachShadow');
  wrap(w.HTMLElement && HTMLElement.prototype, 'click');
  wrap(w.HTMLInputElement && HTMLInputElement.prototype, 'showPicker');
  wrap(w, 'showOpenFilePicker');
  wrap(w, 'showDirectoryPicker');
  wrap(w.DataTransferItem && DataTransferItem.prototype, 'getAsFileSystemHandle');
  wrap(w, 'fetch');
  wrap(w.XMLHttpRequest && XMLHttpRequest.prototype, 'send');
  wrap(w.Navigator && Navigator.prototype, 'sendBeacon');
  wrap(w.WebSocket && WebSocket.prototype, 'send');
  wrap(w.Blob && Blob.prototype, 'slice');
  for (const key of ['open', 'write', 'writeln']) wrap(Document.prototype, key);
  const toString = Function.prototype.toString;
  const disguised = { toString() { return apply(toString, originals.get(this) ?? this, []); } }.toString;
  defineProperty(Function.prototype, 'toString', { ...getOwnPropertyDescriptor(Function.prototype, 'toString'), value: disguised });
})();
`;
