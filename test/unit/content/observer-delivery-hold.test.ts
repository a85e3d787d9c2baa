// Chromium drops a report whose frame is gone before the extension's worker took it (issue 15 item
// 5): while the background has not answered the frame lately, the page's listeners get a file
// input's event once the report was taken, given back by the MAIN world (played here at the
// bridge: happy-dom has no DataTransfer to rebuild the files with). One observer for the file:
// every observer started on this window would listen.
import { describe, expect, it } from 'vitest';
import { BRIDGE } from '../../../src/content/bridge-protocol';
import { startUploadObserver } from '../../../src/content/observer';
import type { ObserverCore, ObserverDeps } from '../../../src/content/observer-api';
import { fakeMainSide } from '../support/main-side';

type Sent = Parameters<ObserverDeps['send']>[0];

const sent: Sent[] = [];
let answering = false;
let take!: () => void;
const taken = new Promise<void>((resolve) => (take = resolve));
const main = fakeMainSide();
/** The MAIN world's side of the bridge: hooks in place (pong), and a held event given back (release). */
const given: string[] = [];
main.onHello((node) => {
  node.addEventListener(BRIDGE.ping, () => node.dispatchEvent(new CustomEvent(BRIDGE.pong, { detail: '' })));
  node.addEventListener(BRIDGE.release, (release) => {
    const target = (release as SubmitEvent).submitter!;
    given.push((target as HTMLInputElement).type);
    target.dispatchEvent(new Event('change', { bubbles: true }));
  });
});

startUploadObserver(window, {
  send: (message) => {
    sent.push(message);
    return answering ? Promise.resolve({}) : new Promise(() => undefined);
  },
  loadCore: async () => () => ({ heads: () => taken }) as unknown as ObserverCore,
  shadowRootOf: main.shadowRootOf,
  newActionId: () => `action-${sent.length}`,
  now: () => 0,
});

function fileInput(seen: string[]) {
  const input = document.createElement('input');
  input.type = 'file';
  document.body.append(input);
  input.addEventListener('change', () => seen.push(Array.from(input.files ?? [], (f) => f.name).join()));
  return input;
}

/** A pick the page's own script makes: files set, then an untrusted change. */
function pick(input: HTMLInputElement, name: string) {
  const dt = new DataTransfer();
  dt.items.add(new File(['id,iban\n1,DE00\n'], name, { type: 'text/csv' }));
  input.files = dt.files;
  input.dispatchEvent(new Event('change', { bubbles: true }));
}

const reports = () => sent.filter((m) => m.type === 'upload/observed');

describe('a file event while the worker may be asleep', () => {
  it('reaches the page once the report was taken, once, with its files', async () => {
    const seen: string[] = [];
    const input = fileInput(seen);
    pick(input, 'ledger.csv');
    // Reported at once; the page's handler (which could remove the frame) has not run.
    expect(reports()).toHaveLength(1);
    expect(seen).toEqual([]);
    // The same selection again while it waits (an `input` then a `change`) waits with it.
    input.dispatchEvent(new Event('change', { bubbles: true }));
    expect(seen).toEqual([]);
    take();
    await expect.poll(() => seen).toEqual(['ledger.csv']);
    expect(given).toEqual(['file']);
    expect(reports()).toHaveLength(1);
  });

  it('reaches the page at once when the background answered the frame lately', async () => {
    answering = true;
    sent.length = 0;
    const seen: string[] = [];
    const input = fileInput(seen);
    pick(input, 'first.csv');
    // The first is given back after its report was taken (the core's heads, settled above).
    await expect.poll(() => seen).toEqual(['first.csv']);
    pick(input, 'second.csv');
    expect(seen).toEqual(['first.csv', 'second.csv']);
    expect(given).toEqual(['file', 'file']);
    expect(reports()).toHaveLength(2);
  });
});
