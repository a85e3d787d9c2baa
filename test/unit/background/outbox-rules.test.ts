// The outbox's rules on their own (src/background/outbox-rules.ts): the backoff a failure sets, and what counts as a content failure.
import { describe, expect, it } from 'vitest';
import { backoffWait, mayBeTheContent } from '../../../src/background/outbox-rules';

describe('backoffWait', () => {
  it('doubles from 30 s per failure in a row, up to 30 min, with at most 20 % jitter', () => {
    expect([1, 2, 3, 4].map((f) => backoffWait(f, 0))).toEqual([30_000, 60_000, 120_000, 240_000]);
    expect(backoffWait(50, 0)).toBe(30 * 60_000);
    expect(backoffWait(1, 0.999)).toBeCloseTo(30_000 * 1.1998, 0);
  });

  it('takes what Retry-After asked, at most a day, whatever the failures', () => {
    expect(backoffWait(7, 0.5, 5_000)).toBe(5_000);
    expect(backoffWait(1, 0, 0)).toBe(0);
    expect(backoffWait(1, 0, 10 * 86_400_000)).toBe(86_400_000);
  });
});

describe('mayBeTheContent', () => {
  it('counts a 5xx that may be down to what the batch held, never a gateway, an overload or no answer', () => {
    expect([500, 501, 507, 599].map(mayBeTheContent)).toEqual([true, true, true, true]);
    expect([502, 503, 504, 429, 408, 413, 200, undefined].map(mayBeTheContent)).toEqual([false, false, false, false, false, false, false, false]);
  });
});
