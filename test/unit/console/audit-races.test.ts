// @vitest-environment node
/**
 * The same change sent several times at once (a double click, a playbook's retry, two analysts)
 * gets the answers it gets one after another: one creation and "already" for the rest, one removal
 * and 404 for the rest, never a 500, and one audit entry. On PostgreSQL each request read the data
 * committed before it (none), so the creations after the first failed on the unique key (500),
 * and every removal deleted nothing yet answered and audited a removal.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestConsole, type TestConsole } from '../support/test-console';

let built: TestConsole;
beforeAll(async () => {
  built = await makeTestConsole({ ingestRateLimit: false });
});
afterAll(() => built.close());

const AT_ONCE = 6;
type Method = 'POST' | 'PUT' | 'DELETE';

async function atOnce(method: Method, url: string, payload?: object) {
  const answers = await Promise.all(
    Array.from({ length: AT_ONCE }, () => built.app.inject({ method, url, headers: built.as('admin'), ...(payload && { payload }) })),
  );
  for (const a of answers) expect(a.statusCode, a.body).toBeLessThan(500);
  return answers.map((a) => a.statusCode).sort();
}

async function audited(action: string, target: string): Promise<number> {
  const res = await built.app.inject({
    method: 'GET',
    url: `/api/v1/audit?action=${action}&target=${encodeURIComponent(target)}`,
    headers: built.as('admin'),
  });
  return (res.json().entries as unknown[]).length;
}

const rest = (status: number) => Array<number>(AT_ONCE - 1).fill(status);

describe('creations at once', () => {
  it.each([
    {
      what: 'a watchlist',
      method: 'POST',
      url: '/api/v1/watchlists',
      body: { id: 'at_once', name: 'n' },
      others: 409,
      audit: ['watchlist.created', 'watchlist:at_once'],
    },
    {
      what: 'a member',
      method: 'POST',
      url: '/api/v1/watchlists/departing/members',
      body: { email: 'once@example.com' },
      others: 200,
      audit: ['watchlist.member_added', 'user:once@example.com'],
    },
    {
      what: 'a block',
      method: 'POST',
      url: '/api/v1/users/blocked%40example.com/block',
      body: {},
      others: 200,
      audit: ['user.uploads_blocked', 'user:blocked@example.com'],
    },
    {
      what: 'an alert rule',
      method: 'POST',
      url: '/api/v1/alert-rules',
      body: { id: 'at-once', name: 'n', conditions: { minSeverity: 'high' } },
      others: 409,
      audit: ['alert_rule.created', 'alert_rule:at-once'],
    },
    {
      what: 'a legal hold',
      method: 'POST',
      url: '/api/v1/legal-holds',
      body: { email: 'held@example.com', matter: 'Case 1' },
      others: 200,
      audit: ['legal_hold.placed', 'user:held@example.com'],
    },
    {
      what: 'a credential',
      method: 'POST',
      url: '/api/v1/credentials',
      body: { name: 'at-once', role: 'read_only' },
      others: 409,
      audit: ['credential.created', 'credential:at-once'],
    },
    {
      what: 'an account',
      method: 'POST',
      url: '/api/v1/accounts',
      body: { email: 'once@example.com', role: 'read_only', password: 'a long enough password' },
      others: 409,
      audit: ['account.created', 'account:once@example.com'],
    },
    {
      what: 'a notification channel',
      method: 'PUT',
      url: '/api/v1/notification-channels/at-once',
      body: { name: 'n', rules: '*', config: { kind: 'slack', url: 'https://hooks.slack.com/services/T0/B0/x' } },
      others: 200,
      audit: ['notification_channel.created', 'notification_channel:at-once'],
    },
  ] as const)('$what: one 201, the others $others', async ({ method, url, body, others, audit }) => {
    expect(await atOnce(method, url, body)).toEqual([...rest(others), 201].sort());
    expect(await audited(audit[0], audit[1])).toBe(1);
  });
});

describe('removals at once', () => {
  it('a member: one 200, the others 404, one audit entry', async () => {
    await built.app.inject({
      method: 'POST',
      url: '/api/v1/watchlists/flight_risk/members',
      headers: built.as('admin'),
      payload: { email: 'gone@example.com' },
    });
    expect(await atOnce('DELETE', '/api/v1/watchlists/flight_risk/members/gone%40example.com')).toEqual([200, ...rest(404)]);
    expect(await audited('watchlist.member_removed', 'user:gone@example.com')).toBe(1);
  });

  it('a legal hold: one 200, the others 404, one audit entry', async () => {
    const hold = { email: 'released@example.com', matter: 'Case 2' };
    await built.app.inject({ method: 'POST', url: '/api/v1/legal-holds', headers: built.as('admin'), payload: hold });
    expect(await atOnce('DELETE', '/api/v1/legal-holds', hold)).toEqual([200, ...rest(404)]);
    expect(await audited('legal_hold.released', 'user:released@example.com')).toBe(1);
  });

  it('a notification channel: one 200, the others 404, one audit entry', async () => {
    const channel = { name: 'n', rules: '*', config: { kind: 'slack', url: 'https://hooks.slack.com/services/T0/B0/y' } };
    await built.app.inject({ method: 'PUT', url: '/api/v1/notification-channels/doomed', headers: built.as('admin'), payload: channel });
    expect(await atOnce('DELETE', '/api/v1/notification-channels/doomed')).toEqual([200, ...rest(404)]);
    expect(await audited('notification_channel.deleted', 'notification_channel:doomed')).toBe(1);
  });

  it('a block: every answer 200, one says it was blocked, one audit entry', async () => {
    await built.app.inject({ method: 'POST', url: '/api/v1/users/lifted%40example.com/block', headers: built.as('admin'), payload: {} });
    const answers = await Promise.all(
      Array.from({ length: AT_ONCE }, () =>
        built.app.inject({ method: 'DELETE', url: '/api/v1/users/lifted%40example.com/block', headers: built.as('admin') }),
      ),
    );
    expect(answers.map((a) => a.statusCode)).toEqual(Array<number>(AT_ONCE).fill(200));
    expect(answers.filter((a) => a.json().wasBlocked === true)).toHaveLength(1);
    expect(await audited('user.uploads_unblocked', 'user:lifted@example.com')).toBe(1);
  });

  it('a credential revoked again: 200 as it stands, audited once', async () => {
    await built.app.inject({ method: 'POST', url: '/api/v1/credentials', headers: built.as('admin'), payload: { name: 'revoked-twice', role: 'read_only' } });
    expect(await atOnce('DELETE', '/api/v1/credentials/revoked-twice')).toEqual(Array<number>(AT_ONCE).fill(200));
    const again = await built.app.inject({ method: 'DELETE', url: '/api/v1/credentials/revoked-twice', headers: built.as('admin') });
    expect(again.statusCode).toBe(200);
    expect(again.json().credential.revokedAt).not.toBeNull();
    expect(await audited('credential.revoked', 'credential:revoked-twice')).toBe(1);
  });
});
