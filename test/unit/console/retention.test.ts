// @vitest-environment node
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runRetention } from '../../../console/retention/job';
import { buildConsole } from '../../../console/server';
import type { FileEvent } from '../../../src/core/schema/event';
import { makeTestConsole, type TestConsole } from '../support/test-console';
import { sampleEvent, sampleId } from '../support/sample-event';

const DAY = 86_400_000;
const START = Date.parse('2026-01-10T12:00:00.000Z');

let built: TestConsole;
let clock: number;
beforeEach(async () => {
  clock = START;
  built = await makeTestConsole({ now: () => clock });
});
afterEach(() => built.close());

type Role = Parameters<TestConsole['as']>[0];
const call = (role: Role, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object) =>
  built.app.inject({ method, url, headers: built.as(role), ...(payload && { payload }) });
const event = (n: number, email?: string) => sampleEvent({ id: sampleId(n), observedAt: new Date(clock).toISOString(), user: email ? { email } : {} });
const ingest = async (events: FileEvent[]) => {
  const res = await built.app.inject({ method: 'POST', url: '/api/v1/events', headers: built.as('ingest'), payload: { events } });
  expect(res.statusCode).toBe(200);
};
const storedIds = async () => (await built.services.db.selectFrom('events').select('id').orderBy('id').execute()).map((r) => r.id);
const audit = async (action: string) =>
  (await call('admin', 'GET', `/api/v1/audit?action=${action}`)).json().entries as { actor: string; target: string; before: unknown; after: unknown }[];

describe('legal holds', () => {
  it('are placed and released by admins, listed for analysts, and audited', async () => {
    const placed = await call('admin', 'POST', '/api/v1/legal-holds', { email: 'Ann@Example.com', matter: 'Acme v. Ann' });
    expect(placed.statusCode).toBe(201);
    expect(placed.json().hold).toMatchObject({ email: 'ann@example.com', matter: 'Acme v. Ann', createdBy: 'admin:test-admin' });
    expect((await call('admin', 'POST', '/api/v1/legal-holds', { email: 'ann@example.com', matter: 'Acme v. Ann' })).statusCode).toBe(200);
    clock += 1000;
    await call('admin', 'POST', '/api/v1/legal-holds', { email: 'ann@example.com', matter: 'Internal review 7' });

    expect((await call('analyst', 'POST', '/api/v1/legal-holds', { email: 'bob@example.com', matter: 'x' })).statusCode).toBe(403);
    expect((await call('admin', 'POST', '/api/v1/legal-holds', { email: 'bob@example.com', matter: ' ' })).statusCode).toBe(400);
    expect((await call('read_only', 'GET', '/api/v1/legal-holds')).statusCode).toBe(403);
    const listed = (await call('analyst', 'GET', '/api/v1/legal-holds?limit=1')).json();
    expect(listed.holds.map((h: { matter: string }) => h.matter)).toEqual(['Internal review 7']);
    const next = (await call('analyst', 'GET', `/api/v1/legal-holds?limit=1&cursor=${listed.nextCursor}`)).json();
    expect(next.holds.map((h: { matter: string }) => h.matter)).toEqual(['Acme v. Ann']);

    expect((await call('analyst', 'DELETE', '/api/v1/legal-holds', { email: 'ann@example.com', matter: 'Acme v. Ann' })).statusCode).toBe(403);
    const released = await call('admin', 'DELETE', '/api/v1/legal-holds', { email: 'ann@example.com', matter: 'Acme v. Ann' });
    expect(released.statusCode).toBe(200);
    expect((await call('admin', 'DELETE', '/api/v1/legal-holds', { email: 'ann@example.com', matter: 'Acme v. Ann' })).statusCode).toBe(404);
    expect((await call('analyst', 'GET', '/api/v1/legal-holds?email=ann@example.com')).json().holds).toHaveLength(1);

    expect((await audit('legal_hold.placed')).map((e) => [e.target, (e.after as { matter: string }).matter])).toEqual([
      ['user:ann@example.com', 'Internal review 7'],
      ['user:ann@example.com', 'Acme v. Ann'],
    ]);
    expect((await audit('legal_hold.released')).map((e) => [e.target, (e.before as { matter: string }).matter, e.after])).toEqual([
      ['user:ann@example.com', 'Acme v. Ann', null],
    ]);
  });
});

describe('retention', () => {
  it('is 180 days by default; admins change it (1–3650), analysts read it, audited', async () => {
    expect((await call('analyst', 'GET', '/api/v1/retention')).json()).toMatchObject({ days: 180, defaultDays: 180, basis: 'received time' });
    expect((await call('read_only', 'GET', '/api/v1/retention')).statusCode).toBe(403);
    expect((await call('analyst', 'PUT', '/api/v1/retention', { days: 30 })).statusCode).toBe(403);
    for (const days of [0, 3651, 1.5, '30']) expect((await call('admin', 'PUT', '/api/v1/retention', { days })).statusCode).toBe(400);
    const set = await call('admin', 'PUT', '/api/v1/retention', { days: 30 });
    expect(set.json()).toMatchObject({ days: 30 });
    expect((await audit('retention.updated')).map((e) => [e.actor, e.before, e.after])).toEqual([['admin:test-admin', { days: 180 }, { days: 30 }]]);
  });

  it("deletes events received before the retention, with their indicators and alert links, but keeps a held user's until release", async () => {
    await call('analyst', 'POST', '/api/v1/alert-rules', { id: 'any', name: 'any', conditions: { minSeverity: 'low' } });
    await call('admin', 'POST', '/api/v1/legal-holds', { email: 'held@example.com', matter: 'Acme v. Held' });
    await ingest([await event(1, 'held@example.com'), await event(2, 'free@example.com'), await event(3)]);
    clock += 100 * DAY;
    await ingest([await event(4, 'free@example.com')]);

    // 181 days after the first three arrived: they are past 180 days, the fourth is not.
    clock = START + 181 * DAY;
    const run = await runRetention(built.services);
    expect(run).toMatchObject({ days: 180, deleted: 2, cutoff: new Date(START + DAY).toISOString() });
    expect(await storedIds()).toEqual([sampleId(1), sampleId(4)]);
    const indicatorRows = await built.services.db.selectFrom('event_indicators').select('event_seq').distinct().execute();
    expect(indicatorRows).toHaveLength(2);

    // The free user's alert stays (its history), without the deleted event.
    const [freeAlert] = (await call('read_only', 'GET', '/api/v1/alerts?user=free@example.com'))
      .json()
      .alerts.filter((a: { firstEventAt: string }) => Date.parse(a.firstEventAt) === START);
    const detail = (await call('read_only', 'GET', `/api/v1/alerts/${freeAlert.id as string}`)).json();
    expect(detail).toMatchObject({ eventCount: 1, events: [] });

    const purged = await audit('retention.purged');
    expect(purged).toEqual([expect.objectContaining({ actor: 'system', target: 'events', after: expect.objectContaining({ deleted: 2, days: 180 }) })]);

    // Nothing more to delete: no new audit entry.
    expect((await runRetention(built.services)).deleted).toBe(0);
    expect(await audit('retention.purged')).toHaveLength(1);

    await call('admin', 'DELETE', '/api/v1/legal-holds', { email: 'held@example.com', matter: 'Acme v. Held' });
    expect((await runRetention(built.services)).deleted).toBe(1);
    expect(await storedIds()).toEqual([sampleId(4)]);
    expect(await audit('retention.purged')).toHaveLength(2);
  });

  it('keeps a user held for any matter until the last hold is released', async () => {
    await call('admin', 'POST', '/api/v1/legal-holds', { email: 'held@example.com', matter: 'one' });
    await call('admin', 'POST', '/api/v1/legal-holds', { email: 'held@example.com', matter: 'two' });
    await ingest([await event(1, 'held@example.com')]);
    clock += 200 * DAY;
    await call('admin', 'DELETE', '/api/v1/legal-holds', { email: 'held@example.com', matter: 'one' });
    expect((await runRetention(built.services)).deleted).toBe(0);
    await call('admin', 'DELETE', '/api/v1/legal-holds', { email: 'held@example.com', matter: 'two' });
    expect((await runRetention(built.services)).deleted).toBe(1);
  });

  it('purges in chunks past held events, and applies a lowered setting', async () => {
    await call('admin', 'POST', '/api/v1/legal-holds', { email: 'held@example.com', matter: 'm' });
    const events: FileEvent[] = [];
    for (let i = 1; i <= 1300; i++) events.push(await event(i, i % 3 === 0 ? 'held@example.com' : `u${i % 7}@example.com`));
    await ingest(events);
    clock += 40 * DAY;
    expect((await runRetention(built.services)).deleted).toBe(0);
    await call('admin', 'PUT', '/api/v1/retention', { days: 30 });
    const run = await runRetention(built.services);
    expect(run.deleted).toBe(1300 - 433);
    expect(await built.services.events.count()).toBe(433);
  });
});

describe('the retention job', () => {
  it('runs when the console starts', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'upwatch-retention-'));
    try {
      const first = await makeTestConsole({ dataDir, now: () => clock });
      const batch = { events: [await event(1, 'a@example.com'), await event(2, 'b@example.com')] };
      expect((await first.app.inject({ method: 'POST', url: '/api/v1/events', headers: first.as('ingest'), payload: batch })).statusCode).toBe(200);
      await first.close();

      clock += 181 * DAY;
      const second = await buildConsole({ dataDir, now: () => clock });
      const purges = () => second.services.db.selectFrom('audit_log').select('after').where('action', '=', 'retention.purged').execute();
      await vi.waitFor(async () => expect(await purges()).toHaveLength(1));
      expect(await second.services.events.count()).toBe(0);
      await second.app.close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('lets a run under way finish when the console closes', async () => {
    await ingest([await event(1, 'a@example.com')]);
    clock += 181 * DAY;
    const run = runRetention(built.services);
    await built.app.close();
    await expect(run).resolves.toMatchObject({ deleted: 1 });
  });
});
