// @vitest-environment node
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS, HOUR_MS, pruneExposureBefore, spans, type ExposureAnswer } from '../../../console/events/exposure';
import { up as migrateExposure } from '../../../console/db/migrations/0002-exposure';
import type { BuildEventInput } from '../../../src/core/build-event';
import { SEVERITIES } from '../../../src/core/schema/identifiers';
import type { FileEvent } from '../../../src/core/schema/event';
import { seededRandom as seeded } from '../../../bench/lib';
import { makeTestConsole, type TestConsole } from '../support/test-console';
import { sampleEvent, sampleId } from '../support/sample-event';

const BASE = Date.parse('2026-11-22T12:00:00.000Z');

const USERS = ['ana@acme.example', 'Bob@Acme.example', 'carol@acme.example', 'dave@acme.example', 'erin@acme.example', undefined];
const TABS = [
  { url: 'https://www.dropbox.com/home', title: 'Dropbox' },
  { url: 'https://mail.google.com/mail/u/0/', title: 'Inbox' },
  { url: 'https://chatgpt.com/', title: 'ChatGPT' },
  { url: 'https://github.com/acme/app', title: 'GitHub' },
  { url: 'https://files.intranet.example/upload', title: 'Files' },
  { url: 'https://WeTransfer.com/', title: 'WeTransfer' },
];
const NAMES = ['payroll.xlsx', 'main.py', 'deck.pptx', 'contract.pdf', 'notes.txt', 'photo.jpg', 'setup.exe'];

/** One stored event as the events table has it: what a direct count works from. */
interface Row {
  sortAt: number;
  user: string;
  score: number;
  rank: number;
  kind: 'service' | 'host';
  destination: string;
  category: string;
  indicators: string[];
}

let built: TestConsole;

async function storedRows(): Promise<Row[]> {
  const db = built.services.db;
  const events = await db
    .selectFrom('events')
    .select(['seq', 'sort_at', 'user_email', 'score', 'severity_rank', 'service_id', 'host', 'destination_category'])
    .execute();
  const indicators = await db.selectFrom('event_indicators').select(['event_seq', 'indicator']).execute();
  return events.map((e) => ({
    sortAt: Number(e.sort_at),
    user: e.user_email ?? '',
    score: e.score,
    rank: e.severity_rank,
    kind: e.service_id ? 'service' : 'host',
    destination: e.service_id ?? e.host,
    category: e.destination_category,
    indicators: indicators.filter((i) => Number(i.event_seq) === Number(e.seq)).map((i) => i.indicator),
  }));
}

/** The exposure answer computed straight from the events. */
function directCount(rows: Row[], from: number, to: number, bucket: 'hour' | 'day', top: number): Omit<ExposureAnswer, 'from' | 'to'> {
  const size = bucket === 'hour' ? HOUR_MS : DAY_MS;
  const sFrom = Math.floor(from / size) * size;
  const sTo = Math.ceil(to / size) * size;
  const zero = () => ({ none: 0, low: 0, moderate: 0, high: 0, critical: 0, total: 0 });
  const buckets = Array.from({ length: (sTo - sFrom) / size }, (_, i) => ({ start: new Date(sFrom + i * size).toISOString(), ...zero() }));
  const totals = zero();
  for (const r of rows) {
    if (r.sortAt < sFrom || r.sortAt >= sTo) continue;
    const b = buckets[Math.floor((r.sortAt - sFrom) / size)]!;
    const sev = SEVERITIES[r.rank]!;
    b[sev]++;
    b.total++;
    totals[sev]++;
    totals.total++;
  }
  const dFrom = Math.floor(from / DAY_MS) * DAY_MS;
  const dTo = Math.ceil(to / DAY_MS) * DAY_MS;
  const inDays = rows.filter((r) => r.sortAt >= dFrom && r.sortAt < dTo);
  const group = <K extends string>(keyOf: (r: Row) => K[]) => {
    const out = new Map<K, { events: number; scoreSum: number; rank: number }>();
    for (const r of inDays) {
      for (const k of keyOf(r)) {
        const g = out.get(k) ?? { events: 0, scoreSum: 0, rank: 0 };
        out.set(k, { events: g.events + 1, scoreSum: g.scoreSum + r.score, rank: Math.max(g.rank, r.rank) });
      }
    }
    return [...out.entries()];
  };
  const byRisk = (a: [string, { events: number; scoreSum: number }], b: [string, { events: number; scoreSum: number }]) =>
    b[1].scoreSum - a[1].scoreSum || b[1].events - a[1].events || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
  return {
    series: { bucket, coveredFrom: new Date(sFrom).toISOString(), coveredTo: new Date(sTo).toISOString(), buckets, totals },
    top: {
      coveredFrom: new Date(dFrom).toISOString(),
      coveredTo: new Date(dTo).toISOString(),
      users: group((r) => [r.user])
        .sort(byRisk)
        .slice(0, top)
        .map(([k, g]) => ({ email: k || null, events: g.events, scoreSum: g.scoreSum, maxSeverity: SEVERITIES[g.rank]! })),
      destinations: group((r) => [`${r.destination}\u0000${r.kind}\u0000${r.category}`])
        .sort(byRisk)
        .slice(0, top)
        .map(([k, g]) => {
          const [destination, kind, category] = k.split('\u0000') as [string, 'service' | 'host', string];
          return { kind, destination, category, events: g.events, scoreSum: g.scoreSum, maxSeverity: SEVERITIES[g.rank]! };
        }),
      indicators: group((r) => r.indicators)
        .sort((a, b) => b[1].events - a[1].events || (a[0] < b[0] ? -1 : 1))
        .slice(0, top)
        .map(([indicator, g]) => ({ indicator, events: g.events, scoreSum: g.scoreSum })),
    },
  };
}

async function exposure(query: string): Promise<ExposureAnswer> {
  const res = await built.app.inject({ method: 'GET', url: `/api/v1/exposure?${query}`, headers: built.as('read_only') });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as ExposureAnswer;
}

const iso = (ms: number) => new Date(ms).toISOString();

beforeAll(async () => {
  built = await makeTestConsole({ now: () => BASE });
  const random = seeded(11);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  const events: FileEvent[] = [];
  for (let n = 0; n < 400; n++) {
    const over: Partial<BuildEventInput> = {
      id: sampleId(n + 1),
      // Over ten days; one in twenty from a clock far ahead (sorts at its receipt time).
      observedAt: random() < 0.05 ? '9999-12-31T00:00:00.000Z' : iso(BASE - Math.floor(random() * 10 * DAY_MS)),
      user: { email: pick(USERS) },
      tab: pick(TABS),
      file: { name: pick(NAMES), size: 10, mimeType: '' },
      context: { offHours: random() < 0.3, remote: random() < 0.2, destinationUse: pick(['first', 'rare', 'known'] as const), rareWindowDays: 90 },
      destinationOptions: random() < 0.1 ? { trusted: ['files.intranet.example', 'github.com'] } : {},
    };
    events.push(await sampleEvent(over));
  }
  // Batches of random sizes received at random times: some events arrive before their (skewed) observed time.
  for (let i = 0; i < events.length;) {
    const size = 1 + Math.floor(random() * 40);
    const receivedAt = BASE - Math.floor(random() * 10 * DAY_MS);
    await built.services.events.ingest(events.slice(i, i + size), { credentialId: 'test', clientIp: '10.0.0.1', receivedAt });
    i += size;
  }
  // Retries of events already stored are not counted twice.
  await built.services.events.ingest(events.slice(0, 50), { credentialId: 'test', clientIp: '10.0.0.1', receivedAt: BASE });
}, 60_000);
afterAll(() => built.close());

describe('GET /api/v1/exposure', () => {
  it.each([
    ['day', BASE - 11 * DAY_MS - 3 * HOUR_MS, BASE + DAY_MS + 7 * HOUR_MS, 50],
    ['day', BASE - 4 * DAY_MS + 5 * HOUR_MS, BASE - DAY_MS - 30_000, 3],
    ['hour', BASE - 3 * DAY_MS - 1234, BASE - 1 * DAY_MS + 4321, 5],
    ['hour', BASE - 2 * DAY_MS + 7 * 60_000, BASE + HOUR_MS, 10],
  ] as const)('equals a direct count over the events (bucket %s)', async (bucket, from, to, top) => {
    const rows = await storedRows();
    expect(rows.length).toBe(400);
    const answer = await exposure(`from=${iso(from)}&to=${iso(to)}&bucket=${bucket}&top=${top}`);
    expect(answer).toEqual({ from: iso(from), to: iso(to), ...directCount(rows, from, to, bucket, top) });
    expect(answer.series.totals.total).toBeGreaterThan(0);
    expect(answer.top.users.length).toBeGreaterThan(0);
  });

  it('defaults to the last 7 UTC days, by day, top 10', async () => {
    const answer = await exposure('');
    const today = Math.floor(BASE / DAY_MS) * DAY_MS;
    expect(answer.from).toBe(iso(today - 6 * DAY_MS));
    expect(answer.to).toBe(iso(today + DAY_MS));
    expect(answer.series.buckets.map((b) => b.start)).toEqual(Array.from({ length: 7 }, (_, i) => iso(today - (6 - i) * DAY_MS)));
    expect(answer).toEqual({ from: answer.from, to: answer.to, ...directCount(await storedRows(), today - 6 * DAY_MS, today + DAY_MS, 'day', 10) });
  });

  it('back-fills the aggregates of events stored before the migration', async () => {
    const query = `from=${iso(BASE - 12 * DAY_MS)}&to=${iso(BASE + DAY_MS)}&top=50`;
    const before = await exposure(query);
    const db = built.services.db;
    for (const table of [
      'exposure_hourly',
      'exposure_user_daily',
      'exposure_user_weekly',
      'exposure_destination_daily',
      'exposure_destination_weekly',
      'exposure_indicator_daily',
    ]) {
      await sql`drop table ${sql.table(table)}`.execute(db);
    }
    await migrateExposure(db as unknown as Kysely<unknown>, 'sqlite');
    expect(await exposure(query)).toEqual(before);
  });

  it.each([
    ['from after to', `from=${iso(BASE)}&to=${iso(BASE - 1)}`],
    ['more than 400 days', `from=${iso(BASE - 401 * DAY_MS)}&to=${iso(BASE)}`],
    ['more than 2,000 buckets', `from=${iso(BASE - 90 * DAY_MS)}&to=${iso(BASE)}&bucket=hour`],
    ['a bad date', 'from=last-week'],
    ['a bad bucket', 'bucket=week'],
    ['top above 50', 'top=51'],
  ])('400 on %s', async (_what, query) => {
    const res = await built.app.inject({ method: 'GET', url: `/api/v1/exposure?${query}`, headers: built.as('read_only') });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toBeTruthy();
  });

  it('sums whole weeks from weekly rows and the days at either end from daily rows', () => {
    const monday = Date.parse('2026-11-16T00:00:00.000Z');
    expect(spans(monday, monday + 14 * DAY_MS)).toEqual({ weeks: [monday, monday + 14 * DAY_MS], days: [] });
    expect(spans(monday + 2 * DAY_MS, monday + 15 * DAY_MS)).toEqual({
      weeks: [monday + 7 * DAY_MS, monday + 14 * DAY_MS],
      days: [
        [monday + 2 * DAY_MS, monday + 7 * DAY_MS],
        [monday + 14 * DAY_MS, monday + 15 * DAY_MS],
      ],
    });
    expect(spans(monday + 2 * DAY_MS, monday + 9 * DAY_MS)).toEqual({ days: [[monday + 2 * DAY_MS, monday + 9 * DAY_MS]] });
  });

  it('is for reading roles only', async () => {
    expect((await built.app.inject({ method: 'GET', url: '/api/v1/exposure', headers: built.as('ingest') })).statusCode).toBe(403);
  });

  // Last: it deletes aggregates.
  it('prunes aggregates older than a cutoff, keeping the rows of users on legal hold', async () => {
    const cutoff = Math.floor(BASE / DAY_MS) * DAY_MS - 4 * DAY_MS;
    const rows = await storedRows();
    await built.services.db.transaction().execute((trx) => pruneExposureBefore(trx, cutoff, ['ANA@acme.example']));
    const from = BASE - 12 * DAY_MS;
    const to = BASE + DAY_MS;
    const answer = await exposure(`from=${iso(from)}&to=${iso(to)}&top=50`);
    const kept = directCount(
      rows.filter((r) => r.sortAt >= cutoff),
      from,
      to,
      'day',
      50,
    );
    expect(answer.series).toEqual(kept.series);
    expect(answer.top.destinations).toEqual(kept.top.destinations);
    expect(answer.top.indicators).toEqual(kept.top.indicators);
    // The held user keeps every day; the others only the days from the cutoff on.
    const held = directCount(
      rows.filter((r) => r.sortAt >= cutoff || r.user === 'ana@acme.example'),
      from,
      to,
      'day',
      50,
    );
    expect(answer.top.users).toEqual(held.top.users);
    expect(answer.top.users.find((u) => u.email === 'ana@acme.example')!.events).toBe(rows.filter((r) => r.user === 'ana@acme.example').length);
  });
});
