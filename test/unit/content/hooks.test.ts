// The File System Access hooks with stand-ins for the platform (headless browsers cannot drive the
// native pickers): a picked file counts when the page reads it, a file of a picked directory with its
// path, an origin-private file never; the pickers' results reach the page untouched.
import { describe, expect, it, vi } from 'vitest';
import type { BridgeFiles } from '../../../src/content/bridge-protocol';
import { installHooks } from '../../../src/content/main-world/hooks';

class FakeFileHandle {
  constructor(readonly file: File) {}
  getFile(): Promise<File> {
    return Promise.resolve(this.file);
  }
}
class FakeDirectoryHandle {
  readonly name = 'photos';
  constructor(readonly inside: FakeFileHandle[]) {}
  resolve(handle: FakeFileHandle): Promise<string[] | null> {
    return Promise.resolve(this.inside.includes(handle) ? ['2026', handle.file.name] : null);
  }
}

const settle = () => new Promise((r) => setTimeout(r, 0));
/** The platform's Promise, as the browser's pickers return it whatever the page did to window.Promise. */
const NativePromise = Promise;

function setUp() {
  const picked = new FakeFileHandle(new File(['a'], 'picked.pdf', { type: 'application/pdf', lastModified: 7 }));
  const inDirectory = new FakeFileHandle(new File(['bb'], 'beach.jpg'));
  const privateFile = new FakeFileHandle(new File(['ccc'], 'cache.bin'));
  const directory = new FakeDirectoryHandle([inDirectory]);
  const pickerResult = [picked];
  const win = {
    document: { baseURI: 'https://app.example/' },
    FileSystemFileHandle: FakeFileHandle,
    FileSystemDirectoryHandle: FakeDirectoryHandle,
    showOpenFilePicker: () => NativePromise.resolve(pickerResult),
    showDirectoryPicker: () => NativePromise.resolve(directory),
  };
  const sent: BridgeFiles[] = [];
  const bridge = { node: vi.fn(), files: (f: BridgeFiles) => sent.push(f), rearm: vi.fn() };
  installHooks(win as unknown as Window & typeof globalThis, bridge);
  return { win, sent, picked, inDirectory, privateFile, pickerResult, directory };
}

describe('File System Access hooks', () => {
  it('reports a picked file when the page reads it, and gives the page the picker result untouched', async () => {
    const { win, sent, picked, pickerResult } = setUp();
    expect(win.showOpenFilePicker.name).toBe('showOpenFilePicker');
    const handles = await win.showOpenFilePicker();
    expect(handles).toBe(pickerResult);
    await settle();
    expect(sent).toEqual([]);
    const file = await picked.getFile();
    await settle();
    expect(file.name).toBe('picked.pdf');
    expect(sent).toEqual([
      { channel: 'fs_access', parts: [expect.objectContaining({ name: 'picked.pdf', size: 1, type: 'application/pdf', lastModified: 7 })] },
    ]);
  });

  it('a page that replaced window.Promise after start still has its picked file reported', async () => {
    const { win, sent, picked } = setUp();
    try {
      globalThis.Promise = class extends NativePromise<unknown> {} as PromiseConstructor;
      await win.showOpenFilePicker();
    } finally {
      globalThis.Promise = NativePromise;
    }
    await settle();
    await picked.getFile();
    await settle();
    expect(sent).toEqual([{ channel: 'fs_access', parts: [expect.objectContaining({ name: 'picked.pdf' })] }]);
  });

  it('reports a file of a picked directory with its path, never an origin-private file', async () => {
    const { win, sent, inDirectory, privateFile, directory } = setUp();
    expect(await win.showDirectoryPicker()).toBe(directory);
    await settle();
    await privateFile.getFile();
    await inDirectory.getFile();
    await settle();
    await settle();
    expect(sent).toEqual([{ channel: 'fs_access', parts: [expect.objectContaining({ name: 'beach.jpg', relativePath: 'photos/2026/beach.jpg' })] }]);
  });

  it('passes a rejected picker (the person cancelled) through as it is', async () => {
    const { win } = setUp();
    const abort = new DOMException('cancelled', 'AbortError');
    const failing = { ...win, showOpenFilePicker: () => Promise.reject(abort) };
    installHooks(failing as unknown as Window & typeof globalThis, { node: vi.fn(), files: vi.fn(), rearm: vi.fn() });
    await expect(failing.showOpenFilePicker()).rejects.toBe(abort);
  });
});
