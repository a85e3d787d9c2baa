// @vitest-environment node
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiEvent } from '../../../console/events/store';
import { SEVERITIES } from '../../../src/core/schema/identifiers';
import type { FileEvent } from '../../../src/core/schema/event';
import type { BuildEventInput } from '../../../src/core/build-event';
import { makeTestConsole, type TestConsole } from '../support/test-console';
import { sampleEvent, sampleId } from '../support/sample-event';

const BASE = Date.parse('2026-11-22T12:00:00.000Z');
const MIN = 60_000;

interface Fixture {
  over: Partial<BuildEventInput>;
  /** Minutes after BASE it was observed; received one second later unless `receivedAt`. */
  at: number;
  receivedAt?: number;
}

const dropbox = { url: 'https://www.dropbox.com/home', title: 'Dropbox' };
const FIXTURES: Fixture[] = [
  {
    at: -60,
    over: {
      user: { email: 'Ana@Acme.example' },
      tab: dropbox,
      file: { name: 'payroll.xlsx', size: 9, mimeType: '' },
      context: { offHours: true, destinationUse: 'first' },
    },
  },
  {
    at: -55,
    over: {
      user: { email: 'ana@acme.example' },
      tab: { url: 'https://mail.google.com/mail/u/0/', title: 'Inbox' },
      file: { name: 'main.py', size: 9, mimeType: '' },
      channel: 'drag_drop',
    },
  },
  {
    at: -50,
    over: {
      user: { email: 'bob@acme.example' },
      tab: { url: 'https://chatgpt.com/', title: 'ChatGPT' },
      file: { name: 'Board-Deck.PPTX', size: 9, mimeType: '' },
      channel: 'paste',
      context: { remote: true },
    },
  },
  {
    at: -45,
    over: {
      user: { email: 'bob@acme.example' },
      tab: { url: 'https://github.com/acme/app', title: 'GitHub' },
      file: { name: '100%_done.txt', size: 9, mimeType: '' },
    },
  },
  {
    at: -40,
    over: {
      user: { email: 'carol@acme.example' },
      tab: { url: 'https://files.intranet.example/upload', title: 'Files' },
      destinationOptions: { trusted: ['files.intranet.example'] },
      file: { name: 'a_b.txt', size: 9, mimeType: '' },
    },
  },
  { at: -35, over: { tab: dropbox, file: { name: 'photo.jpg', size: 9, mimeType: '' }, channel: 'fs_access' } },
  {
    at: -30,
    over: {
      user: { email: 'dave@acme.example' },
      tab: { url: 'https://wetransfer.com/', title: 'WeTransfer' },
      file: { name: 'axb.txt', size: 9, mimeType: '' },
      context: { offHours: true },
    },
  },
  {
    at: -25,
    over: {
      user: { email: 'ana@acme.example' },
      tab: dropbox,
      file: { name: '1000_done.txt', size: 9, mimeType: '' },
      context: { destinationUse: 'rare', rareWindowDays: 90 },
    },
  },
  {
    at: -20,
    over: {
      user: { email: 'erin@acme.example' },
      tab: { url: 'https://drive.google.com/drive/my-drive', title: 'Drive' },
      file: { name: 'contract.pdf', size: 9, mimeType: '' },
      channel: 'programmatic',
    },
  },
  // Same observed time as the previous one: the tie goes to the one stored later.
  {
    at: -20,
    over: {
      user: { email: 'bob@acme.example' },
      tab: dropbox,
      file: { name: 'deck-final.pptx', size: 9, mimeType: '' },
      context: { offHours: true, remote: true },
    },
  },
  // A browser clock far ahead (or a forged date): sorts at its receipt time + 5 minutes, below newer events.
  {
    at: 0,
    receivedAt: BASE - 10 * MIN,
    over: {
      observedAt: '9999-12-31T23:59:59.000Z',
      user: { email: 'mallory@acme.example' },
      tab: dropbox,
      file: { name: 'forged.zip', size: 9, mimeType: '' },
    },
  },
  {
    at: -2,
    over: {
      user: { email: 'ana@acme.example' },
      tab: { url: 'https://mail.google.com/mail/u/0/', title: 'Inbox' },
      file: { name: 'newest.docx', size: 9, mimeType: '' },
    },
  },
];

interface Stored {
  event: FileEvent;
  receivedAt: number;
  sortAt: number;
  order: number;
}

let built: TestConsole;
let stored: Stored[];

async function list(query: string, limit = 3): Promise<ApiEvent[]> {
  const out: ApiEvent[] = [];
  let cursor: string | null = null;
  do {
    const qs = `${query}${query ? '&' : ''}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`;
    const res = await built.app.inject({ method: 'GET', url: `/api/v1/events?${qs}`, headers: built.as('read_only') });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as { events: ApiEvent[]; nextCursor: string | null };
    out.push(...body.events);
    cursor = body.nextCursor;
  } while (cursor);
  return out;
}

const expected = (keep: (e: FileEvent, s: Stored) => boolean) =>
  stored
    .filter((s) => keep(s.event, s))
    .sort((a, b) => b.sortAt - a.sortAt || b.order - a.order)
    .map((s) => s.event.id);

const rank = (e: FileEvent) => SEVERITIES.indexOf(e.risk.severity);
const lowerIn = (values: string[], v: string | undefined) => v !== undefined && values.includes(v.toLowerCase());
const at = (minutes: number) => new Date(BASE + minutes * MIN).toISOString();

beforeAll(async () => {
  built = await makeTestConsole();
  stored = [];
  for (const [i, f] of FIXTURES.entries()) {
    const event = await sampleEvent({ id: sampleId(i + 1), observedAt: at(f.at), ...f.over });
    const receivedAt = f.receivedAt ?? BASE + f.at * MIN + 1000;
    await built.services.events.ingest([event], { credentialId: 'test', clientIp: '10.0.0.1', receivedAt });
    stored.push({ event, receivedAt, sortAt: Math.min(Date.parse(event.observedAt), receivedAt + 5 * MIN), order: i });
  }
});
afterAll(() => built.close());

describe('GET /api/v1/events filters', () => {
  const CASES: [string, (e: FileEvent, s: Stored) => boolean][] = [
    ['user=ANA@acme.example', (e) => lowerIn(['ana@acme.example'], e.user.email)],
    ['user=ana@acme.example,Bob@acme.example', (e) => lowerIn(['ana@acme.example', 'bob@acme.example'], e.user.email)],
    ['minSeverity=high', (e) => rank(e) >= 3],
    ['minSeverity=moderate', (e) => rank(e) >= 2],
    ['minSeverity=critical', (e) => rank(e) >= 4],
    ['minScore=6', (e) => e.risk.score >= 6],
    ['maxScore=5', (e) => e.risk.score <= 5],
    ['minScore=3&maxScore=8', (e) => e.risk.score >= 3 && e.risk.score <= 8],
    ['destinationCategory=cloud_storage', (e) => e.destination.category === 'cloud_storage'],
    ['destinationCategory=email,ai_tools', (e) => ['email', 'ai_tools'].includes(e.destination.category)],
    ['serviceId=dropbox', (e) => e.destination.serviceId === 'dropbox'],
    ['serviceId=dropbox,gmail', (e) => ['dropbox', 'gmail'].includes(e.destination.serviceId ?? '')],
    ['host=WWW.DROPBOX.COM', (e) => e.destination.host === 'www.dropbox.com'],
    ['fileCategory=presentation', (e) => e.file.category === 'presentation'],
    ['fileCategory=presentation,spreadsheet', (e) => ['presentation', 'spreadsheet'].includes(e.file.category)],
    ['fileName=DECK', (e) => e.file.name.toLowerCase().includes('deck')],
    // LIKE wildcards are literal text: '100%' is not "100 then anything", '_' is not "any one character".
    ['fileName=100%25', (e) => e.file.name.includes('100%')],
    ['fileName=a_b', (e) => e.file.name.includes('a_b')],
    ['fileName=0_done', (e) => e.file.name.includes('0_done')],
    ['extension=.PPTX', (e) => e.file.extension.toLowerCase() === 'pptx'],
    ['extension=txt,py', (e) => ['txt', 'py'].includes(e.file.extension)],
    ['indicator=off_hours', (e) => e.risk.indicators.some((i) => i.id === 'off_hours')],
    ['indicator=off_hours,remote', (e) => e.risk.indicators.some((i) => i.id === 'off_hours' || i.id === 'remote')],
    ['channel=paste,drag_drop', (e) => e.channel === 'paste' || e.channel === 'drag_drop'],
    ['trusted=true', (e) => e.destination.trusted],
    ['trusted=false', (e) => !e.destination.trusted],
    [`observedFrom=${at(-40)}`, (e) => Date.parse(e.observedAt) >= BASE - 40 * MIN],
    [`observedTo=${at(-40)}`, (e) => Date.parse(e.observedAt) < BASE - 40 * MIN],
    [`observedFrom=${at(-50)}&observedTo=${at(-20)}`, (e) => Date.parse(e.observedAt) >= BASE - 50 * MIN && Date.parse(e.observedAt) < BASE - 20 * MIN],
    [`receivedFrom=${at(-30)}`, (_e, s) => s.receivedAt >= BASE - 30 * MIN],
    [`receivedTo=${at(-30)}`, (_e, s) => s.receivedAt < BASE - 30 * MIN],
    // Combined: every filter applies.
    ['user=ana@acme.example&minSeverity=high', (e) => lowerIn(['ana@acme.example'], e.user.email) && rank(e) >= 3],
    ['user=bob@acme.example&indicator=remote', (e) => e.user.email === 'bob@acme.example' && e.risk.indicators.some((i) => i.id === 'remote')],
    [
      'destinationCategory=cloud_storage&channel=file_picker&trusted=false',
      (e) => e.destination.category === 'cloud_storage' && e.channel === 'file_picker' && !e.destination.trusted,
    ],
    ['indicator=off_hours&fileCategory=presentation', (e) => e.risk.indicators.some((i) => i.id === 'off_hours') && e.file.category === 'presentation'],
    [
      'fileName=done&extension=txt&user=bob@acme.example,ana@acme.example',
      (e) => e.file.name.includes('done') && lowerIn(['bob@acme.example', 'ana@acme.example'], e.user.email),
    ],
    [
      `serviceId=dropbox&minScore=5&receivedTo=${at(-20)}`,
      (e, s) => e.destination.serviceId === 'dropbox' && e.risk.score >= 5 && s.receivedAt < BASE - 20 * MIN,
    ],
    [
      `host=www.dropbox.com&minSeverity=moderate&observedTo=${at(-30)}`,
      (e) => e.destination.host === 'www.dropbox.com' && rank(e) >= 2 && Date.parse(e.observedAt) < BASE - 30 * MIN,
    ],
  ];

  it.each(CASES)('%s', async (query, keep) => {
    const want = expected(keep);
    // Every case narrows the fixture set without emptying it, so each filter is seen to act.
    expect(want.length).toBeGreaterThan(0);
    expect(want.length).toBeLessThan(FIXTURES.length);
    expect((await list(query)).map((e) => e.id)).toEqual(want);
    expect((await list(query, 500)).map((e) => e.id)).toEqual(want);
  });

  it('lists everything newest first; a far-future observed time sorts at its receipt time', async () => {
    const all = await list('', 5);
    expect(all.map((e) => e.id)).toEqual(expected(() => true));
    const names = all.map((e) => e.file.name);
    // Received 10 minutes before BASE: it sorts at BASE - 5 min, after the event observed at BASE - 2 min.
    expect(names.slice(0, 2)).toEqual(['newest.docx', 'forged.zip']);
    // Equal observed times: the one stored later first.
    expect(names.indexOf('deck-final.pptx')).toBe(names.indexOf('contract.pdf') - 1);
    expect(all[1]!.received).toMatchObject({ at: new Date(BASE - 10 * MIN).toISOString(), clientIp: '10.0.0.1' });
  });

  it.each([
    'minSeverity=extreme',
    'observedFrom=yesterday',
    'observedTo=2026-13-01T00:00:00Z',
    'receivedFrom=1700000000',
    'limit=0',
    'limit=501',
    'limit=ten',
    'destinationCategory=nope',
    'fileCategory=document,nope',
    'channel=carrier_pigeon',
    'trusted=yes',
    'minScore=-1',
    'minScore=5&maxScore=2',
    'user=',
    `user=${'a'.repeat(321)}`,
    'indicator=Off-Hours',
    `fileName=${'x'.repeat(257)}`,
    `user=${Array.from({ length: 51 }, (_, i) => `u${i}@x`).join(',')}`,
    'cursor=not-a-cursor',
    `cursor=${Buffer.from('{"m":1}').toString('base64url')}`,
  ])('400 on %s', async (query) => {
    const res = await built.app.inject({ method: 'GET', url: `/api/v1/events?${query}`, headers: built.as('read_only') });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatch(/invalid/);
  });

  it('is for people with a reading role, not for browsers', async () => {
    expect((await built.app.inject({ method: 'GET', url: '/api/v1/events', headers: built.as('ingest') })).statusCode).toBe(403);
    expect((await built.app.inject({ method: 'GET', url: '/api/v1/events' })).statusCode).toBe(401);
  });

  it('answers an empty page with a null cursor when nothing matches', async () => {
    const res = await built.app.inject({ method: 'GET', url: '/api/v1/events?user=nobody@acme.example', headers: built.as('read_only') });
    expect(res.json()).toEqual({ events: [], nextCursor: null });
  });
});

describe('paging while events arrive', () => {
  let c: TestConsole;
  beforeAll(async () => {
    c = await makeTestConsole();
  });
  afterAll(() => c.close());

  async function ingestAll(events: FileEvent[], receivedAt: number, batch = 1000) {
    for (let i = 0; i < events.length; i += batch) {
      await c.services.events.ingest(events.slice(i, i + batch), { credentialId: 'test', clientIp: '10.0.0.2', receivedAt });
    }
  }

  /** Pages through a search; before each next page, `between` may ingest more. Returns the ids in the order listed. */
  async function pageAll(query: string, limit: number, between: (lastPage: ApiEvent[]) => Promise<void>): Promise<ApiEvent[]> {
    const seen: ApiEvent[] = [];
    let cursor: string | null = null;
    do {
      const res = await c.app.inject({
        method: 'GET',
        url: `/api/v1/events?${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`,
        headers: c.as('analyst'),
      });
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json() as { events: ApiEvent[]; nextCursor: string | null };
      seen.push(...body.events);
      cursor = body.nextCursor;
      if (cursor) await between(body.events);
    } while (cursor);
    return seen;
  }

  it('lists each of 10,000 events stored at the first page exactly once, in order, while others arrive', async () => {
    const template = await sampleEvent();
    const make = (n: number, observedAt: number): FileEvent => ({ ...template, id: sampleId(n), observedAt: new Date(observedAt).toISOString() });
    // Groups of 7 share an observed time: ties are broken by storage order across page boundaries.
    const initial = Array.from({ length: 10_000 }, (_, n) => make(100_000 + n, BASE - Math.floor(n / 7) * 1000));
    await ingestAll(initial, BASE);
    let next = 200_000;
    let arrived = 0;
    const listed = await pageAll('', 500, async (page) => {
      const last = Date.parse(page.at(-1)!.observedAt);
      // Newer than everything, at the very time of the last one listed, and among the ones still to come.
      const arriving = [BASE + 60_000, last, last, last - 1000, last - 5000, BASE - 20_000_000].map((t) => make(next++, t));
      arrived += arriving.length;
      await ingestAll(arriving, BASE + 1000);
    });
    expect(arrived).toBeGreaterThan(100);
    const ids = listed.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.sort()).toEqual(initial.map((e) => e.id).sort());
    for (let i = 1; i < listed.length; i++) expect(Date.parse(listed[i]!.observedAt)).toBeLessThanOrEqual(Date.parse(listed[i - 1]!.observedAt));
  });

  it('pages a filter with several values (one ordered scan each, merged) exactly once, events with two wanted indicators included once', async () => {
    const both = await sampleEvent({ user: { email: 'pat@acme.example' }, context: { offHours: true, destinationUse: 'first' } });
    const one = await sampleEvent({
      user: { email: 'pat@acme.example' },
      tab: { url: 'https://mail.google.com/mail/u/0/', title: 'Inbox' },
      context: { offHours: true },
    });
    const neither = await sampleEvent({ user: { email: 'pat@acme.example' }, tab: { url: 'https://chatgpt.com/', title: 'ChatGPT' } });
    const templates = [both, one, neither];
    const make = (n: number, observedAt: number): FileEvent => ({ ...templates[n % 3]!, id: sampleId(n), observedAt: new Date(observedAt).toISOString() });
    const initial = Array.from({ length: 2_000 }, (_, n) => make(300_000 + n, BASE - 5_000_000 - Math.floor(n / 3) * 1000));
    await ingestAll(initial, BASE);
    let next = 400_000;
    // Every event stored so far with its template number: what a search's first page sees.
    const storedSoFar = initial.map((e, n) => ({ e, n }));
    for (const [query, keep] of [
      ['user=pat@acme.example&indicator=off_hours,first_use_of_destination', (n: number) => n % 3 !== 2],
      ['user=pat@acme.example&destinationCategory=cloud_storage,email', (n: number) => n % 3 !== 2],
      ['user=pat@acme.example&minSeverity=low', () => true],
    ] as const) {
      const snapshot = [...storedSoFar];
      const arrived: typeof storedSoFar = [];
      const listed = await pageAll(query, 97, async (page) => {
        const last = Date.parse(page.at(-1)!.observedAt);
        const arriving = [last, last - 1000, BASE].map((t) => ({ n: next, e: make(next++, t) }));
        arrived.push(...arriving);
        await ingestAll(
          arriving.map((a) => a.e),
          BASE + 1000,
        );
      });
      const ids = listed.map((e) => e.id);
      expect(new Set(ids).size, query).toBe(ids.length);
      expect(ids.sort(), query).toEqual(
        snapshot
          .filter(({ n }) => keep(n))
          .map(({ e }) => e.id)
          .sort(),
      );
      storedSoFar.push(...arrived);
    }
  });
});
