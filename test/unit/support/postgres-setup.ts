/**
 * Setup file of the console-pg project: every console database opened on a data folder alone
 * (tests that call buildConsole or openConsoleDb themselves) opens that folder's database on the
 * run's PostgreSQL cluster instead, so the whole console suite runs on PostgreSQL unchanged.
 */
import { inject, vi } from 'vitest';
import { databaseFor } from './postgres';

vi.mock('../../../console/db/database', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../console/db/database')>();
  return {
    ...real,
    openConsoleDb: async (options: Parameters<typeof real.openConsoleDb>[0]) =>
      real.openConsoleDb(options.databaseUrl ? options : { ...options, databaseUrl: await databaseFor(inject('postgresUrl'), options.dataDir) }),
  };
});

// Console processes the tests start themselves get the same mapping (postgres-child-preload.mjs).
process.env.UPWATCH_TEST_PG_CLUSTER = inject('postgresUrl');
const preload = `--import ${new URL('./postgres-child-preload.mjs', import.meta.url).href}`;
if (!process.env.NODE_OPTIONS?.includes(preload)) process.env.NODE_OPTIONS = [process.env.NODE_OPTIONS, preload].filter(Boolean).join(' ');
