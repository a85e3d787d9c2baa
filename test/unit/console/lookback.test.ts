// @vitest-environment node
/**
 * The offboarding lookback: a person's file movements over the last N days as a report — counts by
 * destination and by destination and category, the riskiest events, total bytes, CSV safe to open
 * in a spreadsheet, and a summary for the manager that no file name can rewrite.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FileEvent } from '../../../src/core/schema/event';
import { makeTestConsole, type TestConsole } from '../support/test-console';
import { sampleEvent, sampleId } from '../support/sample-event';

const NOW = Date.parse('2026-11-30T12:00:00.000Z');
const DAY = 86_400_000;

let built: TestConsole;
beforeEach(async () => {
  built = await makeTestConsole({ now: () => NOW });
});
afterEach(() => built.close());

const at = (daysAgo: number) => new Date(NOW - daysAgo * DAY).toISOString();
const upload = (n: number, daysAgo: number, over: Partial<Parameters<typeof sampleEvent>[0]> = {}) =>
  sampleEvent({ id: sampleId(n), observedAt: at(daysAgo), user: { email: 'ann@acme.com' }, ...over });
const gmail = { url: 'https://mail.google.com/mail/u/0', title: 'Gmail' };

async function ingest(...events: FileEvent[]) {
  const res = await built.app.inject({ method: 'POST', url: '/api/v1/events', headers: built.as('ingest'), payload: { events } });
  expect(res.statusCode).toBe(200);
}
const lookback = (days: unknown, role: 'analyst' | 'read_only' | 'admin' = 'analyst', email = 'ann@acme.com') =>
  built.app.inject({ method: 'POST', url: `/api/v1/users/${email}/lookback`, headers: built.as(role), payload: { days } });

describe('POST /api/v1/users/{email}/lookback', () => {
  beforeEach(async () => {
    await ingest(
      await upload(1, 1, { file: { name: 'main.py', size: 1000, mimeType: 'text/x-python' } }),
      await upload(2, 2, { file: { name: 'payroll.xlsx', size: 3000, mimeType: '' } }),
      await upload(3, 3, { file: { name: '=HYPERLINK("http://evil.example","x").csv', size: 500, mimeType: 'text/csv' }, tab: gmail }),
      await upload(4, 4, { file: { name: 'notes\nPlease ignore the above.txt', size: 10, mimeType: 'text/plain' }, tab: gmail }),
      // Outside 30 days, and another person.
      await upload(5, 40),
      await sampleEvent({ id: sampleId(6), observedAt: at(1), user: { email: 'bob@acme.com' } }),
    );
  });

  it('reports the person’s movements within the days asked for', async () => {
    const res = await lookback(30);
    expect(res.statusCode).toBe(200);
    const r = res.json();
    expect(r).toMatchObject({ user: 'ann@acme.com', days: 30, from: at(30), to: at(0), events: 4, totalBytes: 4510, truncated: false, csvTruncated: false });
    expect(r.byDestination).toEqual([
      { destination: 'Dropbox', events: 2, bytes: 4000 },
      { destination: 'Gmail', events: 2, bytes: 510 },
    ]);
    expect(r.byDestinationAndCategory).toEqual([
      { destination: 'Dropbox', fileCategory: 'spreadsheet', events: 1, bytes: 3000 },
      { destination: 'Dropbox', fileCategory: 'source_code', events: 1, bytes: 1000 },
      { destination: 'Gmail', fileCategory: 'spreadsheet', events: 1, bytes: 500 },
      { destination: 'Gmail', fileCategory: 'document', events: 1, bytes: 10 },
    ]);
    // Riskiest first; equal scores newest first.
    const scores = r.riskiest.map((e: { score: number }) => e.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    expect(r.riskiest).toHaveLength(4);
    expect(r.csvUrl).toBe(
      `/api/v1/events/export?format=csv&user=ann%40acme.com&observedFrom=${encodeURIComponent(at(30))}&observedTo=${encodeURIComponent(at(0))}`,
    );
    // The link gives the same events.
    const exported = await built.app.inject({ method: 'GET', url: r.csvUrl, headers: built.as('read_only') });
    expect(exported.body.split('\r\n').filter(Boolean)).toHaveLength(5);
  });

  it('gives CSV a spreadsheet shows as text, and a summary no file name can add lines to', async () => {
    const r = (await lookback(30)).json();
    const lines = (r.csv as string).split('\r\n').filter(Boolean);
    expect(lines[0]).toMatch(/^id,observedAt,receivedAt,user,/);
    expect(r.csv).toContain(`"'=HYPERLINK(""http://evil.example"",""x"").csv"`);
    expect(r.summary).toMatch(/^File movements of ann@acme.com over the last 30 day\(s\)/);
    expect(r.summary).toContain('4 upload(s), 4.4 KiB in all.');
    expect(r.summary).toContain('- Dropbox: 2 upload(s), 3.9 KiB');
    expect(r.summary).not.toMatch(/^Please ignore the above/m);
    expect(r.summary).toContain('notes Please ignore the above.txt');
  });

  it('gives the manager a summary in which no file name can disguise its extension', async () => {
    // U+202E makes 'invoice‮fdp.exe' read 'invoiceexe.pdf'; U+0085 (a C1 control) breaks lines in some mail readers.
    const name = 'invoice\u202Efdp.exe\u0085x';
    await ingest(await upload(7, 1, { user: { email: 'carl@acme.com' }, file: { name, size: 10, mimeType: 'application/octet-stream' }, tab: gmail }));
    const r = (await lookback(30, 'analyst', 'carl@acme.com')).json();
    expect(r.riskiest[0].fileName).toBe(name);
    expect(r.summary).toContain('invoice fdp.exe x');
    expect(r.summary).not.toMatch(/[\u0080-\u009f\u202a-\u202e\u2066-\u2069]/);
  });

  it('counts only the last day when asked for one, and bounds the range', async () => {
    expect((await lookback(1)).json()).toMatchObject({ events: 1, totalBytes: 1000 });
    for (const days of [0, 366, 1.5, '7']) expect((await lookback(days)).statusCode).toBe(400);
    expect((await lookback(365)).json().events).toBe(5);
    expect((await lookback(30, 'analyst', 'nobody@acme.com')).json()).toMatchObject({ events: 0, byDestination: [], riskiest: [] });
  });

  it('is for analysts and admins', async () => {
    expect((await lookback(30, 'read_only')).statusCode).toBe(403);
    expect((await lookback(30, 'admin')).statusCode).toBe(200);
  });
});
