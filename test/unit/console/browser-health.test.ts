// @vitest-environment node
// Issue 15, items 3 and 4: the console keeps each browser's latest health and its dropped events, and shows them per person.
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BrowserHealth, FileEvent } from '../../../src/core/schema/event';
import { makeTestConsole, type TestConsole } from '../support/test-console';
import { sampleEvent, sampleId } from '../support/sample-event';

const ADA = 'ada@example.com';
const event = (n: number, email = ADA): Promise<FileEvent> =>
  sampleEvent({ id: sampleId(n), observedAt: '2026-11-22T10:00:00.000Z', user: { email } }).then((e) => ({ ...e, user: { email } }));

function health(over: Partial<BrowserHealth> = {}): BrowserHealth {
  return {
    browserId: '5b0f5f0e-3c55-4d1a-9c3e-2f1b7d2a9e01',
    reportedAt: '2026-11-22T10:00:05.000Z',
    user: { email: 'Ada@Example.com' },
    device: { browser: 'Chrome', browserVersion: '156.0', os: 'linux', extensionVersion: '1.2.0' },
    storage: {
      trouble: '3 event(s) not kept on this device: the disk is full (QuotaExceededError)',
      troubleSince: '2026-11-22T09:59:00.000Z',
      notKeptLocally: 3,
      prunedForSpace: 1000,
    },
    deadLetters: { count: 2, oldestAt: '2026-11-22T09:00:00.000Z', lastError: 'backend answered HTTP 401' },
    queued: 1,
    ...over,
  };
}

describe('browser health on ingest', () => {
  let built: TestConsole;
  const post = (payload: object) => built.app.inject({ method: 'POST', url: '/api/v1/events', headers: built.as('ingest'), payload });
  const browsers = async (email = ADA, role: 'read_only' | 'ingest' = 'read_only') =>
    built.app.inject({ method: 'GET', url: `/api/v1/users/${encodeURIComponent(email)}/browsers`, headers: built.as(role) });
  beforeEach(async () => {
    built = await makeTestConsole();
  });
  afterEach(() => built.close());

  it('stores the latest health per browser and adds up its dropped events, once per delivered batch', async () => {
    expect((await post({ events: [await event(1)], droppedEvents: 5, health: health() })).json()).toMatchObject({ accepted: 1 });
    // The same batch again (the browser did not see the answer): its drops are not counted twice.
    expect((await post({ events: [await event(1)], droppedEvents: 5, health: health() })).json()).toMatchObject({ duplicates: 1 });
    await post({ events: [await event(2)], droppedEvents: 3, health: health({ reportedAt: '2026-11-22T10:01:00.000Z' }) });
    const answer = await browsers();
    expect(answer.statusCode).toBe(200);
    const [one, ...others] = answer.json().browsers;
    expect(others).toEqual([]);
    expect(one).toMatchObject({
      browser: 'Chrome',
      os: 'linux',
      extensionVersion: '1.2.0',
      droppedEvents: 8,
      health: {
        reportedAt: '2026-11-22T10:01:00.000Z',
        storage: {
          trouble: expect.stringContaining('QuotaExceededError'),
          troubleSince: '2026-11-22T09:59:00.000Z',
          queueFailed: false,
          notKeptLocally: 3,
          prunedForSpace: 1000,
        },
        deadLetters: { count: 2, oldestAt: '2026-11-22T09:00:00.000Z', lastError: 'backend answered HTTP 401' },
        queued: 1,
      },
    });
  });

  it('takes health alone in a batch of no events, and the trouble ending', async () => {
    await post({ events: [await event(1)], health: health() });
    const alone = await post({ events: [], health: health({ storage: { notKeptLocally: 3, prunedForSpace: 1000 }, deadLetters: { count: 0 }, queued: 0 }) });
    expect(alone.json()).toMatchObject({ accepted: 0, duplicates: 0 });
    const [one] = (await browsers()).json().browsers;
    expect(one.health).toMatchObject({ storage: { trouble: null, troubleSince: null }, deadLetters: { count: 0, oldestAt: null }, queued: 0 });
  });

  it('still ingests a batch without health (older browsers), keeping its drops; nothing else is stored for it', async () => {
    const res = await post({ events: [await event(1)], droppedEvents: 4 });
    expect(res.statusCode).toBe(200);
    expect((await browsers()).json().browsers).toMatchObject([{ browser: expect.any(String), health: null, droppedEvents: 4 }]);
    await post({ events: [await event(2, 'bob@example.com')] });
    expect((await browsers('bob@example.com')).json().browsers).toEqual([]);
  });

  it('tells two browsers of one person apart; readers see them, browsers (ingest) do not', async () => {
    await post({ events: [await event(1)], health: health() });
    await post({
      events: [await event(2)],
      health: health({ browserId: '5b0f5f0e-3c55-4d1a-9c3e-2f1b7d2a9e02', device: { ...health().device, browser: 'Firefox' } }),
    });
    expect(
      (await browsers())
        .json()
        .browsers.map((b: { browser: string }) => b.browser)
        .sort(),
    ).toEqual(['Chrome', 'Firefox']);
    expect((await browsers(ADA, 'ingest')).statusCode).toBe(403);
  });

  it('acknowledges the events even when their health cannot be recorded (no resend loop)', async () => {
    await sql`drop table browser_health`.execute(built.services.db);
    const res = await post({ events: [await event(1)], droppedEvents: 2, health: health() });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ accepted: 1 });
  });

  it('refuses malformed health with a clear 400 and stores nothing of the batch', async () => {
    const res = await post({ events: [await event(1)], health: { ...health(), browserId: 'not-a-uuid' } });
    expect(res.statusCode).toBe(400);
    expect((await browsers()).json().browsers).toEqual([]);
  });
});
