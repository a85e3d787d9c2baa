// @vitest-environment node
// PUT /api/v1/policy with If-Match: two admins editing at once cannot overwrite each other unseen.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestConsole, type TestConsole } from '../support/test-console';

let built: TestConsole;
beforeEach(async () => {
  built = await makeTestConsole();
});
afterEach(() => built.close());

const read = async () => {
  const res = await built.app.inject({ method: 'GET', url: '/api/v1/policy', headers: built.as('admin') });
  expect(res.statusCode).toBe(200);
  return { settings: res.json().settings as Record<string, unknown>, etag: String(res.headers.etag) };
};
const put = (settings: object, ifMatch?: string) =>
  built.app.inject({
    method: 'PUT',
    url: '/api/v1/policy',
    headers: { ...built.as('admin'), ...(ifMatch !== undefined && { 'if-match': ifMatch }) },
    payload: settings,
  });
const updates = async () => (await built.services.db.selectFrom('audit_log').select('seq').where('action', '=', 'policy.updated').execute()).length;

describe('PUT /api/v1/policy with If-Match', () => {
  it('writes when the tag is the one GET answered, and answers the new tag', async () => {
    const first = await read();
    const res = await put({ trustedDomains: ['example.com'] }, first.etag);
    expect(res.statusCode).toBe(200);
    const after = await read();
    expect(after.settings).toEqual({ trustedDomains: ['example.com'] });
    expect(after.etag).not.toBe(first.etag);
    expect(res.json().etag).toBe(after.etag);
    expect(res.headers.etag).toBe(after.etag);
    // The tag a PUT answered serves for the next change.
    expect((await put({ trustedDomains: ['example.org'] }, res.json().etag as string)).statusCode).toBe(200);
  });

  it('refuses a stale tag with 412 and a clear error, and writes nothing', async () => {
    const seen = await read();
    // Another admin saves first.
    expect((await put({ trustedDomains: ['theirs.example'] }, seen.etag)).statusCode).toBe(200);
    const before = await updates();
    const late = await put({ trustedDomains: ['mine.example'] }, seen.etag);
    expect(late.statusCode).toBe(412);
    expect(late.json()).toEqual({ error: expect.stringContaining('changed since they were read') });
    expect((await read()).settings).toEqual({ trustedDomains: ['theirs.example'] });
    expect(await updates()).toBe(before);
  });

  it('compares tags strongly: a weak tag never matches, `*` and a list holding the current tag do', async () => {
    const { etag } = await read();
    expect((await put({ trustedDomains: ['a.example'] }, `W/${etag}`)).statusCode).toBe(412);
    expect((await put({ trustedDomains: ['a.example'] }, `"stale", ${etag}`)).statusCode).toBe(200);
    expect((await put({ trustedDomains: ['b.example'] }, '*')).statusCode).toBe(200);
    expect((await read()).settings).toEqual({ trustedDomains: ['b.example'] });
  });

  it('lets exactly one of two writers with the same tag through', async () => {
    const { etag } = await read();
    const answers = await Promise.all([put({ trustedDomains: ['one.example'] }, etag), put({ trustedDomains: ['two.example'] }, etag)]);
    expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 412]);
    const winner = answers.find((a) => a.statusCode === 200)!;
    expect((await read()).etag).toBe(winner.json().etag);
  });

  it('without If-Match replaces the settings whatever they are (scripts and playbooks rely on it)', async () => {
    await put({ trustedDomains: ['theirs.example'] });
    const res = await put({ trustedDomains: ['mine.example'] });
    expect(res.statusCode).toBe(200);
    expect((await read()).settings).toEqual({ trustedDomains: ['mine.example'] });
  });

  it('is in the API document: the If-Match header and the 412 body', async () => {
    const doc = (await built.app.inject({ method: 'GET', url: '/api/v1/openapi.json', headers: built.as('admin') })).json();
    const op = doc.paths['/api/v1/policy'].put;
    expect(op.parameters).toContainEqual(expect.objectContaining({ name: 'If-Match', in: 'header', required: false }));
    expect(op.responses['412'].content['application/json'].schema).toMatchObject({ properties: { error: { type: 'string' } }, required: ['error'] });
  });
});
