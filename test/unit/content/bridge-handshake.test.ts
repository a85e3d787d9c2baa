// The late handshake and the queue of a subframe's MAIN world (src/content/bridge-protocol.ts,
// main-world/bridge.ts, bridge-receiver.ts), both real ends in one document: the ISOLATED world
// arrives after page scripts ran, and a page that forges the handshake neither gets the bridge nor
// blinds the frame. Each test has its own document and meeting target (a frame of its own).
import { beforeAll, describe, expect, it } from 'vitest';
import { BRIDGE, FRAME_REQUEST, type BridgeFiles } from '../../../src/content/bridge-protocol';
import { connectIsolatedBridge, type BridgeHandlers } from '../../../src/content/bridge-receiver';
import type { connectMainBridge as ConnectMainBridge } from '../../../src/content/main-world/bridge';

// Closed roots are opened as an extension context can (chrome.dom.openOrClosedShadowRoot): recorded
// as they are made, before the MAIN world captures attachShadow.
const roots = new WeakMap<Element, ShadowRoot>();
const nativeAttach = Element.prototype.attachShadow;
Element.prototype.attachShadow = function (this: Element, init: ShadowRootInit) {
  const root = nativeAttach.call(this, init);
  roots.set(this, root);
  return root;
};
const openRoot = (element: Element) => roots.get(element) ?? null;
let connectMainBridge: typeof ConnectMainBridge;
beforeAll(async () => {
  ({ connectMainBridge } = await import('../../../src/content/main-world/bridge'));
});

/** A frame: its own document and visualViewport; `top` is this test window (requests are posted to it). */
function frame() {
  const doc = document.implementation.createHTMLDocument('frame');
  return { document: doc, visualViewport: new EventTarget(), top: window } as unknown as Window & typeof globalThis;
}

const claim = (name: string, channel: BridgeFiles['channel'] = 'programmatic'): BridgeFiles => ({
  channel,
  parts: [{ blob: new Blob(['x']), name, size: 1, type: 'text/plain' }],
  ...(channel === 'programmatic' && { sentTo: { url: 'https://upload.example/u', bytes: 1, via: 'fetch' as const } }),
});

type Got = { name: string; hold?: string; trusted?: boolean };
const announced = new WeakMap<Window, Element[]>();

/** The ISOLATED end: records what arrives; answers held claims with `answer`. */
function observer(win: Window, late: boolean, answer: (detail: Got) => 'p' | 'h' | 'a' | 'b' = () => 'p', passes?: BridgeHandlers['passes']) {
  const got: Got[] = [];
  const handlers: BridgeHandlers = {
    ...(passes && { passes }),
    node: (element) => announced.set(win, [...(announced.get(win) ?? []), element]),
    rearm: () => undefined,
    files: (detail) => {
      const d = detail as BridgeFiles & { hold?: string };
      const item = { name: d.parts[0]!.name, ...(d.hold && { hold: d.hold }), ...(d.trusted !== undefined && { trusted: d.trusted }) };
      got.push(item);
      if (d.hold) bridge.verdict(d.hold, answer(item));
    },
  };
  const bridge = connectIsolatedBridge(win, handlers, openRoot, late);
  bridge.connect();
  return { got, bridge };
}

describe('a subframe: the MAIN world first, the observer injected later', () => {
  it('connects, and what waited reaches the observer in order; a waiting send goes on at its verdict', async () => {
    const win = frame();
    const main = connectMainBridge(win, true);
    main.files(claim('script-made.csv'));
    const held = main.ask!(claim('sent-by-fetch.csv'));
    const picked = main.ask!({ ...claim('picked.csv', 'file_picker'), trusted: true });
    expect(held).toBeInstanceOf(Promise);
    const { got } = observer(win, true, (item) => (item.name === 'picked.csv' ? 'h' : 'p'));
    // A send passed (`p`) runs and is then reported as a plain claim; the DOM event's claim is reported by the observer itself.
    expect(got).toEqual([
      { name: 'script-made.csv' },
      { name: 'sent-by-fetch.csv', hold: expect.any(String) },
      { name: 'sent-by-fetch.csv' },
      { name: 'picked.csv', hold: expect.any(String), trusted: true },
    ]);
    await expect(held).resolves.toBe(true);
    let settled = false;
    void (picked as Promise<boolean>).then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
  });

  it('a held DOM event waits for its verdict: blocked stays blocked', async () => {
    const win = frame();
    const main = connectMainBridge(win, true);
    const picked = main.ask!({ ...claim('blocked.csv', 'file_picker'), trusted: true });
    const { bridge, got } = observer(win, true, () => 'h');
    bridge.verdict(got[0]!.hold!, 'b');
    await expect(picked).resolves.toBe(false);
  });

  it('tells the front line at once whether a DOM file event would pass unheld (a dropped folder then reaches the page as it is)', () => {
    const win = frame();
    const main = connectMainBridge(win, true);
    // No observer yet: nothing can say, so the event is stopped.
    expect(main.passes!(true)).toBe(false);
    let planHolds = true;
    const asked: boolean[] = [];
    observer(win, true, undefined, (trusted) => {
      asked.push(trusted);
      return !trusted || !planHolds;
    });
    expect(main.passes!(true)).toBe(false);
    expect(main.passes!(false)).toBe(true);
    planHolds = false;
    expect(main.passes!(true)).toBe(true);
    expect(asked).toEqual([true, false, true]);
  });

  it('a page answering the probe itself is not heard: only the bridge node, which the page cannot reach, answers', () => {
    const win = frame();
    const main = connectMainBridge(win, true);
    observer(win, true, undefined, () => false);
    // The page dispatches made-up verdicts where it can: on the meeting target and the document.
    for (const target of [win.visualViewport!, win.document])
      for (let id = 0; id < 10; id++) target.dispatchEvent(new CustomEvent(BRIDGE.verdict, { detail: `p${id}` }));
    expect(main.passes!(true)).toBe(false);
  });

  it('shadow hosts and file inputs announced before the observer arrives reach it when it does (it must not listen on them a second time)', () => {
    const win = frame();
    const main = connectMainBridge(win, true);
    const host = win.document.createElement('div');
    const input = win.document.createElement('input');
    main.node(host);
    main.node(input);
    observer(win, true);
    expect(announced.get(win)).toEqual([host, input]);
    const later = win.document.createElement('section');
    main.node(later);
    expect(announced.get(win)).toEqual([host, input, later]);
  });

  it("a page flooding made-up claims before the observer arrives cannot push out a person's own pick", () => {
    const win = frame();
    const main = connectMainBridge(win, true);
    for (let i = 0; i < 250; i++) main.files({ ...claim(`flood-${i}.txt`, 'drag_drop'), trusted: false });
    const real = main.ask!({ ...claim('real-pick.csv', 'file_picker'), trusted: true });
    expect(real).toBeInstanceOf(Promise);
    const { got } = observer(win, true);
    expect(got.filter((g) => g.name.startsWith('flood-'))).toHaveLength(200);
    expect(got.at(-1)).toEqual({ name: 'real-pick.csv', hold: expect.any(String), trusted: true });
  });

  it('asks the top frame for its observer, at most once a second', async () => {
    const win = frame();
    // Requests of the frames of earlier tests are delivered first (postMessage is asynchronous).
    await new Promise((resolve) => setTimeout(resolve, 0));
    const requests: unknown[] = [];
    const onMessage = (event: MessageEvent) => requests.push(event.data);
    window.addEventListener('message', onMessage);
    try {
      const main = connectMainBridge(win, true);
      main.request!();
      main.files(claim('a.csv'));
      main.request!();
      await expect.poll(() => requests).toEqual([FRAME_REQUEST]);
    } finally {
      window.removeEventListener('message', onMessage);
    }
  });

  it('after the bound (OBSERVER_WAIT_MS), a waiting send goes on without a verdict; its report still comes with the observer', async () => {
    const win = frame();
    const main = connectMainBridge(win, true);
    const held = main.ask!(claim('late.csv'));
    await expect(held).resolves.toBe(true);
    const { got } = observer(win, true);
    expect(got).toEqual([{ name: 'late.csv' }]);
  });
});

describe('the top frame: the observer at document_start, before or after the MAIN world', () => {
  it('connects when the MAIN world starts after the observer', () => {
    const win = frame();
    const { got } = observer(win, false);
    const main = connectMainBridge(win, false);
    main.files(claim('top.csv'));
    expect(got).toEqual([{ name: 'top.csv' }]);
  });

  it('connects when the MAIN world started first; without an observer nothing is kept or held', () => {
    const win = frame();
    const main = connectMainBridge(win, false);
    main.files(claim('lost.csv'));
    expect(main.ask!(claim('not-held.csv'))).toBe('pass');
    const { got } = observer(win, false);
    main.files(claim('kept.csv'));
    expect(got).toEqual([{ name: 'kept.csv' }]);
  });
});

describe('a page forging the late handshake', () => {
  it('learns D, cannot reach C, and its own D is not taken: the real observer connects', () => {
    const win = frame();
    const doc = win.document;
    const main = connectMainBridge(win, true);
    // The page asks for D as an observer would, and says hello at D.
    const asker = doc.createElement('span');
    let d: Element | null = null;
    asker.addEventListener(BRIDGE.here, (event) => (d = (event as SubmitEvent).submitter));
    win.visualViewport!.dispatchEvent(new SubmitEvent(BRIDGE.ask, { submitter: asker }));
    expect(d).not.toBeNull();
    const pageNode = doc.createElement('span');
    const pageGot: string[] = [];
    pageNode.addEventListener(BRIDGE.files, () => pageGot.push('files'));
    d!.dispatchEvent(new SubmitEvent(BRIDGE.hello, { submitter: pageNode, bubbles: true, composed: true }));
    // Its own D, with a closed root, offered to any observer listening.
    const fake = doc.createElement('span');
    const fakeC = doc.createElement('span');
    fake.attachShadow({ mode: 'closed' }).append(fakeC);
    fakeC.addEventListener(BRIDGE.hello, () => pageGot.push('hello'));
    win.visualViewport!.dispatchEvent(new SubmitEvent(BRIDGE.here, { submitter: fake }));

    main.files(claim('real.csv'));
    expect(pageGot).toEqual([]);
    const { got } = observer(win, true);
    win.visualViewport!.dispatchEvent(new SubmitEvent(BRIDGE.here, { submitter: fake }));
    expect(got).toEqual([{ name: 'real.csv' }]);
    expect(pageGot).toEqual([]);
  });

  it("a page's listener on the meeting target never sees the observer's question", () => {
    const win = frame();
    connectMainBridge(win, true);
    const seen: string[] = [];
    win.visualViewport!.addEventListener(BRIDGE.ask, () => seen.push('ask'));
    observer(win, true);
    expect(seen).toEqual([]);
  });
});
