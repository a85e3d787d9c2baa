// @vitest-environment node
/**
 * What a load balancer may send to either node: with two console nodes on one PostgreSQL
 * database, a policy saved through one is what the other serves, under the same ETag (so a
 * browser's If-None-Match holds whichever node answers), and a person signed in through one is
 * signed in on the other, with the same CSRF token; signing out on one ends the session on both.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { buildConsole, type BuiltConsole } from '../../../console/server';
import { signedIn } from '../support/sessions';
import { makeTestConsole, testDatabaseUrl, testEngine, type TestConsole } from '../support/test-console';

let a: TestConsole;
let b: BuiltConsole;
beforeEach(async () => {
  a = await makeTestConsole();
  b = await buildConsole({ dataDir: a.dir, databaseUrl: (await testDatabaseUrl(a.dir))! });
});
afterEach(async () => {
  await b.app.close();
  await a.close();
});

it.runIf(testEngine() === 'postgres')('serves the policy saved on one node from the other, under the same ETag', async () => {
  const saved = await a.app.inject({ method: 'PUT', url: '/api/v1/policy', headers: a.as('admin'), payload: { trustedDomains: ['intranet.example'] } });
  expect(saved.statusCode).toBe(200);
  const get = (node: BuiltConsole, headers: Record<string, string> = {}) =>
    node.app.inject({ method: 'GET', url: '/api/v1/policy', headers: { ...a.as('ingest'), ...headers } });
  const [fromA, fromB] = [await get(a), await get(b)];
  expect(fromB.statusCode).toBe(200);
  expect(fromB.headers.etag).toBe(fromA.headers.etag);
  expect(fromB.json()).toEqual(fromA.json());
  expect(JSON.stringify(fromB.json())).toContain('intranet.example');
  expect((await get(b, { 'if-none-match': String(fromA.headers.etag) })).statusCode).toBe(304);
});

it.runIf(testEngine() === 'postgres')('keeps a session signed in on one node valid on the other, and ends it on both', async () => {
  const ann = await signedIn(a, 'ann@example.com', 'analyst');
  const me = await b.app.inject({ method: 'GET', url: '/api/v1/session', headers: ann.headers() });
  expect(me.statusCode).toBe(200);
  expect(me.json()).toMatchObject({ user: { email: 'ann@example.com', role: 'analyst' } });
  // A change on node B with the CSRF token node A gave.
  const added = await b.app.inject({
    method: 'POST',
    url: '/api/v1/watchlists/departing/members',
    headers: ann.headers(),
    payload: { email: 'bob@example.com' },
  });
  expect(added.statusCode).toBeLessThan(300);
  expect((await b.app.inject({ method: 'DELETE', url: '/api/v1/session', headers: ann.headers() })).statusCode).toBe(204);
  expect((await a.app.inject({ method: 'GET', url: '/api/v1/session', headers: ann.headers() })).statusCode).toBe(401);
});
