// @vitest-environment node
/**
 * The orders of GET /api/v1/events (`order=newest|oldest|riskiest`, console/events/search.ts):
 * each lists the whole result in its order, with and without filters, and pages it exactly once
 * while events arrive; a cursor continues only the order it was given for.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiEvent } from '../../../console/events/store';
import type { BuildEventInput } from '../../../src/core/build-event';
import type { FileEvent } from '../../../src/core/schema/event';
import { makeTestConsole, type TestConsole } from '../support/test-console';
import { sampleEvent, sampleId } from '../support/sample-event';

const BASE = Date.parse('2026-11-22T12:00:00.000Z');
const MIN = 60_000;
const ORDERS = ['newest', 'oldest', 'riskiest'] as const;

/** Uploads that score differently (the risk engine decides by how much). */
const KINDS: Partial<BuildEventInput>[] = [
  { user: { email: 'ana@acme.example' }, context: { offHours: true, destinationUse: 'first' } },
  { user: { email: 'ana@acme.example' }, tab: { url: 'https://mail.google.com/mail/u/0/', title: 'Inbox' }, context: { offHours: true } },
  { user: { email: 'bob@acme.example' }, tab: { url: 'https://chatgpt.com/', title: 'ChatGPT' } },
  { user: { email: 'bob@acme.example' }, tab: { url: 'https://github.com/acme/app', title: 'GitHub' }, context: { remote: true } },
  { user: { email: 'ana@acme.example' }, file: { name: 'payroll.xlsx', size: 9, mimeType: '' }, context: { offHours: true, remote: true } },
  { user: { email: 'carol@acme.example' }, tab: { url: 'https://wetransfer.com/', title: 'WeTransfer' }, channel: 'paste' },
];

interface Stored {
  event: FileEvent;
  sortAt: number;
  /** Storage order (seq order). */
  n: number;
}
type Order = (typeof ORDERS)[number];

const COMPARE: Record<Order, (a: Stored, b: Stored) => number> = {
  newest: (a, b) => b.sortAt - a.sortAt || b.n - a.n,
  oldest: (a, b) => a.sortAt - b.sortAt || a.n - b.n,
  riskiest: (a, b) => b.event.risk.score - a.event.risk.score || COMPARE.newest(a, b),
};

async function get(c: TestConsole, url: string) {
  return c.app.inject({ method: 'GET', url, headers: c.as('read_only') });
}

/** Pages through a search; before each next page, `between` may ingest more. */
async function pageAll(c: TestConsole, query: string, limit: number, between?: (lastPage: ApiEvent[]) => Promise<void>): Promise<ApiEvent[]> {
  const seen: ApiEvent[] = [];
  let cursor: string | null = null;
  do {
    const res = await get(c, `/api/v1/events?${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as { events: ApiEvent[]; nextCursor: string | null };
    seen.push(...body.events);
    cursor = body.nextCursor;
    if (cursor && between) await between(body.events);
  } while (cursor);
  return seen;
}

describe('GET /api/v1/events in each order', () => {
  let c: TestConsole;
  const stored: Stored[] = [];
  beforeAll(async () => {
    c = await makeTestConsole();
    // 30 events, 3 minutes apart, in pairs sharing an observed time (ties go to storage order),
    // one with a browser clock far ahead (it sorts at its receipt + 5 minutes).
    for (let n = 0; n < 30; n++) {
      const observed = n === 17 ? Date.parse('9999-12-31T23:59:59.000Z') : BASE - Math.floor(n / 2) * 3 * MIN;
      const receivedAt = n === 17 ? BASE - 40 * MIN : Math.min(observed, BASE) + 1000;
      const event = await sampleEvent({ id: sampleId(n + 1), observedAt: new Date(observed).toISOString(), ...KINDS[n % KINDS.length] });
      await c.services.events.ingest([event], { credentialId: 'test', clientIp: '10.0.0.1', receivedAt });
      stored.push({ event, sortAt: Math.min(observed, receivedAt + 5 * MIN), n });
    }
  });
  afterAll(() => c.close());

  const expected = (order: Order, keep: (s: Stored) => boolean = () => true) =>
    stored
      .filter(keep)
      .sort(COMPARE[order])
      .map((s) => s.event.id);

  it('the fixtures differ in score, and the orders differ from each other', () => {
    expect(new Set(stored.map((s) => s.event.risk.score)).size).toBeGreaterThanOrEqual(3);
    expect(expected('riskiest')).not.toEqual(expected('newest'));
    expect(expected('oldest')).toEqual([...expected('newest')].reverse());
  });

  it.each(ORDERS)('%s: the whole result in that order, whatever the page size', async (order) => {
    for (const limit of [1, 4, 500]) expect((await pageAll(c, `order=${order}`, limit)).map((e) => e.id)).toEqual(expected(order));
  });

  it('newest is the default: the same events and the same cursors as without an order', async () => {
    const plain = (await get(c, '/api/v1/events?limit=4')).json();
    const newest = (await get(c, '/api/v1/events?limit=4&order=newest')).json();
    expect(newest).toEqual(plain);
  });

  const FILTERED: [string, (s: Stored) => boolean][] = [
    // A column's index drives (one value, then two merged), an indicator's, the time index with a range, and a score range.
    ['user=ana@acme.example', (s) => s.event.user.email === 'ana@acme.example'],
    ['user=ana@acme.example,bob@acme.example&channel=file_picker', (s) => ['ana@acme.example', 'bob@acme.example'].includes(s.event.user.email ?? '')],
    ['indicator=off_hours,remote', (s) => s.event.risk.indicators.some((i) => i.id === 'off_hours' || i.id === 'remote')],
    [
      `observedFrom=${new Date(BASE - 30 * MIN).toISOString()}&observedTo=${new Date(BASE - 6 * MIN).toISOString()}`,
      (s) => Date.parse(s.event.observedAt) >= BASE - 30 * MIN && Date.parse(s.event.observedAt) < BASE - 6 * MIN,
    ],
    ['minScore=9', (s) => s.event.risk.score >= 9],
  ];
  it.each(ORDERS.flatMap((order) => FILTERED.map(([query, keep]) => [order, query, keep] as const)))(
    '%s with %s: the filtered events in that order',
    async (order, query, keep) => {
      const want = expected(order, keep);
      expect(want.length).toBeGreaterThan(1);
      expect(want.length).toBeLessThan(stored.length);
      expect((await pageAll(c, `${query}&order=${order}`, 3)).map((e) => e.id)).toEqual(want);
    },
  );

  it('refuses an unknown order, saying which there are', async () => {
    const res = await get(c, '/api/v1/events?order=largest');
    expect(res.statusCode).toBe(400);
    expect(res.json().issues).toContainEqual({ path: 'order', message: 'order must be one of: newest, oldest, riskiest' });
  });

  it.each(ORDERS.flatMap((from) => ORDERS.filter((to) => to !== from).map((to) => [from, to] as const)))(
    'refuses a cursor of the %s order in the %s order',
    async (from, to) => {
      const first = (await get(c, `/api/v1/events?limit=2&order=${from}`)).json() as { nextCursor: string };
      expect(first.nextCursor).toBeTruthy();
      const res = await get(c, `/api/v1/events?limit=2&order=${to}&cursor=${first.nextCursor}`);
      expect(res.statusCode).toBe(400);
      expect(res.json().error).toMatch(/^invalid cursor: .*another order/);
    },
  );

  it('refuses a riskiest cursor without its score', async () => {
    const first = (await get(c, '/api/v1/events?limit=2&order=riskiest')).json() as { nextCursor: string };
    const position = JSON.parse(Buffer.from(first.nextCursor, 'base64url').toString('utf8')) as Record<string, unknown>;
    expect(position).toMatchObject({ o: 'riskiest', r: expect.any(Number) });
    delete position.r;
    const res = await get(c, `/api/v1/events?limit=2&order=riskiest&cursor=${Buffer.from(JSON.stringify(position)).toString('base64url')}`);
    expect(res.statusCode).toBe(400);
  });
});

describe('paging each order while events arrive', () => {
  let c: TestConsole;
  beforeAll(async () => {
    c = await makeTestConsole();
  });
  afterAll(() => c.close());

  /** Every event stored in this console so far (the other order's test stored some too). */
  const storedSoFar: FileEvent[] = [];
  const ingestAll = async (events: FileEvent[], receivedAt: number) => {
    storedSoFar.push(...events);
    for (let i = 0; i < events.length; i += 500)
      await c.services.events.ingest(events.slice(i, i + 500), { credentialId: 'test', clientIp: '10.0.0.2', receivedAt });
  };

  it.each(['oldest', 'riskiest'] as const)('%s: every event stored at the first page exactly once, in order', async (order) => {
    const templates = await Promise.all(KINDS.map((k) => sampleEvent(k)));
    const offset = order === 'oldest' ? 0 : 1_000_000;
    const make = (n: number, observedAt: number): FileEvent => ({
      ...templates[n % templates.length]!,
      id: sampleId(offset + n),
      observedAt: new Date(observedAt).toISOString(),
    });
    // Groups of 3 share an observed time, so ties of score and time cross page boundaries.
    const initial = Array.from({ length: 1_500 }, (_, n) => make(n, BASE - 10_000_000 - Math.floor(n / 3) * 1000));
    await ingestAll(initial, BASE);
    const wanted = storedSoFar.filter((e) => e.user.email !== 'carol@acme.example');
    const before = new Set(wanted.map((e) => e.id));
    let next = 100_000;
    let arrived = 0;
    const listed = await pageAll(c, `order=${order}&user=ana@acme.example,bob@acme.example`, 97, async (page) => {
      const last = page.at(-1)!;
      const at = Date.parse(last.observedAt);
      // At the last one's very key (its template, its time), older and newer than everything, and among the ones to come.
      const arriving = [at, at, at - 1000, at + 1000, BASE, BASE - 50_000_000].flatMap((t) => templates.map(() => make(next++, t)));
      arrived += arriving.length;
      await ingestAll(arriving, BASE + 1000);
    });
    expect(arrived).toBeGreaterThan(100);
    const ids = listed.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.filter((id) => !before.has(id))).toEqual([]);
    expect(ids.length).toBe(wanted.length);
    for (let i = 1; i < listed.length; i++) {
      const [a, b] = [listed[i - 1]!, listed[i]!];
      if (order === 'oldest') expect(Date.parse(b.observedAt)).toBeGreaterThanOrEqual(Date.parse(a.observedAt));
      else expect(b.risk.score < a.risk.score || (b.risk.score === a.risk.score && Date.parse(b.observedAt) <= Date.parse(a.observedAt))).toBe(true);
    }
  });
});
