// @vitest-environment node
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BUILT_IN_WATCHLISTS } from '../../../console/watchlists/store';
import { makeTestConsole, type TestConsole } from '../support/test-console';
import { sampleEvent, sampleId } from '../support/sample-event';

let built: TestConsole;
let clock: number;
beforeEach(async () => {
  clock = Date.parse('2026-11-22T12:00:00.000Z');
  built = await makeTestConsole({ now: () => clock });
});
afterEach(() => built.close());

type Role = Parameters<TestConsole['as']>[0];
const call = (role: Role, method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT', url: string, payload?: object) =>
  built.app.inject({ method, url, headers: built.as(role), ...(payload && { payload }) });

async function auditOf(target: string) {
  const res = await call('admin', 'GET', `/api/v1/audit?target=${encodeURIComponent(target)}`);
  return (res.json().entries as { action: string; actor: string; before: unknown; after: unknown }[]).reverse();
}

describe('watchlists', () => {
  it('lists the built-in set first, with member counts, to read_only and up', async () => {
    await call('analyst', 'POST', '/api/v1/watchlists/flight_risk/members', { email: 'a@example.com' });
    const res = await call('read_only', 'GET', '/api/v1/watchlists');
    expect(res.statusCode).toBe(200);
    const lists = res.json().watchlists as { id: string; memberCount: number; builtIn: boolean; syncToBrowsers: boolean; name: string }[];
    expect(lists.map((w) => w.id)).toEqual([...BUILT_IN_WATCHLISTS]);
    expect(lists.every((w) => w.builtIn && w.name.length > 0)).toBe(true);
    expect(lists.find((w) => w.id === 'flight_risk')!.memberCount).toBe(1);
    expect(lists.filter((w) => w.syncToBrowsers).map((w) => w.id)).toEqual(['departing']);
    expect((await call('ingest', 'GET', '/api/v1/watchlists')).statusCode).toBe(403);
  });

  it('lets admins create watchlists, and refuses analysts, bad ids and duplicates', async () => {
    const created = await call('admin', 'POST', '/api/v1/watchlists', { id: 'm_and_a', name: 'M&A project', description: 'People read into the deal' });
    expect(created.statusCode).toBe(201);
    expect(created.json().watchlist).toMatchObject({ id: 'm_and_a', builtIn: false, syncToBrowsers: false, memberCount: 0 });
    expect((await call('analyst', 'POST', '/api/v1/watchlists', { id: 'other', name: 'Other' })).statusCode).toBe(403);
    expect((await call('admin', 'POST', '/api/v1/watchlists', { id: 'Bad-Id', name: 'x' })).statusCode).toBe(400);
    const dup = await call('admin', 'POST', '/api/v1/watchlists', { id: 'departing', name: 'again' });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error).toMatch(/exists/);
    const lists = (await call('read_only', 'GET', '/api/v1/watchlists')).json().watchlists as { id: string }[];
    expect(lists.at(-1)!.id).toBe('m_and_a');
    expect((await auditOf('watchlist:m_and_a')).map((e) => e.action)).toEqual(['watchlist.created']);
  });

  it('adds, updates (idempotently) and removes members, each audited with before and after', async () => {
    const added = await call('analyst', 'POST', '/api/v1/watchlists/departing/members', {
      email: 'Alice@Example.com',
      notes: 'resigned',
      departureDate: '2026-12-15',
    });
    expect(added.statusCode).toBe(201);
    expect(added.json().member).toMatchObject({ email: 'alice@example.com', notes: 'resigned', departureDate: '2026-12-15', addedBy: 'analyst:test-analyst' });

    clock += 60_000;
    const again = await call('admin', 'POST', '/api/v1/watchlists/departing/members', {
      email: 'alice@example.com',
      notes: 'leaving for a competitor',
      departureDate: '2026-12-20',
    });
    expect(again.statusCode).toBe(200);
    expect(again.json().member).toMatchObject({ notes: 'leaving for a competitor', departureDate: '2026-12-20', addedAt: added.json().member.addedAt });
    const listed = (await call('read_only', 'GET', '/api/v1/watchlists/departing/members')).json();
    expect(listed).toEqual({ members: [again.json().member], nextCursor: null });

    const removed = await call('analyst', 'DELETE', '/api/v1/watchlists/departing/members/ALICE%40example.com');
    expect(removed.statusCode).toBe(200);
    expect((await call('analyst', 'DELETE', '/api/v1/watchlists/departing/members/alice%40example.com')).statusCode).toBe(404);
    expect((await call('read_only', 'GET', '/api/v1/watchlists/departing/members')).json().members).toEqual([]);

    const audit = await auditOf('user:alice@example.com');
    expect(audit.map((e) => [e.action, e.actor])).toEqual([
      ['watchlist.member_added', 'analyst:test-analyst'],
      ['watchlist.member_updated', 'admin:test-admin'],
      ['watchlist.member_removed', 'analyst:test-analyst'],
    ]);
    expect(audit[0]!.before).toBeNull();
    expect(audit[1]!.before).toMatchObject({ watchlist: 'departing', notes: 'resigned', departureDate: '2026-12-15' });
    expect(audit[1]!.after).toMatchObject({ watchlist: 'departing', notes: 'leaving for a competitor', departureDate: '2026-12-20' });
    expect(audit[2]!.after).toBeNull();
  });

  it('refuses read_only changes, unknown watchlists and invalid members', async () => {
    expect((await call('read_only', 'POST', '/api/v1/watchlists/departing/members', { email: 'a@example.com' })).statusCode).toBe(403);
    expect((await call('read_only', 'DELETE', '/api/v1/watchlists/departing/members/a%40example.com')).statusCode).toBe(403);
    expect((await call('analyst', 'POST', '/api/v1/watchlists/no_such/members', { email: 'a@example.com' })).statusCode).toBe(404);
    expect((await call('analyst', 'GET', '/api/v1/watchlists/no_such/members')).statusCode).toBe(404);
    expect((await call('analyst', 'POST', '/api/v1/watchlists/departing/members', { email: 'not an email' })).statusCode).toBe(400);
    expect((await call('analyst', 'POST', '/api/v1/watchlists/departing/members', { email: 'a@example.com', departureDate: '2026-13-45' })).statusCode).toBe(
      400,
    );
    expect((await call('analyst', 'POST', '/api/v1/watchlists/departing/members', { email: 'a@example.com', notes: 'x'.repeat(2001) })).statusCode).toBe(400);
  });

  it('pages members newest first with a cursor, each exactly once', async () => {
    for (let i = 0; i < 5; i++) {
      clock += 1000;
      await call('analyst', 'POST', '/api/v1/watchlists/contractor/members', { email: `c${i}@example.com` });
    }
    const seen: string[] = [];
    let url = '/api/v1/watchlists/contractor/members?limit=2';
    for (;;) {
      const page = (await call('read_only', 'GET', url)).json();
      seen.push(...page.members.map((m: { email: string }) => m.email));
      if (!page.nextCursor) break;
      url = `/api/v1/watchlists/contractor/members?limit=2&cursor=${page.nextCursor}`;
    }
    expect(seen).toEqual(['c4@example.com', 'c3@example.com', 'c2@example.com', 'c1@example.com', 'c0@example.com']);
    expect((await call('read_only', 'GET', '/api/v1/watchlists/contractor/members?cursor=garbage')).statusCode).toBe(400);
  });
});

describe('user risk profile', () => {
  it('answers empty fields for someone never recorded, and patches with null clearing', async () => {
    const empty = await call('read_only', 'GET', '/api/v1/users/bob%40example.com');
    expect(empty.statusCode).toBe(200);
    expect(empty.json()).toMatchObject({
      email: 'bob@example.com',
      startDate: null,
      departureDate: null,
      managerEmail: null,
      notes: null,
      watchlists: [],
      legalHolds: [],
      eventCount: 0,
    });

    const patched = await call('analyst', 'PATCH', '/api/v1/users/Bob%40Example.com', {
      startDate: '2024-03-01',
      departureDate: '2026-12-31',
      managerEmail: 'Carol@Example.com',
      notes: 'handles the pricing model',
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({
      email: 'bob@example.com',
      startDate: '2024-03-01',
      departureDate: '2026-12-31',
      managerEmail: 'carol@example.com',
      updatedBy: 'analyst:test-analyst',
    });

    const cleared = await call('analyst', 'PATCH', '/api/v1/users/bob%40example.com', { departureDate: null });
    expect(cleared.json()).toMatchObject({ startDate: '2024-03-01', departureDate: null, notes: 'handles the pricing model' });
    // Nothing changed: nothing to audit.
    await call('analyst', 'PATCH', '/api/v1/users/bob%40example.com', { departureDate: null });

    const audit = await auditOf('user:bob@example.com');
    expect(audit.map((e) => e.action)).toEqual(['user_profile.updated', 'user_profile.updated']);
    expect(audit[1]).toMatchObject({ before: { departureDate: '2026-12-31' }, after: { departureDate: null } });

    expect((await call('read_only', 'PATCH', '/api/v1/users/bob%40example.com', { notes: 'x' })).statusCode).toBe(403);
    expect((await call('analyst', 'PATCH', '/api/v1/users/bob%40example.com', { startDate: 'yesterday' })).statusCode).toBe(400);
    expect((await call('analyst', 'PATCH', '/api/v1/users/bob%40example.com', { role: 'ceo' })).statusCode).toBe(400);
  });

  it('shows the watchlists, legal holds and stored events by severity', async () => {
    await call('analyst', 'POST', '/api/v1/watchlists/departing/members', { email: 'dan@example.com', departureDate: '2026-12-01' });
    await call('analyst', 'POST', '/api/v1/watchlists/high_impact/members', { email: 'dan@example.com' });
    await call('admin', 'POST', '/api/v1/legal-holds', { email: 'dan@example.com', matter: 'Acme v. Dan' });
    const high = await sampleEvent({ id: sampleId(1), user: { email: 'Dan@example.com' } });
    const low = await sampleEvent({
      id: sampleId(2),
      user: { email: 'dan@example.com' },
      tab: { url: 'https://mail.google.com/mail/u/0', title: 'Gmail' },
      file: { name: 'a.png', size: 1, mimeType: '' },
    });
    const other = await sampleEvent({ id: sampleId(3), user: { email: 'erin@example.com' } });
    await built.app.inject({ method: 'POST', url: '/api/v1/events', headers: built.as('ingest'), payload: { events: [high, low, other] } });

    const profile = (await call('read_only', 'GET', '/api/v1/users/dan%40example.com')).json();
    expect(profile.watchlists.map((w: { watchlist: string }) => w.watchlist)).toEqual(['departing', 'high_impact']);
    expect(profile.watchlists[0]).toMatchObject({ departureDate: '2026-12-01' });
    expect(profile.legalHolds).toEqual([expect.objectContaining({ matter: 'Acme v. Dan' })]);
    expect(profile.eventsBySeverity).toEqual({ none: 0, low: 1, moderate: 0, high: 1, critical: 0 });
    expect(profile.eventCount).toBe(2);
  });
});

describe('settings sync tells a browser about its user', () => {
  const sync = (email: string, etag?: string) =>
    built.app.inject({
      method: 'GET',
      url: '/api/v1/policy',
      headers: { ...built.as('ingest'), 'x-upwatch-user': email, ...(etag && { 'if-none-match': etag }) },
    });

  it('includes departing while the user is a member, with an ETag that follows membership', async () => {
    const before = await sync('Fay@Example.com');
    expect(before.json().user).toEqual({ email: 'fay@example.com', watchlists: [] });
    const oldEtag = before.headers.etag as string;
    expect((await sync('fay@example.com', oldEtag)).statusCode).toBe(304);

    await call('analyst', 'POST', '/api/v1/watchlists/departing/members', { email: 'fay@example.com' });
    const member = await sync('fay@example.com', oldEtag);
    expect(member.statusCode).toBe(200);
    expect(member.json().user).toEqual({ email: 'fay@example.com', watchlists: ['departing'] });
    const memberEtag = member.headers.etag as string;
    expect(memberEtag).not.toBe(oldEtag);
    expect((await sync('fay@example.com', memberEtag)).statusCode).toBe(304);
    // Another user's answer is not this one's.
    expect((await sync('gus@example.com')).json().user.watchlists).toEqual([]);

    await call('analyst', 'DELETE', '/api/v1/watchlists/departing/members/fay%40example.com');
    const removed = await sync('fay@example.com', memberEtag);
    expect(removed.statusCode).toBe(200);
    expect(removed.json().user.watchlists).toEqual([]);
  });

  it('sends only the watchlists marked for browsers (departing by default)', async () => {
    await call('analyst', 'POST', '/api/v1/watchlists/flight_risk/members', { email: 'hal@example.com' });
    const quiet = await sync('hal@example.com');
    expect(quiet.json().user.watchlists).toEqual([]);

    expect((await call('analyst', 'PATCH', '/api/v1/watchlists/flight_risk', { syncToBrowsers: true })).statusCode).toBe(403);
    const marked = await call('admin', 'PATCH', '/api/v1/watchlists/flight_risk', { syncToBrowsers: true });
    expect(marked.json().watchlist).toMatchObject({ id: 'flight_risk', syncToBrowsers: true });
    const told = await sync('hal@example.com', quiet.headers.etag as string);
    expect(told.statusCode).toBe(200);
    expect(told.json().user.watchlists).toEqual(['flight_risk']);
    expect((await auditOf('watchlist:flight_risk')).map((e) => e.action)).toEqual(['watchlist.updated']);
  });
});
