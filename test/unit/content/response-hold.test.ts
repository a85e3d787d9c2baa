// Files sent by script wait for the decision (issue 14, main-world/hold.ts): with nothing held the
// call runs at once, untouched, and is reported after; held, it runs only when allowed, and a blocked
// one fails as the page would see a network error, with the original never called.
import { describe, expect, it, vi } from 'vitest';
import type { BridgeFiles } from '../../../src/content/bridge-protocol';
import type { Verdict } from '../../../src/content/main-world/bridge';
import { holdFileRead, holdSends } from '../../../src/content/main-world/hold';

class FakeXhr {
  static calls: unknown[][] = [];
  open(...args: unknown[]) {
    FakeXhr.calls.push(['open', ...args]);
  }
  send(...args: unknown[]) {
    FakeXhr.calls.push(['send', ...args]);
  }
}

/** The bridge to the isolated world: records what is reported and asked, and answers with `verdict`. */
function fakeBridge(verdict: () => Verdict) {
  const reported: BridgeFiles[] = [];
  const asked: BridgeFiles[] = [];
  const bridge = {
    node: vi.fn(),
    rearm: vi.fn(),
    files: (f: BridgeFiles) => reported.push(f),
    ask: (f: BridgeFiles) => {
      asked.push(f);
      return verdict();
    },
  };
  return { bridge, reported, asked };
}

/**
 * A Request as the platform has it: the URL behind a brand-checked getter, the body only as a stream.
 * (Its URL stays as given: the hooks' resolveUrl of this set-up makes it absolute.)
 */
const fakeRequest = () =>
  class Request {
    readonly #url: string;
    constructor(input: string | Request, _init?: RequestInit) {
      this.#url = typeof input === 'string' ? input : input.url;
    }
    get url(): string {
      return this.#url;
    }
    clone(): Request {
      return new Request(this.#url);
    }
  };

function setUp(verdict: () => Verdict) {
  FakeXhr.calls = [];
  const nativeFetch = vi.fn((..._args: unknown[]) => Promise.resolve('response'));
  const nativeBeacon = vi.fn((..._args: unknown[]) => true);
  const win = {
    fetch: nativeFetch,
    Request: fakeRequest(),
    XMLHttpRequest: FakeXhr,
    Navigator: { prototype: { sendBeacon: nativeBeacon } },
  };
  const { bridge, reported, asked } = fakeBridge(verdict);
  holdSends(win as unknown as Window & typeof globalThis, bridge, (u) => `https://app.example${String(u)}`);
  return { win, nativeFetch, nativeBeacon, reported, asked };
}

const file = () => new File(['secret'], 'ledger.csv', { type: 'text/csv' });
const decided = () => {
  let decide!: (allowed: boolean) => void;
  const verdict = new Promise<boolean>((resolve) => (decide = resolve));
  return { verdict, decide };
};

describe('fetch', () => {
  it('nothing held: runs at once with the same arguments and result, then reports', async () => {
    const { win, nativeFetch, reported, asked } = setUp(() => 'pass');
    const init = { method: 'POST', body: file() };
    const result = win.fetch('/up', init);
    expect(nativeFetch).toHaveBeenCalledWith('/up', init);
    expect(await result).toBe('response');
    expect(asked).toHaveLength(1);
    expect(reported).toEqual([expect.objectContaining({ channel: 'programmatic', sentTo: { url: 'https://app.example/up', bytes: 6, via: 'fetch' } })]);
  });

  it('a body that only looks like a Blob goes to the network untouched: no question, no throw into the page', async () => {
    const { win, nativeFetch, asked } = setUp(() => 'pass');
    const init = { method: 'POST', body: Object.create(Blob.prototype) as Blob };
    await expect(win.fetch('/x', init)).resolves.toBe('response');
    expect(nativeFetch).toHaveBeenCalledWith('/x', init);
    expect(asked).toEqual([]);
  });

  it('a body inside a Request (ky, axios): asked about and reported with the request URL, also through clones and copies', async () => {
    const { verdict, decide } = decided();
    let answer: () => Verdict = () => 'pass';
    const { win, nativeFetch, reported } = setUp(() => answer());
    const RequestCtor = win.Request as unknown as new (input: unknown, init?: RequestInit) => { clone(): unknown };
    const form = new FormData();
    form.append('file', file());
    const request = new RequestCtor('/api/up', { method: 'POST', body: form });
    await win.fetch(request.clone());
    expect(reported).toEqual([expect.objectContaining({ channel: 'programmatic', sentTo: { url: 'https://app.example/api/up', bytes: 6, via: 'fetch' } })]);
    // A copy made from it carries the same body; held, it waits like any other.
    answer = () => verdict;
    const copy = new RequestCtor(new RequestCtor('/api/again', { method: 'POST', body: new File(['other'], 'other.csv') }));
    const result = win.fetch(copy);
    await Promise.resolve();
    expect(nativeFetch).toHaveBeenCalledTimes(1);
    decide(true);
    expect(await result).toBe('response');
    expect(nativeFetch).toHaveBeenCalledTimes(2);
  });

  it("a Request's body given again in init counts, not the one it was made with", async () => {
    const { win, asked } = setUp(() => 'pass');
    const RequestCtor = win.Request as unknown as new (input: unknown, init?: RequestInit) => unknown;
    await win.fetch(new RequestCtor('/up', { method: 'POST', body: file() }), { method: 'POST', body: 'text' });
    expect(asked).toEqual([]);
    const withGetter = {
      method: 'POST',
      get body() {
        return file();
      },
    };
    await win.fetch('/up', withGetter);
    expect(asked).toHaveLength(1);
  });

  it('a body without files is never asked about', async () => {
    const { win, nativeFetch, asked } = setUp(() => 'pass');
    await win.fetch('/x', { method: 'POST', body: 'text' });
    expect(nativeFetch).toHaveBeenCalledTimes(1);
    expect(asked).toEqual([]);
  });

  it('held then allowed: the request starts only after the decision', async () => {
    const { verdict, decide } = decided();
    const { win, nativeFetch, reported } = setUp(() => verdict);
    const result = win.fetch('/up', { method: 'POST', body: file() });
    await Promise.resolve();
    expect(nativeFetch).not.toHaveBeenCalled();
    decide(true);
    expect(await result).toBe('response');
    expect(nativeFetch).toHaveBeenCalledTimes(1);
    // The observer reported a held action itself.
    expect(reported).toEqual([]);
  });

  it('held then blocked: rejects with a TypeError like a network error, and never sends', async () => {
    const { win, nativeFetch } = setUp(() => Promise.resolve(false));
    await expect(win.fetch('/up', { method: 'POST', body: file() })).rejects.toBeInstanceOf(TypeError);
    expect(nativeFetch).not.toHaveBeenCalled();
  });
});

describe('XMLHttpRequest', () => {
  it('held then blocked: fails through a revoked blob: URL, the page body never sent', async () => {
    const { win } = setUp(() => Promise.resolve(false));
    const xhr = new win.XMLHttpRequest();
    xhr.open('POST', '/up');
    xhr.send(file());
    await new Promise((r) => setTimeout(r, 0));
    expect(FakeXhr.calls[0]).toEqual(['open', 'POST', '/up']);
    expect(FakeXhr.calls[1]).toEqual(['open', 'GET', expect.stringMatching(/^blob:/)]);
    expect(FakeXhr.calls[2]).toEqual(['send']);
    expect(FakeXhr.calls).toHaveLength(3);
  });

  it('held then allowed: sends the page body after the decision', async () => {
    const { verdict, decide } = decided();
    const { win } = setUp(() => verdict);
    const xhr = new win.XMLHttpRequest();
    const body = file();
    xhr.open('POST', '/up');
    expect(xhr.send(body)).toBeUndefined();
    expect(FakeXhr.calls).toHaveLength(1);
    decide(true);
    await new Promise((r) => setTimeout(r, 0));
    expect(FakeXhr.calls[1]).toEqual(['send', body]);
  });

  it('a synchronous request cannot wait: it throws a NetworkError at once', () => {
    const { win } = setUp(() => new Promise(() => undefined));
    const xhr = new win.XMLHttpRequest();
    xhr.open('POST', '/up', false);
    expect(() => xhr.send(file())).toThrow(expect.objectContaining({ name: 'NetworkError' }));
  });
});

describe('sendBeacon', () => {
  it('held: returns true (queued) and sends only if allowed', async () => {
    const blocked = setUp(() => Promise.resolve(false));
    const nav = blocked.win.Navigator.prototype as { sendBeacon(u: string, d: unknown): boolean };
    expect(nav.sendBeacon('/b', file())).toBe(true);
    await new Promise((r) => setTimeout(r, 0));
    expect(blocked.nativeBeacon).not.toHaveBeenCalled();
    const allowed = setUp(() => Promise.resolve(true));
    expect((allowed.win.Navigator.prototype as typeof nav).sendBeacon('/b', file())).toBe(true);
    await new Promise((r) => setTimeout(r, 0));
    expect(allowed.nativeBeacon).toHaveBeenCalledTimes(1);
  });

  it('nothing held: a beacon the browser refuses is not reported', () => {
    const { win, nativeBeacon, reported } = setUp(() => 'pass');
    nativeBeacon.mockReturnValueOnce(false);
    expect((win.Navigator.prototype as { sendBeacon(u: string, d: unknown): boolean }).sendBeacon('/b', file())).toBe(false);
    expect(reported).toEqual([]);
  });
});

describe('File System Access getFile', () => {
  class FakeFileHandle {
    constructor(readonly file: File) {}
    getFile(): Promise<File> {
      return Promise.resolve(this.file);
    }
  }

  function setUpFs(verdict: () => Verdict) {
    const picked = new FakeFileHandle(new File(['a'], 'picked.pdf'));
    const privateFile = new FakeFileHandle(new File(['b'], 'cache.bin'));
    const win = { FileSystemFileHandle: FakeFileHandle };
    const { bridge, reported, asked } = fakeBridge(verdict);
    holdFileRead(win as unknown as Window & typeof globalThis, bridge, (h) => h === (picked as unknown as FileSystemHandle), []);
    return { picked, privateFile, asked, reported };
  }

  it('a picked file is given to the page only when allowed; blocked, the read rejects with NotAllowedError', async () => {
    const allowed = setUpFs(() => Promise.resolve(true));
    expect((await allowed.picked.getFile()).name).toBe('picked.pdf');
    expect(allowed.asked).toEqual([expect.objectContaining({ channel: 'fs_access', parts: [expect.objectContaining({ name: 'picked.pdf' })] })]);
    const blocked = setUpFs(() => Promise.resolve(false));
    await expect(blocked.picked.getFile()).rejects.toMatchObject({ name: 'NotAllowedError' });
  });

  it('nothing held: the file, then reported; an origin-private file is never asked about', async () => {
    const { picked, privateFile, asked, reported } = setUpFs(() => 'pass');
    expect((await privateFile.getFile()).name).toBe('cache.bin');
    expect(asked).toEqual([]);
    await picked.getFile();
    expect(reported).toHaveLength(1);
  });
});
