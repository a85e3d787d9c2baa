// @vitest-environment node
/**
 * Alerts with two console nodes on one PostgreSQL database: when both nodes file one user's events
 * for one rule at the same moment, the second waits for the first to commit and joins its alert,
 * instead of each creating one. The events are chosen in different exposure buckets (either side
 * of a week boundary, 20 minutes apart), so nothing but the alert lock makes the nodes take turns.
 */
import { sql } from 'kysely';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { buildConsole, type BuiltConsole } from '../../../console/server';
import { addAlertRule, makeTestConsole, testDatabaseUrl, testEngine, type TestConsole } from '../support/test-console';
import { sampleEvent, sampleId } from '../support/sample-event';

const SUNDAY_LATE = Date.parse('2026-11-22T23:50:00.000Z');
const MONDAY_EARLY = Date.parse('2026-11-23T00:10:00.000Z');
const NOW = Date.parse('2026-11-23T01:00:00.000Z');

let a: TestConsole;
let b: BuiltConsole;
beforeEach(async () => {
  a = await makeTestConsole({ now: () => NOW });
  b = await buildConsole({ dataDir: a.dir, databaseUrl: (await testDatabaseUrl(a.dir))!, now: () => NOW });
});
afterEach(async () => {
  await b.app.close();
  await a.close();
});

it.runIf(testEngine() === 'postgres')('creates one alert when two nodes file the same user and rule at once', async () => {
  await addAlertRule(a, { id: 'cloud', name: 'Cloud', conditions: { destinationCategories: ['cloud_storage'] } });
  const context = { credentialId: 'test', clientIp: '127.0.0.1', receivedAt: NOW };
  const user = { email: 'ann@example.com' };

  // Node A stops after filing its event (its alert created, not yet committed) until released.
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let inside = false;
  a.services.events.addIngestHook(async () => {
    inside = true;
    await released;
  });
  const onA = a.services.events.ingest([await sampleEvent({ id: sampleId(1), observedAt: new Date(SUNDAY_LATE).toISOString(), user })], context);
  await expect.poll(() => inside).toBe(true);

  let bDone = false;
  const onB = b.services.events
    .ingest([await sampleEvent({ id: sampleId(2), observedAt: new Date(MONDAY_EARLY).toISOString(), user })], context)
    .finally(() => (bDone = true));
  // B waits for a lock A holds, or finishes on its own; either way A may go on. Without the alert
  // lock B has read "no open alert" before it waits (on the alert change counter) and makes one.
  const waiting = async () => Number((await sql<{ n: number }>`select count(*)::int as n from pg_locks where not granted`.execute(a.services.db)).rows[0]!.n);
  try {
    await expect.poll(async () => bDone || (await waiting()) > 0).toBe(true);
  } finally {
    release();
    await Promise.all([onA, onB]);
  }

  const alerts = (await a.app.inject({ method: 'GET', url: '/api/v1/alerts', headers: a.as('read_only') })).json().alerts as {
    user: string;
    eventCount: number;
  }[];
  expect(alerts.map((x) => [x.user, x.eventCount])).toEqual([['ann@example.com', 2]]);
});
