// The dialog's guard (issue 14): while a dialog is shown, a page's script that removes its host,
// rewrites the host's attributes, moves it or replaces <html> sees it put back at once; a page that
// fights back in a loop gets a bounded number of repairs and the tab keeps running; once the dialog
// is answered the guard lets the host go.
import { afterEach, describe, expect, it } from 'vitest';
import { guardDialog } from '../../../src/content/response/dialog-guard';

const STYLE = 'display: block !important';
const stops: (() => void)[] = [];

function shown(maxRepairsPerSecond = 10) {
  const host = document.createElement('upwatch-0123456789ab');
  host.setAttribute('style', STYLE);
  const box = document.createElement('dialog');
  host.attachShadow({ mode: 'closed' }).append(box);
  document.documentElement.append(host);
  box.showModal();
  const state = { host, box, remounts: 0, reopened: 0 };
  const stop = guardDialog(
    {
      doc: document,
      hostStyle: STYLE,
      modal: true,
      current: () => state,
      remount: () => {
        state.remounts++;
        document.documentElement.append(state.host);
      },
      reopen: () => {
        if (box.open) box.close();
        box.showModal();
        state.reopened++;
      },
    },
    { maxRepairsPerSecond },
  );
  stops.push(stop);
  return { state, stop };
}

const settled = () => new Promise((r) => setTimeout(r, 0));

afterEach(() => {
  for (const stop of stops.splice(0)) stop();
  document.documentElement.querySelectorAll(':scope > *:not(head):not(body)').forEach((el) => el.remove());
});

describe('the dialog guard', () => {
  it('puts a removed host back on <html>, and one moved into the page', async () => {
    const { state } = shown();
    state.host.remove();
    await settled();
    expect(state.host.parentNode).toBe(document.documentElement);
    document.body.append(state.host);
    await settled();
    expect(state.host.parentNode).toBe(document.documentElement);
    expect(state.box.open).toBe(true);
  });

  it('gives the host back its style and takes away the attributes a page adds', async () => {
    const { state } = shown();
    state.host.setAttribute('style', 'display:none !important');
    state.host.setAttribute('inert', '');
    state.host.hidden = true;
    await settled();
    expect(state.host.getAttributeNames()).toEqual(['style']);
    expect(state.host.getAttribute('style')).toBe(STYLE);
  });

  it('re-opens a dialog the page closed by taking it out, and gives the focus back', async () => {
    const { state } = shown();
    state.host.remove();
    state.box.close();
    await settled();
    expect(state.box.open).toBe(true);
    expect(state.reopened).toBeGreaterThan(0);
  });

  it('goes back on top when the page opens a modal dialog of its own, not for other elements opening', async () => {
    const { state } = shown();
    const details = document.createElement('details');
    document.body.append(details);
    details.open = true;
    await settled();
    expect(state.reopened).toBe(0);
    const cover = document.createElement('dialog');
    document.body.append(cover);
    cover.showModal();
    await settled();
    // Closed and shown again: last in the top layer, above the page's, with the focus back inside.
    expect(state.reopened).toBe(1);
    expect(state.box.open).toBe(true);
    cover.remove();
    details.remove();
  });

  it('mounts again on a new <html> when the page replaces it', async () => {
    const { state } = shown();
    const old = document.documentElement;
    const fresh = document.createElement('html');
    fresh.append(document.createElement('head'), document.createElement('body'));
    document.removeChild(old); // what replaceWith does (happy-dom's replaceWith refuses a second root)
    document.appendChild(fresh);
    try {
      await settled();
      expect(state.remounts).toBe(1);
      expect(state.host.parentNode).toBe(fresh);
    } finally {
      document.removeChild(fresh);
      document.appendChild(old);
      await settled();
    }
  });

  it('a page removing the host in a loop gets a bounded number of repairs, and the tab runs on', async () => {
    const { state } = shown(5);
    let removals = 0;
    const page = new MutationObserver(() => {
      if (state.host.isConnected) {
        removals++;
        state.host.remove();
      }
    });
    page.observe(document.documentElement, { childList: true });
    state.host.remove();
    await settled(); // a timer runs: the microtasks did not loop forever
    page.disconnect();
    expect(removals).toBeGreaterThan(0);
    expect(removals).toBeLessThanOrEqual(5);
    expect(state.host.isConnected).toBe(false);
  });

  it('lets the host go once stopped (the dialog was answered)', async () => {
    const { state, stop } = shown();
    stop();
    state.host.remove();
    await settled();
    expect(state.host.isConnected).toBe(false);
  });
});
