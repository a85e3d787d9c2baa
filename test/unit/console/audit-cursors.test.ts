// @vitest-environment node
/**
 * A tampered page cursor is a 400 "invalid cursor" on every listing, whatever the engine. Cursors
 * are base64url JSON anyone can edit; a position holds integers (times in ms, sequence numbers)
 * and short text. PostgreSQL answered 500 to a fractional or out-of-range number compared with a
 * bigint column, and to U+0000 in the text.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestConsole, testEngine, type TestConsole } from '../support/test-console';
import { sampleId } from '../support/sample-event';

let built: TestConsole;
beforeAll(async () => {
  built = await makeTestConsole({ ingestRateLimit: false });
});
afterAll(() => built.close());

const cursor = (position: unknown) => Buffer.from(JSON.stringify(position)).toString('base64url');

/** Each listing, its cursor parameter and a well-formed position of its own shape. */
const LISTINGS: { url: string; param: string; position: Record<string, number | string> }[] = [
  // PostgreSQL's cursors carry the first page's snapshot (x); SQLite's never do.
  { url: '/api/v1/events', param: 'cursor', position: { m: 10, s: 1_700_000_000_000, q: 5, ...(testEngine() === 'postgres' && { x: '1:1:' }) } },
  { url: '/api/v1/audit', param: 'cursor', position: { seq: 5 } },
  { url: '/api/v1/watchlists/departing/members', param: 'cursor', position: { a: 1_700_000_000_000, e: 'a@example.com' } },
  { url: '/api/v1/alerts', param: 'cursor', position: { c: 1_700_000_000_000, q: 5 } },
  { url: `/api/v1/alerts/${sampleId(1)}`, param: 'eventsCursor', position: { s: 1_700_000_000_000, q: 5 } },
  { url: '/api/v1/legal-holds', param: 'cursor', position: { c: 1_700_000_000_000, q: 5 } },
  { url: '/api/v1/accounts', param: 'cursor', position: { createdAt: 1_700_000_000_000, id: 'x' } },
  { url: '/api/v1/notifications', param: 'cursor', position: { s: 5 } },
];

const get = (url: string) => built.app.inject({ method: 'GET', url, headers: built.as('admin') });

describe.each(LISTINGS)('$url', ({ url, param, position }) => {
  const numbers = Object.keys(position).filter((k) => typeof position[k] === 'number');
  const texts = Object.keys(position).filter((k) => typeof position[k] === 'string');
  const tampered: [string, Record<string, unknown>][] = [
    ...numbers.map((k): [string, Record<string, unknown>] => [`${k} fractional`, { ...position, [k]: 1.5 }]),
    ...numbers.map((k): [string, Record<string, unknown>] => [`${k} beyond 2^53`, { ...position, [k]: 1e300 }]),
    ...texts.map((k): [string, Record<string, unknown>] => [`${k} with U+0000`, { ...position, [k]: 'a\u0000b' }]),
  ];

  it('accepts a well-formed position', async () => {
    const res = await get(`${url}?${param}=${cursor(position)}`);
    // The alert named does not exist: 404 comes after the cursor was read.
    expect([200, 404], res.body).toContain(res.statusCode);
  });

  it.each(tampered)('refuses a cursor with %s: 400 invalid cursor', async (_label, bad) => {
    const res = await get(`${url}?${param}=${cursor(bad)}`);
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error).toMatch(/^invalid cursor/);
  });
});

it("refuses on SQLite a cursor carrying PostgreSQL's snapshot, and on PostgreSQL one without it", async () => {
  const position = { m: 10, s: 1_700_000_000_000, q: 5, ...(testEngine() === 'sqlite' && { x: '1:1:' }) };
  const res = await get(`/api/v1/events?cursor=${cursor(position)}`);
  expect(res.statusCode, res.body).toBe(400);
  expect(res.json().error).toMatch(/^invalid cursor/);
});
