// @vitest-environment node
/**
 * Background jobs with two console nodes on one PostgreSQL database: retention and the
 * notification outbox run on one node at a time (an advisory lock held for the run), a node that
 * finds the job running elsewhere skips it, and a node that dies mid-run frees the job for the
 * other at once (the lock goes with its connection).
 */
import { sql, type Kysely } from 'kysely';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runExclusive } from '../../../console/db/job-lock';
import { configureNotifications, runNotificationWorker } from '../../../console/notify/worker';
import { runRetention } from '../../../console/retention/job';
import { buildConsole, type BuiltConsole } from '../../../console/server';
import { makeTestConsole, testDatabaseUrl, testEngine, type TestConsole } from '../support/test-console';
import { sampleEvent, sampleId } from '../support/sample-event';

const DAY = 86_400_000;
const START = Date.parse('2026-01-10T12:00:00.000Z');

let clock: number;
let a: TestConsole;
let b: BuiltConsole;
let databaseUrl: string;
beforeEach(async () => {
  clock = START;
  a = await makeTestConsole({ now: () => clock, ingestRateLimit: false });
  databaseUrl = (await testDatabaseUrl(a.dir))!;
  b = await buildConsole({ dataDir: a.dir, databaseUrl, now: () => clock, ingestRateLimit: false });
});
afterEach(async () => {
  await b.app.close();
  await a.close();
});

async function ingest(from: number, count: number, email = 'ann@example.com') {
  const events = await Promise.all(
    Array.from({ length: count }, (_, i) => sampleEvent({ id: sampleId(from + i), observedAt: new Date(clock).toISOString(), user: { email } })),
  );
  const res = await a.app.inject({ method: 'POST', url: '/api/v1/events', headers: a.as('ingest'), payload: { events } });
  expect(res.statusCode).toBe(200);
}

const purgeAudits = async () => a.services.db.selectFrom('audit_log').select('after').where('action', '=', 'retention.purged').execute();

describe.runIf(testEngine() === 'postgres')('jobs on two nodes', () => {
  it('runs a job on one node at a time: the other skips while it runs, and runs once it is free', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const started = new Promise<void>((resolve) => (entered = resolve));
    const onA = runExclusive(a.services.db as Kysely<unknown>, 'postgres', 'test-job', async () => {
      entered();
      await held;
      return 'a';
    });
    await started;
    expect(await runExclusive(b.services.db as Kysely<unknown>, 'postgres', 'test-job', async () => 'b')).toEqual({ ran: false });
    // Another job's name is not held.
    expect(await runExclusive(b.services.db as Kysely<unknown>, 'postgres', 'other-job', async () => 'b')).toEqual({ ran: true, value: 'b' });
    release();
    expect(await onA).toEqual({ ran: true, value: 'a' });
    expect(await runExclusive(b.services.db as Kysely<unknown>, 'postgres', 'test-job', async () => 'b')).toEqual({ ran: true, value: 'b' });
  });

  it('purges once when both nodes run retention together: every old event deleted, one audit entry', async () => {
    await ingest(1, 1200);
    clock += 181 * DAY;
    const runs = await Promise.all([runRetention(a.services), runRetention(b.services), runRetention(a.services), runRetention(b.services)]);
    expect(runs.reduce((sum, r) => sum + r.deleted, 0)).toBe(1200);
    expect(await a.services.events.count()).toBe(0);
    expect(await purgeAudits()).toHaveLength(1);
  });

  it('frees retention at once when the node running it dies (its connection, and with it the lock, is gone)', async () => {
    await ingest(1, 10);
    clock += 181 * DAY;
    // A node mid-run: the job's lock taken on a connection of its own.
    const dying = new pg.Client({ connectionString: databaseUrl });
    await dying.connect();
    dying.on('error', () => undefined);
    await dying.query(`select pg_advisory_lock(hashtextextended('upwatch-job:retention', 0))`);
    expect((await runRetention(b.services)).deleted).toBe(0);
    expect(await b.services.events.count()).toBe(10);
    // kill -9 of that node: its socket closes without a goodbye.
    (dying as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
    await expect
      .poll(async () => (await sql<{ n: number }>`select count(*)::int as n from pg_locks where locktype = 'advisory'`.execute(b.services.db)).rows[0]!.n)
      .toBe(0);
    expect((await runRetention(b.services)).deleted).toBe(10);
  });

  describe('the notification outbox', () => {
    let server: Server;
    const keys: string[] = [];
    beforeEach(async () => {
      keys.length = 0;
      server = createServer((req, res) => {
        keys.push(String(req.headers['x-upwatch-idempotency-key']));
        // Slow enough that both nodes' passes overlap.
        req.resume().on('end', () => setTimeout(() => res.writeHead(200, { connection: 'close' }).end('ok'), 5));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    });
    afterEach(async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    it('sends each notification once when both nodes run their workers at the same time', async () => {
      for (const node of [a.services, b.services]) configureNotifications(node, { automatic: false, random: () => 0.5 });
      const call = (method: 'POST' | 'PUT', url: string, payload: object) => a.app.inject({ method, url, headers: a.as('admin'), payload });
      expect((await call('POST', '/api/v1/alert-rules', { id: 'all', name: 'All', conditions: { destinationCategories: ['cloud_storage'] } })).statusCode).toBe(
        201,
      );
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
      const channel = await call('PUT', '/api/v1/notification-channels/hook', {
        name: 'Hook',
        rules: '*',
        config: { kind: 'webhook', url },
        secret: 'x'.repeat(32),
      });
      expect(channel.statusCode).toBeLessThan(300);
      // 30 users: 30 alerts, 30 notifications.
      for (let u = 0; u < 30; u++) await ingest(1 + u * 2, 2, `user${u}@example.com`);
      const passes = await Promise.all(Array.from({ length: 6 }, (_, i) => runNotificationWorker(i % 2 ? b.services : a.services)));
      expect(passes.reduce((sum, p) => sum + p.sent, 0)).toBe(30);
      expect(keys).toHaveLength(30);
      expect(new Set(keys).size).toBe(30);
    });
  });
});
