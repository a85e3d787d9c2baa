// @vitest-environment node
/**
 * The long tail in the admins' hands (issue 16, item 4): the hosts receiving uploads nothing named,
 * and an admin naming one in one step — a custom destination in the synced policy (browsers get it
 * on their next sync, the extension's classifier uses it), audited, refused when it is a duplicate,
 * and the host gone from the list. Runs on SQLite and, as console-pg, on PostgreSQL.
 */
import { CompiledQuery, sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hostCounts, type UnclassifiedHost } from '../../../console/destinations/unclassified';
import { classifyDestination } from '../../../src/core/destinations/classify';
import { parsePolicy } from '../../../src/core/schema/policy';
import type { BuildEventInput } from '../../../src/core/build-event';
import { sampleEvent, sampleId } from '../support/sample-event';
import { makeTestConsole, testEngine, type TestConsole } from '../support/test-console';

const DAY = 86_400_000;
const HOSTILE_TITLE = '<img src=x onerror=alert(1)> "quoted" \u202e\u0000 </script>';

let built: TestConsole;
beforeEach(async () => {
  built = await makeTestConsole({ ingestRateLimit: false });
});
afterEach(() => built.close());

type Role = Parameters<TestConsole['as']>[0];
const call = (role: Role, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
  built.app.inject({ method, url, headers: built.as(role), ...(payload && { payload }) });

const list = async (query = '') => {
  const res = await call('read_only', 'GET', `/api/v1/destinations/unclassified${query}`);
  expect(res.statusCode).toBe(200);
  return res.json() as { since: string; hosts: UnclassifiedHost[]; total: number; truncated: boolean; nextOffset: number | null };
};
const hostsOf = async (query = '') => (await list(query)).hosts.map((h) => h.host);

let n = 0;
async function upload(url: string, over: { title?: string; email?: string; daysAgo?: number; input?: Partial<BuildEventInput> } = {}) {
  n += 1;
  const event = await sampleEvent({
    id: sampleId(n),
    observedAt: new Date(Date.now() - (over.daysAgo ?? 1) * DAY + n).toISOString(),
    user: over.email ? { email: over.email } : {},
    tab: { url, title: over.title ?? 'Upload' },
    ...over.input,
  });
  const res = await built.app.inject({ method: 'POST', url: '/api/v1/events', headers: built.as('ingest'), payload: { events: [event] } });
  expect(res.statusCode).toBe(200);
  return event;
}

async function longTail() {
  await upload('https://portal.quokkabox.io/up', { email: 'ana@acme.example', title: 'Quokkabox' });
  await upload('https://portal.quokkabox.io/up', { email: 'bo@acme.example', title: 'first title' });
  const latest = await upload('https://portal.quokkabox.io/up', { email: 'ana@acme.example', title: HOSTILE_TITLE, daysAgo: 0.5 });
  await upload('https://www.lindenpost.de/inbox', { email: 'cy@acme.example', title: 'Lindenpost' });
  await upload('https://www.lindenpost.de/inbox', { title: 'Lindenpost' });
  await upload('https://tools.brightkettle.net/', { email: 'cy@acme.example', title: 'Brightkettle' });
  return { latest };
}

describe('GET /api/v1/destinations/unclassified', () => {
  it('lists the hosts nothing named, most uploads first, with people, last seen and the latest title as given', async () => {
    const { latest } = await longTail();
    const res = await call('read_only', 'GET', '/api/v1/destinations/unclassified');
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const body = res.json() as { hosts: UnclassifiedHost[]; total: number; truncated: boolean; nextOffset: number | null };
    expect(body.hosts.map((h) => [h.host, h.uploads, h.users])).toEqual([
      ['portal.quokkabox.io', 3, 2],
      ['www.lindenpost.de', 2, 1],
      ['tools.brightkettle.net', 1, 1],
    ]);
    expect(body).toMatchObject({ total: 3, truncated: false, nextOffset: null });
    const tiny = body.hosts[0]!;
    expect(tiny.domain).toBe('quokkabox.io');
    // The title is page-controlled: a JSON string, exactly as the browser reported it (the UI renders it as text).
    expect(tiny.sampleTitle).toBe(HOSTILE_TITLE);
    expect(tiny.lastSeen).toBe(latest.observedAt);
  });

  it('leaves out named uploads, trusted ones, uploads without a host and uploads before the window', async () => {
    await upload('https://portal.quokkabox.io/up');
    await upload('https://www.dropbox.com/home'); // a catalog service
    await upload('https://www.deepl.com/translator'); // a catalog service whose category is `other`
    await upload('https://intranet.acme-corp.com/share', { input: { destinationOptions: { trusted: ['acme-corp.com'] } } });
    await upload('about:blank'); // `unknown`: no usable URL, no host
    await upload('https://old-host.org/', { daysAgo: 45 });
    expect(await hostsOf()).toEqual(['portal.quokkabox.io']);
    const since = new Date(Date.now() - 60 * DAY).toISOString();
    expect(await hostsOf(`?since=${encodeURIComponent(since)}`)).toEqual(['old-host.org', 'portal.quokkabox.io']);
  });

  it('pages through the hosts with limit and offset', async () => {
    await longTail();
    const first = await list('?limit=2');
    expect(first.hosts.map((h) => h.host)).toEqual(['portal.quokkabox.io', 'www.lindenpost.de']);
    expect(first).toMatchObject({ total: 3, nextOffset: 2 });
    const second = await list(`?limit=2&offset=${first.nextOffset}`);
    expect(second.hosts.map((h) => h.host)).toEqual(['tools.brightkettle.net']);
    expect(second.nextOffset).toBeNull();
  });

  it('refuses a bad window or page with 400', async () => {
    for (const q of ['?since=yesterday', '?limit=0', '?limit=501', '?offset=-1']) {
      expect((await call('read_only', 'GET', `/api/v1/destinations/unclassified${q}`)).statusCode, q).toBe(400);
    }
  });

  it.each(['read_only', 'analyst', 'admin'] as const)('is open to %s', async (role) => {
    expect((await call(role, 'GET', '/api/v1/destinations/unclassified')).statusCode).toBe(200);
  });

  it("is closed to a browser's ingest token", async () => {
    expect((await call('ingest', 'GET', '/api/v1/destinations/unclassified')).statusCode).toBe(403);
  });
});

describe('the count', () => {
  it('reads only the index of unnamed uploads (migration 0010), never the events themselves', async () => {
    await longTail();
    const { db } = built.services;
    const query = hostCounts(db, Date.now() - 30 * DAY).compile(db);
    if (testEngine() === 'sqlite') {
      const plan = await db.executeQuery<{ detail: string }>(CompiledQuery.raw(`EXPLAIN QUERY PLAN ${query.sql}`, [...query.parameters]));
      expect(plan.rows.map((r) => r.detail).join('\n')).toMatch(/USING COVERING INDEX events_unnamed_uploads/);
    } else {
      // PostgreSQL picks among indexes by cost, and with a handful of rows any scan is about as cheap
      // as another. So give it what a console holds: thousands of named uploads beside the few unnamed
      // ones (copies of one named upload, made in SQL), and the statistics of them; the planner must
      // then read the unnamed ones from the partial index alone.
      await upload('https://www.dropbox.com/home');
      const columns = await sql<{ column_name: string }>`select column_name from information_schema.columns
        where table_schema = current_schema() and table_name = 'events' and column_name not in ('seq', 'id') order by ordinal_position`.execute(db);
      const names = columns.rows.map((c) => `"${c.column_name}"`).join(', ');
      await sql
        .raw(
          `insert into events (id, ${names}) select 'filler-' || g, ${names}
           from (select * from events where service_id is not null limit 1) named, generate_series(1, 5000) g`,
        )
        .execute(db);
      await sql`analyze events`.execute(db);
      const plan = await db.executeQuery<{ 'QUERY PLAN': string }>(CompiledQuery.raw(`EXPLAIN ${query.sql}`, [...query.parameters]));
      const text = plan.rows.map((r) => r['QUERY PLAN']).join('\n');
      // The month holding the events is read from the partial index alone (PostgreSQL names a
      // partition's copy of it after its first columns); the empty months cost nothing to read.
      const scans = text.split('\n').filter((line) => /Scan/.test(line));
      expect(
        scans.some((line) => /Index Only Scan using events_p\d+_sort_at_host_user_email_seq_destination_cate_idx/.test(line)),
        text,
      ).toBe(true);
      for (const line of scans) {
        expect(line).toMatch(
          /Index Only Scan using events_p\d+_sort_at_host_user_email_seq_destination_cate_idx|Seq Scan on events_p\d+ \S+ +\(cost=0\.00\.\.0\.00 /,
        );
      }
    }
  });
});

describe('POST /api/v1/destinations/custom', () => {
  const NEW = { host: 'portal.quokkabox.io', name: 'Quokkabox', category: 'cloud_storage' };
  const policy = async () => (await call('admin', 'GET', '/api/v1/policy')).json().settings as Record<string, unknown>;
  const audit = async () =>
    (await call('admin', 'GET', '/api/v1/audit?limit=100')).json().entries as { action: string; actor: string; target: string; after: unknown }[];

  it('names the host in one step: in the synced policy, used by the classifier, audited, and gone from the list', async () => {
    await longTail();
    await call('admin', 'PUT', '/api/v1/policy', { trustedDomains: ['acme-corp.com'] });
    const before = (await call('admin', 'GET', '/api/v1/policy')).headers.etag;

    const res = await call('admin', 'POST', '/api/v1/destinations/custom', NEW);
    expect(res.statusCode).toBe(201);
    const { destination, etag } = res.json() as { destination: { id: string }; etag: string };
    expect(destination).toEqual({ id: 'custom_portal_quokkabox_io', name: 'Quokkabox', category: 'cloud_storage', hosts: ['portal.quokkabox.io'] });

    // The same store as PUT /api/v1/policy: the other keys stay, the ETag moves, browsers see it.
    const settings = await policy();
    expect(settings.trustedDomains).toEqual(['acme-corp.com']);
    expect(settings.customDestinations).toEqual([destination]);
    const got = await call('ingest', 'GET', '/api/v1/policy');
    expect(got.headers.etag).toBe(etag);
    expect(etag).not.toBe(before);
    const synced = parsePolicy(got.json().settings).policy;
    expect(classifyDestination({ url: 'https://portal.quokkabox.io/up' }, { customDestinations: synced.customDestinations })).toMatchObject({
      category: 'cloud_storage',
      serviceId: 'custom_portal_quokkabox_io',
      serviceName: 'Quokkabox',
    });

    const entry = (await audit()).find((e) => e.action === 'policy.custom_destination_added');
    expect(entry).toMatchObject({ actor: 'admin:test-admin', target: 'policy' });
    expect(JSON.stringify(entry?.after)).toContain('custom_portal_quokkabox_io');

    expect(await hostsOf()).toEqual(['www.lindenpost.de', 'tools.brightkettle.net']);
  });

  it('takes the host out of the list with every subdomain when the pattern is its domain', async () => {
    await longTail();
    await upload('https://a.lindenpost.de/');
    const res = await call('admin', 'POST', '/api/v1/destinations/custom', { host: 'lindenpost.de', name: 'Lindenpost', category: 'email' });
    expect(res.statusCode).toBe(201);
    expect(await hostsOf()).toEqual(['portal.quokkabox.io', 'tools.brightkettle.net']);
  });

  it('refuses a duplicate host with 409 and a clear error, and changes nothing', async () => {
    expect((await call('admin', 'POST', '/api/v1/destinations/custom', NEW)).statusCode).toBe(201);
    const again = await call('admin', 'POST', '/api/v1/destinations/custom', { ...NEW, host: 'Portal.QuokkaBox.IO', name: 'Another name' });
    expect(again.statusCode).toBe(409);
    expect(again.json().error).toBe(
      'portal.quokkabox.io is already the custom destination custom_portal_quokkabox_io (Quokkabox): change it with PUT /api/v1/policy',
    );
    expect((await policy()).customDestinations).toHaveLength(1);
    expect((await audit()).filter((e) => e.action === 'policy.custom_destination_added')).toHaveLength(1);
  });

  it('keeps custom destinations an admin wrote by hand, and gives a new one an id of its own', async () => {
    const mine = { id: 'custom_portal_quokkabox_io', name: 'Mine', category: 'email', hosts: ['mail.quokkabox.io'] };
    await call('admin', 'PUT', '/api/v1/policy', { customDestinations: [mine] });
    const res = await call('admin', 'POST', '/api/v1/destinations/custom', NEW);
    expect(res.statusCode).toBe(201);
    expect((await policy()).customDestinations).toEqual([
      mine,
      { id: 'custom_portal_quokkabox_io_2', name: 'Quokkabox', category: 'cloud_storage', hosts: [NEW.host] },
    ]);
  });

  it('adds every one of several destinations sent at once (none overwrites another)', async () => {
    const results = await Promise.all(
      ['one.quokkabox.io', 'two.quokkabox.io', 'three.quokkabox.io'].map((host) => call('admin', 'POST', '/api/v1/destinations/custom', { ...NEW, host })),
    );
    expect(results.map((r) => r.statusCode)).toEqual([201, 201, 201]);
    const hosts = ((await policy()).customDestinations as { hosts: string[] }[]).flatMap((d) => d.hosts).sort();
    expect(hosts).toEqual(['one.quokkabox.io', 'three.quokkabox.io', 'two.quokkabox.io']);
  });

  it.each([
    ['a scheme', { ...NEW, host: 'https://portal.quokkabox.io' }],
    ['a port', { ...NEW, host: 'portal.quokkabox.io:8443' }],
    ['an empty name', { ...NEW, name: '  ' }],
    ['the unknown category', { ...NEW, category: 'unknown' }],
    ['a category that does not exist', { ...NEW, category: 'file_sharing' }],
    ['an unknown field', { ...NEW, id: 'chosen' }],
  ])('refuses %s with 400 and changes nothing', async (_what, body) => {
    const res = await call('admin', 'POST', '/api/v1/destinations/custom', body);
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toBe('invalid body');
    expect((await policy()).customDestinations).toBeUndefined();
  });

  it.each(['analyst', 'read_only', 'ingest'] as const)('refuses the %s role with 403 and changes nothing', async (role) => {
    expect((await call(role, 'POST', '/api/v1/destinations/custom', NEW)).statusCode).toBe(403);
    expect((await policy()).customDestinations).toBeUndefined();
  });
});
