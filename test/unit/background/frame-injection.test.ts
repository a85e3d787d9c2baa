// Subframes' observers injected on demand (src/background/frame-injection.ts): one injection per tab
// at a time; what is asked meanwhile runs once after it, every frame winning over single frames.
import { describe, expect, it } from 'vitest';
import { createFrameInjector, type FrameTarget } from '../../../src/background/frame-injection';

function rig(fail = false, withinMs = 60_000) {
  const calls: [number, FrameTarget][] = [];
  const pending: (() => void)[] = [];
  const inject = createFrameInjector(
    {
      inject: (tabId, frames) => {
        calls.push([tabId, frames]);
        return new Promise((resolve, reject) => pending.push(() => (fail ? reject(new Error('frame gone')) : resolve(undefined))));
      },
    },
    withinMs,
  );
  const finishOne = async () => {
    pending.shift()!();
    await new Promise((resolve) => setTimeout(resolve, 0));
  };
  return { calls, inject, finishOne, pending };
}

describe('frame injection', () => {
  it('injects the frame that asked, or every frame', () => {
    const { calls, inject } = rig();
    void inject(1, 7);
    void inject(2);
    expect(calls).toEqual([
      [1, [7]],
      [2, 'all'],
    ]);
  });

  it('coalesces what is asked while an injection runs into one injection after it', async () => {
    const { calls, inject, finishOne } = rig();
    const first = inject(1, 7);
    const asked = [inject(1, 8), inject(1, 9), inject(1, 8)];
    expect(calls).toHaveLength(1);
    await finishOne();
    expect(calls).toEqual([
      [1, [7]],
      [1, [8, 9]],
    ]);
    await finishOne();
    await Promise.all([first, ...asked]);
    expect(calls).toHaveLength(2);
  });

  it('a page that keeps asking gets one sweep of every frame after the running one', async () => {
    const { calls, inject, finishOne } = rig();
    void inject(1);
    for (let i = 0; i < 50; i++) void inject(1, i + 1);
    void inject(1);
    await finishOne();
    expect(calls).toEqual([
      [1, 'all'],
      [1, 'all'],
    ]);
    await finishOne();
    expect(calls).toHaveLength(2);
  });

  it('a failed injection (the frame went away) settles and does not stop the next', async () => {
    const { calls, inject, finishOne } = rig(true);
    const first = inject(1, 7);
    void inject(1, 8);
    await finishOne();
    expect(calls).toEqual([
      [1, [7]],
      [1, [8]],
    ]);
    await finishOne();
    await expect(first).resolves.toBeUndefined();
    void inject(1, 9);
    expect(calls).toHaveLength(3);
  });

  it('an injection that never settles holds up the next one only for its bound', async () => {
    const { calls, inject } = rig(false, 20);
    const first = inject(1, 7);
    void inject(1, 8);
    await first;
    expect(calls).toEqual([
      [1, [7]],
      [1, [8]],
    ]);
  });
});
