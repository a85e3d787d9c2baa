// An observation sent before its files were read is completed by the heads that follow it, or goes on by name alone.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createHeadJoin } from '../../../src/background/late-heads';
import type { UploadHeads, UploadObserved } from '../../../src/core/schema/messages';

const frame = { tab: { id: 7 }, frameId: 3 };
const observed = (overrides: Partial<UploadObserved> = {}): UploadObserved => ({
  type: 'upload/observed',
  actionId: 'a1',
  channel: 'file_picker',
  trustedEvent: true,
  headsFollow: true,
  part: 0,
  files: [
    { name: 'a.pdf', size: 10, mimeType: 'application/pdf', headBase64: '' },
    { name: 'b.csv', size: 5, mimeType: 'text/csv', headBase64: '' },
  ],
  ...overrides,
});
const heads = (overrides: Partial<UploadHeads> = {}): UploadHeads => ({
  type: 'upload/heads',
  actionId: 'a1',
  part: 0,
  heads: [{ headBase64: 'JVBERi0=', tailBase64: 'JSVFT0Y=' }, { headBase64: 'aWQ=' }],
  ...overrides,
});

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('the late-heads join', () => {
  it('completes an observation with the heads that follow it, file by file', async () => {
    const join = createHeadJoin(3_000);
    const completed = join.complete(observed(), frame);
    expect(join.heads(heads(), frame)).toBe(true);
    const message = await completed;
    expect(message.files[0]).toMatchObject({ name: 'a.pdf', headBase64: 'JVBERi0=', tailBase64: 'JSVFT0Y=' });
    expect(message.files[1]).toMatchObject({ name: 'b.csv', headBase64: 'aWQ=' });
    expect(message.files[1]!.tailBase64).toBeUndefined();
  });

  it('takes heads that came first', async () => {
    const join = createHeadJoin(3_000);
    expect(join.heads(heads(), frame)).toBe(false);
    expect((await join.complete(observed(), frame)).files[0]!.headBase64).toBe('JVBERi0=');
  });

  it('goes on without heads after the wait: nothing is lost when the frame went away', async () => {
    const join = createHeadJoin(3_000);
    const completed = join.complete(observed(), frame);
    await vi.advanceTimersByTimeAsync(3_000);
    const message = await completed;
    expect(message.files.map((f) => [f.name, f.headBase64])).toEqual([
      ['a.pdf', ''],
      ['b.csv', ''],
    ]);
  });

  it('passes an observation that carries its heads straight through', async () => {
    const join = createHeadJoin(3_000);
    const whole = observed({ headsFollow: undefined, files: [{ name: 'c.txt', size: 1, mimeType: '', headBase64: 'YQ==' }] });
    expect(await join.complete(whole, frame)).toBe(whole);
  });

  it.each([
    ['another frame', { ...frame, frameId: 4 }, heads()],
    ['another tab', { tab: { id: 8 }, frameId: 3 }, heads()],
    ['another action', frame, heads({ actionId: 'a2' })],
    ['another part', frame, heads({ part: 1 })],
  ])('never takes the heads of %s', async (_label, sender, other) => {
    const join = createHeadJoin(3_000);
    const completed = join.complete(observed(), frame);
    expect(join.heads(other, sender)).toBe(false);
    await vi.advanceTimersByTimeAsync(3_000);
    expect((await completed).files[0]!.headBase64).toBe('');
  });

  it('ignores heads that do not line up with the files', async () => {
    const join = createHeadJoin(3_000);
    const completed = join.complete(observed(), frame);
    join.heads(heads({ heads: [{ headBase64: 'JVBERi0=' }] }), frame);
    expect((await completed).files.map((f) => f.headBase64)).toEqual(['', '']);
  });
});
