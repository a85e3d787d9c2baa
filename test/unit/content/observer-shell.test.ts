// The observer's shell (issue 15 item 5): files are reported inside its capture listener, before
// the page's own handler runs and before any byte is read; the heads come from the core afterwards.
import { afterEach, describe, expect, it } from 'vitest';
import { startUploadObserver } from '../../../src/content/observer';
import type { ObserverCore, ObserverDeps } from '../../../src/content/observer-api';

type Sent = Parameters<ObserverDeps['send']>[0];

function shell(core?: Partial<ObserverCore>) {
  const sent: Sent[] = [];
  const heads: [string, string[][]][] = [];
  let coreLoads = 0;
  const deps: ObserverDeps = {
    send: (message) => {
      sent.push(message);
      return new Promise(() => undefined);
    },
    loadCore: async () => {
      coreLoads++;
      return () =>
        ({
          heads: async (actionId, parts) => void heads.push([actionId, parts.map((p) => p.map((c) => c.file.name))]),
          ...core,
        }) as ObserverCore;
    },
    shadowRootOf: () => null,
    newActionId: () => `action-${sent.length}`,
    now: () => 0,
  };
  startUploadObserver(window, deps);
  return { sent, heads, coreLoads: () => coreLoads };
}

/** A pick the page's own script makes: an untrusted change, which is never held. */
function pick(input: HTMLInputElement, files: File[]) {
  Object.defineProperty(input, 'files', { value: Object.assign([...files], { item: (i: number) => files[i] ?? null }), configurable: true });
  input.dispatchEvent(new Event('change', { bubbles: true }));
}

afterEach(() => document.body.replaceChildren());

describe('the observer shell', () => {
  it('reports a pick before the page handler runs, with the facts and no bytes, and asks the core for the heads after', async () => {
    const { sent, heads } = shell();
    const input = document.createElement('input');
    input.type = 'file';
    document.body.append(input);
    let reportedWhenPageRan = -1;
    input.addEventListener('change', () => {
      reportedWhenPageRan = sent.length;
      input.remove();
    });
    pick(input, [new File(['id,iban\n1,DE00\n'], 'ledger.csv', { type: 'text/csv', lastModified: 5 })]);
    expect(reportedWhenPageRan).toBe(1);
    expect(sent[0]).toMatchObject({
      type: 'upload/observed',
      channel: 'file_picker',
      headsFollow: true,
      part: 0,
      files: [{ name: 'ledger.csv', size: 15, mimeType: 'text/csv', lastModified: 5, headBase64: '' }],
    });
    await expect.poll(() => heads).toEqual([[(sent[0] as { actionId: string }).actionId, [['ledger.csv']]]]);
  });

  it('splits a big action into parts the heads can name', async () => {
    const { sent, heads } = shell();
    const input = document.createElement('input');
    input.type = 'file';
    document.body.append(input);
    pick(
      input,
      Array.from({ length: 120 }, (_, i) => new File(['x'], `f${i}.txt`)),
    );
    expect(sent.map((m) => (m as { part?: number; files: unknown[] }).part)).toEqual([0, 1, 2]);
    expect(sent.map((m) => (m as { files: unknown[] }).files.length)).toEqual([50, 50, 20]);
    await expect.poll(() => heads[0]?.[1].map((p) => p.length)).toEqual([50, 50, 20]);
  });

  it('loads nothing and sends nothing while no file is handed over', () => {
    const { sent, coreLoads } = shell();
    document.body.append(Object.assign(document.createElement('input'), { type: 'text' }));
    document.body.dispatchEvent(new Event('change', { bubbles: true }));
    expect(sent).toEqual([]);
    expect(coreLoads()).toBe(0);
  });
});
