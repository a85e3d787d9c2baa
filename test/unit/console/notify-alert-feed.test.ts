// @vitest-environment node
/**
 * Incident fetching by cursor: GET /api/v1/alerts?createdAfter= gives each new alert exactly once
 * and ?changedAfter= each alert change once, oldest first, while alerts are created and changed
 * between pages — all in the same millisecond, where timestamp polling (updatedSince) repeats.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sampleEvent, sampleId } from '../support/sample-event';
import { addAlertRule, makeTestConsole, type TestConsole } from '../support/test-console';

const NOW = Date.parse('2026-11-22T12:00:00.000Z');
let built: TestConsole;
beforeEach(async () => {
  // One fixed millisecond for everything: the worst case for timestamps.
  built = await makeTestConsole({ now: () => NOW });
  await addAlertRule(built, { id: 'all', name: 'All', conditions: { minSeverity: 'low' } });
});
afterEach(() => built.close());

let n = 0;
async function newAlert(user: string): Promise<string> {
  n++;
  const event = await sampleEvent({ id: sampleId(n), observedAt: new Date(NOW - n * 3 * 3_600_000).toISOString(), user: { email: user } });
  expect((await built.app.inject({ method: 'POST', url: '/api/v1/events', headers: built.as('ingest'), payload: { events: [event] } })).statusCode).toBe(200);
  const list = await built.app.inject({ method: 'GET', url: `/api/v1/alerts?user=${user}&limit=1`, headers: built.as('read_only') });
  return list.json().alerts[0].id as string;
}
const get = async (query: string) => {
  const res = await built.app.inject({ method: 'GET', url: `/api/v1/alerts?${query}`, headers: built.as('read_only') });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { alerts: { id: string; state: string }[]; nextCursor: string | null };
};
const close = (id: string) => built.app.inject({ method: 'PATCH', url: `/api/v1/alerts/${id}`, headers: built.as('analyst'), payload: { state: 'CLOSED_TP' } });

describe('alert feed', () => {
  it('updatedSince repeats alerts of the same millisecond; the feed does not', async () => {
    await newAlert('a@acme.com');
    await newAlert('b@acme.com');
    const first = await get(`updatedSince=${new Date(NOW).toISOString()}`);
    // Polling again from the newest updatedAt seen gives the same alerts again.
    expect((await get(`updatedSince=${new Date(NOW).toISOString()}`)).alerts.map((a) => a.id)).toEqual(first.alerts.map((a) => a.id));
    const feed = await get('createdAfter=0');
    expect(feed.alerts).toHaveLength(2);
    expect((await get(`createdAfter=${feed.nextCursor}`)).alerts).toEqual([]);
  });

  it('createdAfter: every new alert once, oldest first, while others are created and changed between pages', async () => {
    const ids = [];
    for (const u of ['a', 'b', 'c', 'd', 'e']) ids.push(await newAlert(`${u}@acme.com`));
    const seen: string[] = [];
    let cursor = '0';
    for (let page = 0; page < 10; page++) {
      const answer = await get(`createdAfter=${cursor}&limit=2`);
      seen.push(...answer.alerts.map((a) => a.id));
      expect(answer.nextCursor).not.toBeNull();
      cursor = answer.nextCursor!;
      if (page === 0) {
        expect((await close(ids[0]!)).statusCode).toBe(200);
        ids.push(await newAlert('f@acme.com'));
      }
      if (page === 2) ids.push(await newAlert('g@acme.com'));
      if (!answer.alerts.length) break;
    }
    expect(seen).toEqual(ids);
  });

  it('changedAfter: each change once, an alert again when it changes again, nothing skipped', async () => {
    const ids = [];
    for (const u of ['a', 'b', 'c']) ids.push(await newAlert(`${u}@acme.com`));
    const page1 = await get('changedAfter=0&limit=2');
    expect(page1.alerts.map((a) => a.id)).toEqual([ids[0], ids[1]]);
    // Between pages: the first alert changes, a new one comes.
    await close(ids[0]!);
    const d = await newAlert('d@acme.com');
    const page2 = await get(`changedAfter=${page1.nextCursor}&limit=2`);
    expect(page2.alerts.map((a) => [a.id, a.state])).toEqual([
      [ids[2], 'OPEN'],
      [ids[0], 'CLOSED_TP'],
    ]);
    const page3 = await get(`changedAfter=${page2.nextCursor}&limit=2`);
    expect(page3.alerts.map((a) => a.id)).toEqual([d]);
    const page4 = await get(`changedAfter=${page3.nextCursor}&limit=2`);
    expect(page4).toEqual({ alerts: [], nextCursor: page3.nextCursor });
  });

  it('refuses mixed paging and malformed cursors', async () => {
    for (const q of [
      'changedAfter=1&createdAfter=1',
      'changedAfter=1&cursor=abc',
      'changedAfter=-1',
      'createdAfter=x',
      `changedAfter=0&updatedSince=${new Date(NOW).toISOString()}`,
    ]) {
      expect((await built.app.inject({ method: 'GET', url: `/api/v1/alerts?${q}`, headers: built.as('read_only') })).statusCode).toBe(400);
    }
  });
});
