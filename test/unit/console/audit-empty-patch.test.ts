// @vitest-environment node
/**
 * A PATCH that names nothing to change is a 400 saying what it may name, like PATCH
 * /api/v1/alerts/{id} and /api/v1/accounts/{email}: it writes nothing and records no change.
 * PATCH /api/v1/watchlists/{id} with {} was a 500 (an UPDATE with no column); PATCH
 * /api/v1/alert-rules/{id} with {} moved the rule's updatedAt and audited an update of nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestConsole, type TestConsole } from '../support/test-console';

let built: TestConsole;
beforeAll(async () => {
  built = await makeTestConsole({ ingestRateLimit: false });
  const rule = await built.app.inject({
    method: 'POST',
    url: '/api/v1/alert-rules',
    headers: built.as('analyst'),
    payload: { id: 'big-uploads', name: 'Big uploads', conditions: { minSeverity: 'high' } },
  });
  expect(rule.statusCode).toBe(201);
});
afterAll(() => built.close());

const get = (url: string) => built.app.inject({ method: 'GET', url, headers: built.as('admin') });

describe.each([
  { url: '/api/v1/watchlists/departing', list: '/api/v1/watchlists', fields: /name.*description.*syncToBrowsers/ },
  { url: '/api/v1/alert-rules/big-uploads', list: '/api/v1/alert-rules', fields: /name.*enabled.*conditions/ },
])('PATCH $url', ({ url, list, fields }) => {
  it('with nothing to change is a 400 naming the fields, and changes nothing', async () => {
    const before = [(await get(list)).body, (await get('/api/v1/audit')).body];
    const res = await built.app.inject({ method: 'PATCH', url, headers: built.as('admin'), payload: {} });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json()).toMatchObject({ error: 'invalid body', issues: [{ path: '', message: expect.stringMatching(fields) }] });
    expect([(await get(list)).body, (await get('/api/v1/audit')).body]).toEqual(before);
  });

  it('with one field still changes it', async () => {
    const res = await built.app.inject({ method: 'PATCH', url, headers: built.as('admin'), payload: { name: 'Renamed <b>&</b>' } });
    expect(res.statusCode, res.body).toBe(200);
    expect(JSON.stringify(res.json())).toContain('"name":"Renamed <b>&</b>"');
  });
});
