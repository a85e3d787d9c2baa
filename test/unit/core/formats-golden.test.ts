// @vitest-environment node
/**
 * Golden files: each wire format's exact output for three fixed events (one scored, one trusted, one blocked by a response rule),
 * with a drop counter. A change to a format shows up as a diff here. A missing golden file fails:
 * only an explicit UPWATCH_UPDATE_GOLDEN=1 writes them
 * (UPWATCH_UPDATE_GOLDEN=1 npx vitest run --project unit formats-golden), then review the diff.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { wireFormatFor } from '../../../src/core/formats';
import { retryAfterMs } from '../../../src/core/formats/wire-format';
import { BACKEND_FORMATS } from '../../../src/core/schema/identifiers';
import { sampleEvent, sampleId } from '../support/sample-event';

const scored = await sampleEvent({
  id: sampleId(1),
  observedAt: '2026-11-23T10:00:00.000Z',
  user: { email: 'ana@acme.com' },
  file: { name: 'payroll.xlsx', size: 5120, mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
  tab: { url: 'https://wetransfer.com/', title: 'WeTransfer' },
  sources: [{ category: 'hr', serviceId: 'workday', serviceName: 'Workday', url: 'https://wd5.myworkday.com/acme', acquiredAt: '2026-11-23T09:00:00.000Z' }],
  context: { destinationUse: 'first', offHours: true },
});
const trusted = await sampleEvent({
  id: sampleId(2),
  observedAt: '2026-11-23T10:05:00.000Z',
  tab: { url: 'https://intranet.acme.example/docs', title: 'Docs' },
  destinationOptions: { trusted: ['intranet.acme.example'] },
});

/** Blocked by a response rule (issue 14): every format carries the outcome. */
const blocked = {
  ...(await sampleEvent({
    id: sampleId(3),
    observedAt: '2026-11-23T10:06:00.000Z',
    user: { email: 'ana@acme.com' },
    file: { name: 'clients.csv', size: 2048, mimeType: 'text/csv' },
    tab: { url: 'https://www.dropbox.com/home', title: 'Dropbox' },
  })),
  response: { action: 'block', outcome: 'blocked', ruleId: 'no-personal-cloud', decidedInMs: 4 } as const,
};

const golden = (id: string) => new URL(`../../fixtures/formats/${id}.golden`, import.meta.url);
const UPDATE_GOLDEN = process.env.UPWATCH_UPDATE_GOLDEN === '1';

describe('wire formats: golden files', () => {
  it.each(BACKEND_FORMATS)('%s', (id) => {
    const format = wireFormatFor(id);
    const bodies = (format.maxEventsPerRequest === 1 ? [[scored], [trusted], [blocked]] : [[scored, trusted, blocked]]).map((batch, i) =>
      format.encode(batch, i === 0 ? { droppedEvents: 3 } : {}),
    );
    const text = `${format.endpoint('https://backend.acme.example/ingest')}\n${format.authorization('user:t0k')}\n${format.contentType}\n\n${bodies.join('\n---\n')}\n`;
    if (UPDATE_GOLDEN) writeFileSync(golden(id), text);
    expect(existsSync(golden(id)), `test/fixtures/formats/${id}.golden is missing: write it with UPWATCH_UPDATE_GOLDEN=1 and review it`).toBe(true);
    expect(text).toBe(readFileSync(golden(id), 'utf8'));
  });
});

describe('what a backend answer means', () => {
  const NOW = Date.parse('2026-10-21T07:27:00Z');
  const native = wireFormatFor('native');
  it.each([
    [200, 'ok'],
    [202, 'ok'],
    [413, 'split'],
    [408, 'retry'],
    [409, 'retry'],
    [429, 'retry'],
    [500, 'retry'],
    [503, 'retry'],
    [400, 'dead'],
    [401, 'dead'],
    [403, 'dead'],
    [404, 'dead'],
    [422, 'dead'],
  ] as const)('HTTP %i → %s', (status, kind) => {
    expect(native.interpret(status, '', null, NOW, 1).kind).toBe(kind);
  });

  it('honours Retry-After in seconds or as a date', () => {
    expect(native.interpret(429, '', '120', NOW, 1)).toMatchObject({ kind: 'retry', retryAfterMs: 120_000 });
    expect(retryAfterMs('Wed, 21 Oct 2026 07:28:00 GMT', NOW)).toBe(60_000);
    // The date counts from the clock handed in, not from the machine's.
    expect(native.interpret(503, '', 'Wed, 21 Oct 2026 07:28:00 GMT', NOW, 1)).toMatchObject({ kind: 'retry', retryAfterMs: 60_000 });
    expect(native.interpret(503, '', 'Wed, 21 Oct 2026 07:28:00 GMT', NOW - 60_000, 1)).toMatchObject({ kind: 'retry', retryAfterMs: 120_000 });
    expect(retryAfterMs('soon', NOW)).toBeUndefined();
  });

  it('reads Splunk HEC codes: 9 (server busy) retries, 6 (invalid data) and 4 (invalid token) do not', () => {
    const hec = wireFormatFor('splunk_hec');
    expect(hec.interpret(200, '{"text":"Success","code":0}', null, NOW, 1).kind).toBe('ok');
    expect(hec.interpret(503, '{"text":"Server is busy","code":9}', '5', NOW, 1)).toMatchObject({ kind: 'retry', retryAfterMs: 5000 });
    expect(hec.interpret(400, '{"text":"Invalid data format","code":6,"invalid-event-number":0}', null, NOW, 1)).toMatchObject({
      kind: 'dead',
      error: expect.stringContaining('HEC code 6'),
    });
    expect(hec.interpret(403, '{"text":"Invalid token","code":4}', null, NOW, 1).kind).toBe('dead');
    expect(hec.interpret(500, '{"text":"Internal server error","code":8}', null, NOW, 1).kind).toBe('retry');
  });

  it('reads Elasticsearch _bulk items: 409 on create is already indexed, 429 retries, 400 is refused', () => {
    const es = wireFormatFor('elastic');
    const body = JSON.stringify({
      errors: true,
      items: [
        { create: { status: 201 } },
        { create: { status: 409 } },
        { create: { status: 429 } },
        { create: { status: 400, error: { type: 'mapper_parsing_exception', reason: 'bad' } } },
      ],
    });
    expect(es.interpret(200, body, null, NOW, 4)).toEqual({
      kind: 'partial',
      retry: [2],
      dead: [{ index: 3, error: 'Elasticsearch 400: mapper_parsing_exception bad' }],
    });
    expect(es.interpret(200, '{"errors":false,"items":[]}', null, NOW, 1).kind).toBe('ok');
  });

  it('sends one XSOAR incident per request, with Basic credentials', () => {
    const xsoar = wireFormatFor('xsoar');
    expect(() => xsoar.encode([scored, trusted])).toThrow();
    expect(xsoar.authorization('admin:s3cret')).toBe(`Basic ${Buffer.from('admin:s3cret').toString('base64')}`);
    expect(JSON.parse(xsoar.encode([scored]))).toMatchObject({
      type: 'Upwatch File Exfiltration',
      severity: 4,
      occurred: '2026-11-23T10:00:00.000Z',
      rawJson: { id: scored.id },
    });
  });

  it('adds an OCSF Data Security Finding only for scored events', () => {
    const ocsf = JSON.parse(wireFormatFor('ocsf').encode([scored, trusted])) as { class_uid: number }[];
    expect(ocsf.map((e) => e.class_uid)).toEqual([6006, 2006, 6006]);
  });
});
