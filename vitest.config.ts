import { defineConfig } from 'vitest/config';
import { WxtVitest } from 'wxt/testing/vitest-plugin';

export default defineConfig({
  test: {
    projects: [
      {
        plugins: [WxtVitest()],
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          // PostgreSQL-only tests need the cluster of the console-pg project.
          exclude: ['test/unit/console/postgres-*.test.ts', 'test/unit/console/two-node*.test.ts'],
          environment: 'happy-dom',
          setupFiles: ['fake-indexeddb/auto', 'test/unit/setup.ts'],
          // A few console tests start real processes or page through 10,000 events; on a loaded
          // 2-core machine they need more than vitest's 5 s. A timeout is a bound, not a figure.
          testTimeout: 30_000,
        },
      },
      {
        // The console's tests again, on PostgreSQL: one throw-away cluster for the run (started and
        // stopped by the global setup), a database per console. `npm test` runs both engines.
        plugins: [WxtVitest()],
        test: {
          name: 'console-pg',
          include: ['test/unit/console/**/*.test.ts'],
          environment: 'happy-dom',
          setupFiles: ['fake-indexeddb/auto', 'test/unit/setup.ts', 'test/unit/support/postgres-setup.ts'],
          globalSetup: ['test/unit/support/postgres-global-setup.ts'],
          env: { UPWATCH_TEST_DB: 'postgres' },
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
          globalSetup: ['test/e2e/global-setup.ts'],
        },
      },
    ],
  },
});
