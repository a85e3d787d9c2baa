/**
 * A fresh test console for each test of the calling `describe`, on a clock the test moves
 * (`ctx.clock = …`), closed after the test. For API tests that count attempts (no ingest rate limit).
 */
import { afterEach, beforeEach } from 'vitest';
import { makeTestConsole, type TestConsole } from './test-console';

export function consoleEachTest(t0: number): { readonly built: TestConsole; clock: number } {
  const ctx = { clock: t0 } as { built: TestConsole; clock: number };
  beforeEach(async () => {
    ctx.clock = t0;
    ctx.built = await makeTestConsole({ now: () => ctx.clock, ingestRateLimit: false });
  });
  afterEach(() => ctx.built.close());
  return ctx;
}
