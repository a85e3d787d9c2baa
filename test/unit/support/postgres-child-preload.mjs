/**
 * Loaded (NODE_OPTIONS --import, set by postgres-setup.ts) into every Node process a console-pg
 * test starts: a console command given `--data <dir>` and no `--database` gets the folder's
 * database on the run's cluster, as makeTestConsole gives one in-process. So tests that start
 * `console/main.ts` themselves run on PostgreSQL unchanged. Same naming as postgres.ts.
 */
import { createHash } from 'node:crypto';
import pg from 'pg';

const cluster = process.env.UPWATCH_TEST_PG_CLUSTER;
const args = process.argv;
const at = args.indexOf('--data');
if (cluster && at >= 0 && args[at + 1] && !args.includes('--database') && /console[\\/]main\.ts$/.test(args[1] ?? '')) {
  const name = `upwatch_test_${createHash('sha256')
    .update(args[at + 1])
    .digest('hex')
    .slice(0, 24)}`;
  const client = new pg.Client({ connectionString: cluster });
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (!found.rowCount)
      await client.query(`create database ${name}`).catch((err) => {
        if (err.code !== '42P04' && err.code !== '23505') throw err;
      });
  } finally {
    await client.end();
  }
  const url = new URL(cluster);
  url.pathname = `/${name}`;
  args.push('--database', url.toString());
}
