// @vitest-environment node
/**
 * Connection pooling on PostgreSQL: a console node keeps at most its pool's connections open
 * (UPWATCH_DATABASE_POOL_SIZE, `databasePoolSize`), so PostgreSQL's max_connections can be sized
 * as nodes × pool. Requests beyond the pool wait for a connection instead of opening more or
 * failing, and are served once one is free.
 */
import pg from 'pg';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { configureNotifications, runNotificationWorker } from '../../../console/notify/worker';
import { runRetention } from '../../../console/retention/job';
import { makeTestConsole, testDatabaseUrl, testEngine, type TestConsole } from '../support/test-console';
import { sampleEvent, sampleId } from '../support/sample-event';
import { databaseNameFor } from '../support/postgres';

const POOL = 3;
const REQUESTS = 6;
let node: TestConsole;
let observer: pg.Client;
beforeEach(async () => {
  node = await makeTestConsole({ databasePoolSize: POOL, ingestRateLimit: false });
  // The background jobs take connections of the pool too (one for their lock): let the start-up
  // retention run and any notification pass finish, and no further pass start, so the
  // connections counted below are the requests'.
  configureNotifications(node.services, { automatic: false });
  await Promise.all([runRetention(node.services), runNotificationWorker(node.services)]);
  observer = new pg.Client({ connectionString: (await testDatabaseUrl(node.dir))!, application_name: 'pool-test-observer' });
  await observer.connect();
});
afterEach(async () => {
  await observer.end();
  await node.close();
});

/** The node's connections to its database, as PostgreSQL lists them. */
const connections = async () =>
  (
    await observer.query<{ state: string }>('select state from pg_stat_activity where datname = $1 and application_name = $2', [
      databaseNameFor(node.dir),
      'upwatch-console',
    ])
  ).rows;

it.runIf(testEngine() === 'postgres')(`opens at most its pool's ${POOL} connections; the other requests wait for one and are served`, async () => {
  // Each ingest holds its connection inside its transaction until released.
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let inside = 0;
  let mostInside = 0;
  node.services.events.addIngestHook(async () => {
    mostInside = Math.max(mostInside, ++inside);
    await released;
    inside--;
  });
  const posts = Array.from({ length: REQUESTS }, async (_, n) =>
    node.app.inject({ method: 'POST', url: '/api/v1/events', headers: node.as('ingest'), payload: { events: [await sampleEvent({ id: sampleId(n + 1) })] } }),
  );
  try {
    await expect.poll(() => inside).toBe(POOL);
    // All requests asked for a connection at once: a larger pool would have opened more by now.
    const open = await connections();
    expect(open).toHaveLength(POOL);
    expect(open.every((c) => c.state === 'idle in transaction')).toBe(true);
  } finally {
    release();
  }
  const answers = await Promise.all(posts);
  expect(answers.map((r) => r.statusCode)).toEqual(Array(REQUESTS).fill(200));
  expect(mostInside).toBe(POOL);
  expect(await node.services.events.count()).toBe(REQUESTS);
  expect((await connections()).length).toBeLessThanOrEqual(POOL);
});
