// What the hooks read about a send or an opened input goes through getters captured when they
// started (brand checks): a page that later redefines an input's `type`, the document's `baseURI`
// or a socket's `url` neither hides an input it opens by script nor changes where its bytes are
// recorded as going (a page on one host claiming a trusted one).
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BridgeFiles } from '../../../src/content/bridge-protocol';
import { installHooks } from '../../../src/content/main-world/hooks';

const restore: (() => void)[] = [];
afterEach(() => {
  while (restore.length) restore.pop()!();
});

/** Redefines `proto[key]`'s getter as a page would, undone after the test. */
function redefine(proto: object, key: string, get: () => unknown): void {
  const original = Object.getOwnPropertyDescriptor(proto, key)!;
  Object.defineProperty(proto, key, { ...original, get });
  restore.push(() => Object.defineProperty(proto, key, original));
}

/** A socket as the platform has it: its URL behind a brand-checked getter. */
class Socket {
  readonly #url: string;
  constructor(url: string) {
    this.#url = url;
  }
  get url(): string {
    return this.#url;
  }
  send(_data: unknown): void {}
}

function setUp() {
  const sent: BridgeFiles[] = [];
  const bridge = { node: vi.fn(), files: (f: BridgeFiles) => sent.push(f), rearm: vi.fn() };
  const win = { document, WebSocket: Socket, HTMLElement, HTMLInputElement };
  installHooks(win as unknown as Window & typeof globalThis, bridge);
  return { sent, bridge };
}

const file = () => new File(['id,secret\n'], 'export.csv', { type: 'text/csv' });

describe('the hooks read through getters captured at start', () => {
  const { sent, bridge } = setUp();

  it("an input opened by script is announced though the page redefined inputs' type", () => {
    const input = document.createElement('input');
    input.type = 'file';
    redefine(HTMLInputElement.prototype, 'type', () => 'text');
    input.click();
    expect(bridge.node).toHaveBeenCalledWith(input);
  });

  it("a socket's bytes are recorded as going to its real URL, not the one a redefined getter claims", () => {
    const socket = new Socket('wss://files.outside.example/up');
    redefine(Socket.prototype, 'url', () => 'wss://intranet.acme.example/');
    socket.send(file());
    expect(sent.at(-1)).toMatchObject({ channel: 'programmatic', sentTo: { url: 'wss://files.outside.example/up', via: 'websocket' } });
  });

  it("a relative URL resolves against the document's real base, not a redefined baseURI", () => {
    const realBase = document.baseURI;
    // Wherever this DOM defines it for a document (browsers: Node.prototype).
    let owner: object = document;
    while (!Object.hasOwn(owner, 'baseURI')) owner = Object.getPrototypeOf(owner) as object;
    redefine(owner, 'baseURI', () => 'https://intranet.acme.example/');
    expect(document.baseURI).toBe('https://intranet.acme.example/');
    new Socket('/socket').send(file());
    expect(sent.at(-1)!.sentTo!.url).toBe(new URL('/socket', realBase).href);
    expect(sent.at(-1)!.sentTo!.url).not.toContain('intranet.acme.example');
  });
});
