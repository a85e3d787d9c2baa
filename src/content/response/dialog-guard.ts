/**
 * Keeps a shown dialog in the page (issue 14): a page's script can find the host element on <html>
 * (the shadow root is closed, the host is not), remove it, rewrite its attributes, replace <html>,
 * rewrite the document, or open its own modal or popover over ours. The observers and the timer
 * below live in the extension's isolated world, where the page can neither reach nor disconnect
 * them; each repair puts the host back on <html> with only our attributes, re-opens the box in the
 * top layer and gives the focus back to the control that had it. A page fighting back in a loop
 * gets at most `maxRepairsPerSecond` repairs a second, so the tab stays responsive; the files stay
 * held whatever happens, and only the person's trusted click or key answers.
 */

export interface GuardedDialog {
  doc: Document;
  /** The host's one attribute. */
  hostStyle: string;
  modal: boolean;
  /** The current host and box (a remount replaces them). */
  current(): { host: HTMLElement; box: HTMLElement };
  /** Builds a fresh host on the new <html> (a rewritten document has erased the old one's listeners). */
  remount(): void;
  /** Modal: opens the box again, last in the top layer (closing it first if open), the focus back on the control that had it. */
  reopen(): void;
}

export interface GuardOptions {
  maxRepairsPerSecond?: number;
  /** The backstop check: styles from a stylesheet, a cover in a shadow root, a repair put off. */
  checkEveryMs?: number;
}

const matches = (el: Element, selector: string, fallback: boolean) => {
  try {
    return el.matches(selector);
  } catch {
    return fallback; // an engine without the pseudo-class
  }
};

/** A delay the page cannot cancel: `scheduler.postTask` takes no id (a page can clear every timer id). */
export function later(ms: number, run: () => void): void {
  const scheduler = (globalThis as { scheduler?: { postTask?: (cb: () => void, o: { delay: number }) => Promise<void> } }).scheduler;
  if (typeof scheduler?.postTask === 'function') void scheduler.postTask(run, { delay: ms }).catch(() => undefined);
  else setTimeout(run, ms);
}

/** Starts guarding `dialog`; returns the function that stops (call it before removing the host). */
export function guardDialog(dialog: GuardedDialog, options: GuardOptions = {}): () => void {
  const { doc, modal } = dialog;
  const maxRepairs = options.maxRepairsPerSecond ?? 10;
  const checkEveryMs = options.checkEveryMs ?? 1000;
  let stopped = false;
  let root = doc.documentElement;
  let windowStart = 0;
  let repairs = 0;
  let putOff = false;
  let htmlStyle: string | null | undefined; // <html>'s style before we overrode it, when we had to

  const budget = (): boolean => {
    const now = performance.now();
    if (now - windowStart >= 1000) {
      windowStart = now;
      repairs = 0;
    }
    if (repairs < maxRepairs) {
      repairs++;
      return true;
    }
    if (!putOff) {
      putOff = true;
      later(1000 - (now - windowStart), () => {
        putOff = false;
        check(true);
      });
    }
    return false;
  };

  const reopen = (box: HTMLElement, raise: boolean) => {
    if (box instanceof HTMLDialogElement) {
      if (!raise && matches(box, ':modal', box.open)) return;
      dialog.reopen();
    } else if (typeof box.showPopover === 'function') {
      const open = matches(box, ':popover-open', true);
      if (open && !raise) return;
      try {
        if (open) box.hidePopover();
        box.showPopover();
      } catch {
        // Not a popover in this engine: the host's fixed position shows it.
      }
    }
  };

  /** What is wrong with the dialog, if anything. `full`: the costlier checks too (layout). */
  const fault = (full: boolean): 'rewritten' | 'detached' | 'attributes' | 'closed' | 'covered' | 'hidden' | undefined => {
    const { host, box } = dialog.current();
    if (doc.documentElement !== root && doc.documentElement) return 'rewritten';
    if (host.parentNode !== doc.documentElement) return 'detached';
    if (host.attributes.length !== 1 || host.getAttribute('style') !== dialog.hostStyle) return 'attributes';
    if (modal ? !matches(box, ':modal', (box as HTMLDialogElement).open) : !matches(box, ':popover-open', true)) return 'closed';
    if (!full) return undefined;
    if (typeof box.checkVisibility === 'function' && !box.checkVisibility({ visibilityProperty: true })) return 'hidden';
    if (modal) {
      // Another modal above ours (one the attribute observer cannot see: in a page's shadow root) takes the hit.
      const r = box.getBoundingClientRect();
      const hit = doc.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      if (hit && hit !== host) return 'covered';
    }
    return undefined;
  };

  const repair = (what: NonNullable<ReturnType<typeof fault>>) => {
    if (what === 'rewritten') {
      root = doc.documentElement;
      dialog.remount(); // appends a new host and opens it
      observe();
      return;
    }
    const { host, box } = dialog.current();
    if (what === 'hidden') {
      // <html>'s own style (content-visibility: hidden, display: none) hides the top layer too.
      htmlStyle ??= root.getAttribute('style');
      root.style.setProperty('content-visibility', 'visible', 'important');
      root.style.setProperty('display', 'block', 'important');
      return;
    }
    if (host.parentNode !== doc.documentElement) doc.documentElement.append(host);
    for (const name of host.getAttributeNames()) if (name !== 'style') host.removeAttribute(name);
    if (host.getAttribute('style') !== dialog.hostStyle) host.setAttribute('style', dialog.hostStyle);
    reopen(box, what === 'covered');
  };

  const check = (full: boolean, raise = false) => {
    if (stopped || !doc.documentElement) return;
    const what = raise ? 'covered' : fault(full);
    if (what && budget()) repair(what);
  };

  // A page's popover shown over ours: `toggle` does not bubble, but a capturing listener sees it.
  const toggled = (event: Event) => {
    if ((event as ToggleEvent).newState === 'open' && event.target !== dialog.current().host) check(false, true);
  };
  const tree = new MutationObserver(() => check(false));
  // A page's own dialog opening (in its light DOM) would cover ours and make it inert: ours goes back on top.
  const opened = new MutationObserver((records) => {
    if (records.some((r) => r.target instanceof HTMLDialogElement && r.target.open)) check(false, true);
  });
  const observe = () => {
    tree.disconnect();
    opened.disconnect();
    tree.observe(doc, { childList: true });
    if (doc.documentElement) tree.observe(doc.documentElement, { childList: true });
    tree.observe(dialog.current().host, { attributes: true });
    opened.observe(doc, { subtree: true, attributeFilter: ['open'] });
    // Again after a rewrite: document.open() erases the window's listeners too.
    doc.defaultView?.addEventListener('toggle', toggled, true);
  };
  observe();
  const tick = () => {
    if (stopped) return;
    check(true);
    later(checkEveryMs, tick);
  };
  later(checkEveryMs, tick);

  return () => {
    stopped = true;
    tree.disconnect();
    opened.disconnect();
    doc.defaultView?.removeEventListener('toggle', toggled, true);
    if (htmlStyle !== undefined) {
      if (htmlStyle === null) root.removeAttribute('style');
      else root.setAttribute('style', htmlStyle);
    }
  };
}
