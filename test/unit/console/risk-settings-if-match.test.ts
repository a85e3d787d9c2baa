// @vitest-environment node
// PUT /api/v1/risk-settings with If-Match: two people saving scores at once cannot overwrite each
// other unseen, and a change to another policy key does not make a scores save stale.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestConsole, type TestConsole } from '../support/test-console';

let built: TestConsole;
beforeEach(async () => {
  built = await makeTestConsole();
});
afterEach(() => built.close());

const read = async () => {
  const res = await built.app.inject({ method: 'GET', url: '/api/v1/risk-settings', headers: built.as('analyst') });
  expect(res.statusCode).toBe(200);
  return { riskSettings: res.json().riskSettings as Record<string, unknown>, etag: String(res.headers.etag) };
};
const save = (riskSettings: object, ifMatch?: string) =>
  built.app.inject({
    method: 'PUT',
    url: '/api/v1/risk-settings',
    headers: { ...built.as('analyst'), ...(ifMatch !== undefined && { 'if-match': ifMatch }) },
    payload: riskSettings,
  });
const scores = (cloudStorage: number) => ({ scores: { destination: { cloud_storage: cloudStorage } } });
const saves = async () => (await built.services.db.selectFrom('audit_log').select('seq').where('action', '=', 'risk_settings.updated').execute()).length;

describe('PUT /api/v1/risk-settings with If-Match', () => {
  it('saves over the tag GET answered, answers the new tag, and that tag serves the next save', async () => {
    const first = await read();
    expect(first.etag).toMatch(/^"[\w-]+"$/);
    const res = await save(scores(6), first.etag);
    expect(res.statusCode).toBe(200);
    const after = await read();
    expect(after.riskSettings).toEqual(scores(6));
    expect(after.etag).not.toBe(first.etag);
    expect(res.headers.etag).toBe(after.etag);
    expect((await save(scores(7), String(res.headers.etag))).statusCode).toBe(200);
  });

  it('refuses a stale tag with 412 and a clear error, and writes nothing', async () => {
    const seen = await read();
    expect((await save(scores(6), seen.etag)).statusCode).toBe(200);
    const before = await saves();
    const late = await save(scores(9), seen.etag);
    expect(late.statusCode).toBe(412);
    expect(late.json()).toEqual({ error: expect.stringContaining('risk settings changed since they were read') });
    expect((await read()).riskSettings).toEqual(scores(6));
    expect(await saves()).toBe(before);
  });

  it('is not made stale by a change to another policy key, which the save keeps', async () => {
    const seen = await read();
    const policy = await built.app.inject({ method: 'PUT', url: '/api/v1/policy', headers: built.as('admin'), payload: { trustedDomains: ['acme.example'] } });
    expect(policy.statusCode).toBe(200);
    expect((await read()).etag).toBe(seen.etag);
    expect((await save(scores(5), seen.etag)).statusCode).toBe(200);
    const settings = (await built.app.inject({ method: 'GET', url: '/api/v1/policy', headers: built.as('admin') })).json().settings;
    expect(settings).toEqual({ trustedDomains: ['acme.example'], riskSettings: scores(5) });
  });

  it('lets exactly one of two savers with the same tag through; without If-Match a save always writes', async () => {
    const { etag } = await read();
    const answers = await Promise.all([save(scores(3), etag), save(scores(4), etag)]);
    expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 412]);
    const winner = answers.find((a) => a.statusCode === 200)!;
    expect((await read()).etag).toBe(winner.headers.etag);
    expect((await save(scores(8))).statusCode).toBe(200);
    expect((await read()).riskSettings).toEqual(scores(8));
    // Validation still comes first for a fresh tag: bad scores are 400, not written.
    expect((await save({ scores: { destination: { cloud_storage: 99 } } }, (await read()).etag)).statusCode).toBe(400);
  });

  it('is in the API document: the If-Match header and the 412 body', async () => {
    const doc = (await built.app.inject({ method: 'GET', url: '/api/v1/openapi.json', headers: built.as('admin') })).json();
    const op = doc.paths['/api/v1/risk-settings'].put;
    expect(op.parameters).toContainEqual(expect.objectContaining({ name: 'If-Match', in: 'header', required: false }));
    expect(op.responses['412'].content['application/json'].schema).toMatchObject({ properties: { error: { type: 'string' } }, required: ['error'] });
  });
});
