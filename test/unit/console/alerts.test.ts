// @vitest-environment node
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AlertConditions, ruleMatches } from '../../../console/alerts/rules';
import type { FileEvent } from '../../../src/core/schema/event';
import { makeTestConsole, type TestConsole } from '../support/test-console';
import { sampleEvent, sampleId } from '../support/sample-event';

const T0 = Date.parse('2026-11-22T10:00:00.000Z');
const MIN = 60_000;

/** Dropbox + main.py: high (cloud_storage 5, source_code 3). */
const dropbox = (n: number, at: number, email?: string) =>
  sampleEvent({ id: sampleId(n), observedAt: new Date(at).toISOString(), user: email ? { email } : {} });
/** Gmail + a.png: low (email 3). */
const gmail = (n: number, at: number, email?: string) =>
  sampleEvent({
    id: sampleId(n),
    observedAt: new Date(at).toISOString(),
    user: email ? { email } : {},
    tab: { url: 'https://mail.google.com/mail/u/0', title: 'Gmail' },
    file: { name: 'a.png', size: 1, mimeType: '' },
  });

describe('ruleMatches: every condition given must hold, a list holds when any value does', () => {
  let high: FileEvent;
  beforeEach(async () => {
    high = await dropbox(1, T0, 'ann@example.com');
  });
  const match = (conditions: object, email: string | null = 'ann@example.com', watchlists: string[] = []) =>
    ruleMatches(AlertConditions.parse(conditions), { event: high, email, watchlists: new Set(watchlists) });

  it.each([
    [{ minSeverity: 'high' }, true],
    [{ minSeverity: 'critical' }, false],
    [{ destinationCategories: ['email', 'cloud_storage'] }, true],
    [{ destinationCategories: ['ai_tools'] }, false],
    [{ fileCategories: ['source_code'] }, true],
    [{ fileCategories: ['pdf', 'image'] }, false],
    [{ indicators: ['off_hours', 'cloud_storage'] }, true],
    [{ indicators: ['departing_watchlist'] }, false],
    [{ users: ['Ann@Example.com'] }, true],
    [{ users: ['bob@example.com'] }, false],
    [{ minSeverity: 'low', destinationCategories: ['cloud_storage'], fileCategories: ['source_code'] }, true],
    [{ minSeverity: 'low', destinationCategories: ['cloud_storage'], fileCategories: ['pdf'] }, false],
  ])('%j → %s', (conditions, expected) => {
    expect(match(conditions)).toBe(expected);
  });

  it('checks watchlists against the memberships given', () => {
    expect(match({ watchlists: ['departing', 'flight_risk'] }, 'ann@example.com', ['flight_risk'])).toBe(true);
    expect(match({ watchlists: ['departing'] }, 'ann@example.com', ['flight_risk'])).toBe(false);
  });

  it('never matches conditions about people for an event without a user', () => {
    expect(match({ users: ['ann@example.com'] }, null)).toBe(false);
    expect(match({ watchlists: ['departing'] }, null, ['departing'])).toBe(false);
    expect(match({ minSeverity: 'low' }, null)).toBe(true);
  });

  it('refuses a rule without conditions, and unknown categories', () => {
    expect(AlertConditions.safeParse({}).success).toBe(false);
    expect(AlertConditions.safeParse({ destinationCategories: ['moon'] }).success).toBe(false);
    expect(AlertConditions.safeParse({ users: [] }).success).toBe(false);
  });
});

describe('alerts', () => {
  let built: TestConsole;
  let clock: number;
  beforeEach(async () => {
    clock = T0 + 10 * MIN;
    built = await makeTestConsole({ now: () => clock });
  });
  afterEach(() => built.close());

  type Role = Parameters<TestConsole['as']>[0];
  const call = (role: Role, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
    built.app.inject({ method, url, headers: built.as(role), ...(payload && { payload }) });
  const ingest = async (...events: FileEvent[]) => {
    const res = await built.app.inject({ method: 'POST', url: '/api/v1/events', headers: built.as('ingest'), payload: { events } });
    expect(res.statusCode).toBe(200);
  };
  const rule = async (id: string, conditions: object) => {
    const res = await call('analyst', 'POST', '/api/v1/alert-rules', { id, name: `rule ${id}`, conditions });
    expect(res.statusCode).toBe(201);
    return res.json().rule;
  };
  const alerts = async (query = '') => (await call('read_only', 'GET', `/api/v1/alerts${query}`)).json().alerts as Record<string, unknown>[];

  it('manages rules: analysts create and edit, read_only reads, bad conditions are refused', async () => {
    const created = await rule('cloud', { destinationCategories: ['cloud_storage'] });
    expect(created).toMatchObject({ id: 'cloud', enabled: true, conditions: { destinationCategories: ['cloud_storage'] }, createdBy: 'analyst:test-analyst' });
    expect((await call('read_only', 'POST', '/api/v1/alert-rules', { name: 'x', conditions: { minSeverity: 'low' } })).statusCode).toBe(403);
    expect((await call('analyst', 'POST', '/api/v1/alert-rules', { name: 'x', conditions: {} })).statusCode).toBe(400);
    const unknownList = await call('analyst', 'POST', '/api/v1/alert-rules', { name: 'x', conditions: { watchlists: ['no_such'] } });
    expect(unknownList.statusCode).toBe(400);
    expect(unknownList.json().error).toMatch(/no_such/);
    expect((await call('analyst', 'POST', '/api/v1/alert-rules', { id: 'cloud', name: 'again', conditions: { minSeverity: 'low' } })).statusCode).toBe(409);
    clock += MIN;
    const generated = (await call('analyst', 'POST', '/api/v1/alert-rules', { name: 'any', conditions: { minSeverity: 'low' } })).json().rule;
    expect(generated.id).toMatch(/^[0-9a-f-]{36}$/);

    const disabled = await call('analyst', 'PATCH', '/api/v1/alert-rules/cloud', { enabled: false, name: 'Cloud uploads' });
    expect(disabled.json().rule).toMatchObject({ enabled: false, name: 'Cloud uploads' });
    expect((await call('read_only', 'GET', '/api/v1/alert-rules')).json().rules.map((r: { id: string }) => r.id)).toEqual(['cloud', generated.id]);
    expect((await call('analyst', 'PATCH', '/api/v1/alert-rules/nope', { enabled: false })).statusCode).toBe(404);

    // A disabled rule raises nothing.
    await ingest(await dropbox(1, T0, 'ann@example.com'));
    expect((await alerts('?ruleId=cloud')).length).toBe(0);
    const audit = (await call('admin', 'GET', '/api/v1/audit?target=alert_rule:cloud')).json().entries;
    expect(audit.map((e: { action: string }) => e.action)).toEqual(['alert_rule.updated', 'alert_rule.created']);
  });

  it("groups one user's events within an hour into one alert, and starts another after an hour", async () => {
    await rule('cloud', { destinationCategories: ['cloud_storage', 'email'] });
    await ingest(await gmail(1, T0, 'ann@example.com'));
    clock = T0 + 100 * MIN;
    // 40 minutes later (joins), then 50 minutes after that (joins: within an hour of the last event).
    await ingest(await dropbox(2, T0 + 40 * MIN, 'Ann@example.com'), await dropbox(3, T0 + 90 * MIN, 'ann@example.com'));
    // Another user: their own alert.
    await ingest(await dropbox(4, T0 + 5 * MIN, 'bob@example.com'));
    let list = await alerts('?user=ann@example.com');
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({
      ruleId: 'cloud',
      ruleName: 'rule cloud',
      user: 'ann@example.com',
      state: 'OPEN',
      severity: 'high',
      eventCount: 3,
      firstEventAt: new Date(T0).toISOString(),
      lastEventAt: new Date(T0 + 90 * MIN).toISOString(),
      assignee: null,
      noteCount: 0,
    });

    // More than an hour after the last event: a new alert.
    clock = T0 + 200 * MIN;
    await ingest(await gmail(5, T0 + 151 * MIN, 'ann@example.com'));
    list = await alerts('?user=ann@example.com');
    expect(list.map((a) => [a.eventCount, a.severity])).toEqual([
      [1, 'low'],
      [3, 'high'],
    ]);
    expect((await alerts('?user=bob@example.com')).map((a) => a.eventCount)).toEqual([1]);
  });

  it('files a late event into the session its time falls in (a browser that was offline sends old events)', async () => {
    await rule('cloud', { destinationCategories: ['cloud_storage'] });
    clock = T0 + 3 * 60 * MIN;
    await ingest(await dropbox(1, T0 + 2 * 60 * MIN, 'ann@example.com'));
    // 50 minutes before the alert's first event: joins it. Two hours before: a session of its own.
    await ingest(await dropbox(2, T0 + 70 * MIN, 'ann@example.com'), await dropbox(3, T0, 'ann@example.com'));
    const list = await alerts();
    expect(list.map((a) => [a.eventCount, a.firstEventAt, a.lastEventAt])).toEqual([
      [1, new Date(T0).toISOString(), new Date(T0).toISOString()],
      [2, new Date(T0 + 70 * MIN).toISOString(), new Date(T0 + 120 * MIN).toISOString()],
    ]);
  });

  it('starts a new alert once the open one is closed, and groups events without a user under user null', async () => {
    await rule('any', { minSeverity: 'low' });
    await ingest(await dropbox(1, T0, 'ann@example.com'), await dropbox(2, T0 + MIN), await gmail(3, T0 + 2 * MIN));
    const [first] = await alerts('?user=ann@example.com');
    expect((await call('analyst', 'PATCH', `/api/v1/alerts/${first!.id as string}`, { state: 'CLOSED_TP' })).statusCode).toBe(200);
    await ingest(await dropbox(4, T0 + 3 * MIN, 'ann@example.com'));
    const ann = await alerts('?user=ann@example.com');
    expect(ann.map((a) => [a.state, a.eventCount])).toEqual([
      ['OPEN', 1],
      ['CLOSED_TP', 1],
    ]);
    const anonymous = (await alerts()).filter((a) => a.user === null);
    expect(anonymous.map((a) => [a.eventCount, a.severity])).toEqual([[2, 'high']]);
  });

  it('checks watchlist conditions against membership at ingest time', async () => {
    await rule('departing', { watchlists: ['departing'] });
    await ingest(await dropbox(1, T0, 'ann@example.com'));
    await call('analyst', 'POST', '/api/v1/watchlists/departing/members', { email: 'ann@example.com' });
    await ingest(await dropbox(2, T0 + 2 * MIN, 'ann@example.com'), await dropbox(3, T0 + 3 * MIN, 'bob@example.com'));
    const list = await alerts('?ruleId=departing');
    expect(list.map((a) => [a.user, a.eventCount])).toEqual([['ann@example.com', 1]]);
    const detail = (await call('read_only', 'GET', `/api/v1/alerts/${list[0]!.id as string}`)).json();
    expect(detail.events.map((e: { id: string }) => e.id)).toEqual([sampleId(2)]);
  });

  it('answers an alert with its events as API events, paged newest first', async () => {
    await rule('cloud', { destinationCategories: ['cloud_storage'] });
    await ingest(...(await Promise.all([0, 1, 2, 3, 4].map((i) => dropbox(i + 1, T0 + i * MIN, 'ann@example.com')))));
    const [alert] = await alerts();
    const ids: string[] = [];
    let url = `/api/v1/alerts/${alert!.id as string}?eventsLimit=2`;
    for (;;) {
      const page = (await call('read_only', 'GET', url)).json();
      expect(page).toMatchObject({ id: alert!.id, eventCount: 5, notes: [] });
      ids.push(...page.events.map((e: { id: string; received: { credential: string } }) => (expect(e.received.credential).toBe('test-ingest'), e.id)));
      if (!page.eventsNextCursor) break;
      url = `/api/v1/alerts/${alert!.id as string}?eventsLimit=2&eventsCursor=${page.eventsNextCursor}`;
    }
    expect(ids).toEqual([5, 4, 3, 2, 1].map(sampleId));
    expect((await call('read_only', 'GET', `/api/v1/alerts/${sampleId(99)}`)).statusCode).toBe(404);
  });

  it('audits each state change, assignment and note, and refuses read_only and bad input', async () => {
    await rule('any', { minSeverity: 'low' });
    await ingest(await dropbox(1, T0, 'ann@example.com'));
    const [alert] = await alerts();
    const url = `/api/v1/alerts/${alert!.id as string}`;
    clock += MIN;
    const res = await call('analyst', 'PATCH', url, { state: 'PENDING', assignee: 'Ivy@Example.com', note: 'asked the manager' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ state: 'PENDING', assignee: 'ivy@example.com', noteCount: 1, updatedAt: new Date(clock).toISOString() });
    expect(res.json().notes).toEqual([{ at: new Date(clock).toISOString(), author: 'analyst:test-analyst', text: 'asked the manager' }]);
    await call('admin', 'PATCH', url, { state: 'CLOSED_FP', assignee: null });

    const audit = (await call('admin', 'GET', `/api/v1/audit?target=alert:${alert!.id as string}`)).json().entries.reverse();
    expect(audit.map((e: { action: string; before: unknown; after: unknown }) => [e.action, e.before, e.after])).toEqual([
      ['alert.state_changed', { state: 'OPEN' }, { state: 'PENDING' }],
      ['alert.assigned', { assignee: null }, { assignee: 'ivy@example.com' }],
      ['alert.noted', null, { note: { at: new Date(clock).toISOString(), author: 'analyst:test-analyst', text: 'asked the manager' } }],
      ['alert.state_changed', { state: 'PENDING' }, { state: 'CLOSED_FP' }],
      ['alert.assigned', { assignee: 'ivy@example.com' }, { assignee: null }],
    ]);

    expect((await call('read_only', 'PATCH', url, { state: 'OPEN' })).statusCode).toBe(403);
    expect((await call('ingest', 'GET', '/api/v1/alerts')).statusCode).toBe(403);
    expect((await call('analyst', 'PATCH', url, { state: 'RESOLVED' })).statusCode).toBe(400);
    expect((await call('analyst', 'PATCH', url, { note: 'x'.repeat(4001) })).statusCode).toBe(400);
    expect((await call('analyst', 'PATCH', url, {})).statusCode).toBe(400);
    expect((await call('analyst', 'PATCH', `/api/v1/alerts/${sampleId(99)}`, { state: 'OPEN' })).statusCode).toBe(404);
  });

  it('filters by state, severity, rule, user and update time, and pages with a cursor', async () => {
    await rule('any', { minSeverity: 'low' });
    await rule('mail', { destinationCategories: ['email'] });
    // Five users, one alert each under `any`; the Gmail ones also under `mail`.
    for (let i = 0; i < 5; i++) {
      clock += MIN;
      await ingest(await (i % 2 ? gmail : dropbox)(i + 1, T0 + i * MIN, `u${i}@example.com`));
    }
    const all = await alerts();
    expect(all).toHaveLength(7);
    expect(all.map((a) => a.createdAt)).toEqual([...all.map((a) => a.createdAt)].sort().reverse());

    expect((await alerts('?ruleId=mail')).map((a) => a.user)).toEqual(['u3@example.com', 'u1@example.com']);
    expect((await alerts('?minSeverity=high')).every((a) => a.severity === 'high')).toBe(true);
    expect(await alerts('?minSeverity=high')).toHaveLength(3);
    expect((await alerts('?user=U2@example.com')).map((a) => a.ruleId)).toEqual(['any']);

    const target = (await alerts('?user=u0@example.com'))[0]!;
    clock += 10 * MIN;
    const since = new Date(clock).toISOString();
    await call('analyst', 'PATCH', `/api/v1/alerts/${target.id as string}`, { state: 'PENDING' });
    expect((await alerts(`?updatedSince=${since}`)).map((a) => a.id)).toEqual([target.id]);
    expect((await alerts('?state=PENDING,CLOSED_TP')).map((a) => a.id)).toEqual([target.id]);
    expect(await alerts('?state=OPEN')).toHaveLength(6);
    expect((await call('read_only', 'GET', '/api/v1/alerts?state=OPEN,DONE')).statusCode).toBe(400);

    const paged: unknown[] = [];
    let url = '/api/v1/alerts?limit=3';
    for (;;) {
      const page = (await call('read_only', 'GET', url)).json();
      paged.push(...page.alerts.map((a: { id: string }) => a.id));
      if (!page.nextCursor) break;
      url = `/api/v1/alerts?limit=3&cursor=${page.nextCursor}`;
    }
    expect(paged).toEqual(all.map((a) => a.id));
  });
});
