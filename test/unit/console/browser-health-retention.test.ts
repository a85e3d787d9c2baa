// @vitest-environment node
// Retention forgets browsers not heard from within the events' retention (console/retention/browser-health.ts).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runRetention } from '../../../console/retention/job';
import type { BrowserHealth } from '../../../src/core/schema/event';
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

const browserId = (n: number) => `5b0f5f0e-3c55-4d1a-9c3e-${n.toString(16).padStart(12, '0')}`;
function health(n: number, email: string): BrowserHealth {
  return {
    browserId: browserId(n),
    reportedAt: new Date(clock).toISOString(),
    user: { email },
    device: { browser: 'Chrome', browserVersion: '156.0', os: 'linux', extensionVersion: '1.2.0' },
    storage: { notKeptLocally: 0, prunedForSpace: 0 },
    deadLetters: { count: 0 },
    queued: 0,
  };
}
/** A batch of health alone, as a browser with nothing to send reports in. */
const report = async (n: number, email: string) => {
  const res = await built.app.inject({ method: 'POST', url: '/api/v1/events', headers: built.as('ingest'), payload: { events: [], health: health(n, email) } });
  expect(res.statusCode).toBe(200);
};
const call = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object) =>
  built.app.inject({ method, url, headers: built.as('admin'), ...(payload && { payload }) });
const keys = async () =>
  (await built.services.db.selectFrom('browser_health').select('browser_key').orderBy('browser_key').execute()).map((r) => r.browser_key);
const browsersOf = async (email: string) =>
  (await call('GET', `/api/v1/users/${encodeURIComponent(email)}/browsers`)).json().browsers as { lastSeenAt: string }[];
const purgeAudits = async () =>
  (await call('GET', '/api/v1/audit?action=retention.purged')).json().entries as { actor: string; target: string; after: Record<string, unknown> }[];

describe('retention of browsers', () => {
  it('forgets a browser not heard from within the retention, keeps a recent one, and audits the run', async () => {
    await report(1, 'gone@example.com');
    // A browser too old to send health, known by its credential, user and device.
    const legacy = await sampleEvent({ id: sampleId(1), observedAt: new Date(clock).toISOString(), user: { email: 'legacy@example.com' } });
    await built.app.inject({ method: 'POST', url: '/api/v1/events', headers: built.as('ingest'), payload: { events: [legacy], droppedEvents: 2 } });
    clock += 100 * DAY;
    await report(2, 'ada@example.com');
    expect(await keys()).toHaveLength(3);

    // 181 days after the first two were last heard from: past 180 days; the third (81 days) is not.
    clock = START + 181 * DAY;
    const run = await runRetention(built.services);
    expect(run).toMatchObject({ days: 180, browsersDeleted: 2, cutoff: new Date(START + DAY).toISOString() });
    expect(await keys()).toEqual([browserId(2)]);
    expect(await browsersOf('gone@example.com')).toEqual([]);
    expect(await browsersOf('ada@example.com')).toHaveLength(1);
    expect((await call('GET', '/api/v1/retention')).json().lastRun).toMatchObject({ browsersDeleted: 2 });

    const audits = await purgeAudits();
    expect(audits.find((a) => a.target === 'browser_health')).toMatchObject({ actor: 'system', after: { deleted: 2, days: 180, cutoff: run.cutoff } });

    // Nothing more to forget: no new entry.
    expect((await runRetention(built.services)).browsersDeleted).toBe(0);
    expect((await purgeAudits()).filter((a) => a.target === 'browser_health')).toHaveLength(1);
  });

  it('keeps a browser that is still reporting, however long ago it first did', async () => {
    await report(1, 'ada@example.com');
    for (let day = 60; day <= 360; day += 60) {
      clock = START + day * DAY;
      await report(1, 'ada@example.com');
      expect((await runRetention(built.services)).browsersDeleted).toBe(0);
    }
    expect(await browsersOf('ada@example.com')).toEqual([expect.objectContaining({ lastSeenAt: new Date(clock).toISOString() })]);
  });

  it("keeps a held person's browsers until the hold is released, as their events", async () => {
    await call('POST', '/api/v1/legal-holds', { email: 'held@example.com', matter: 'Acme v. Held' });
    await report(1, 'Held@Example.com');
    await report(2, 'free@example.com');
    clock += 200 * DAY;
    expect((await runRetention(built.services)).browsersDeleted).toBe(1);
    expect(await keys()).toEqual([browserId(1)]);
    await call('DELETE', '/api/v1/legal-holds', { email: 'held@example.com', matter: 'Acme v. Held' });
    expect((await runRetention(built.services)).browsersDeleted).toBe(1);
    expect(await keys()).toEqual([]);
  });

  it('forgets a churned fleet in chunks, past held browsers, and applies a lowered setting', async () => {
    await call('POST', '/api/v1/legal-holds', { email: 'held@example.com', matter: 'm' });
    // 1,300 re-imaged laptops, every third one a held person's: more than two chunks of 500.
    const rows = Array.from({ length: 1300 }, (_, i) => ({
      browser_key: browserId(i + 1),
      user_email: i % 3 === 0 ? 'held@example.com' : `u${i % 7}@example.com`,
      received_at: START + (i % 5) * 1000,
    }));
    for (let i = 0; i < rows.length; i += 250)
      await built.services.db
        .insertInto('browser_health')
        .values(rows.slice(i, i + 250))
        .execute();
    clock += 40 * DAY;
    expect((await runRetention(built.services)).browsersDeleted).toBe(0);
    await call('PUT', '/api/v1/retention', { days: 30 });
    expect((await runRetention(built.services)).browsersDeleted).toBe(1300 - 434);
    expect(await keys()).toHaveLength(434);
    const left = await built.services.db.selectFrom('browser_health').select('user_email').distinct().execute();
    expect(left).toEqual([{ user_email: 'held@example.com' }]);
  });
});
