// @vitest-environment node
/**
 * Block and unblock a person's uploads from the API (issue 18): membership of `blocked_uploads`
 * (synced to browsers) plus the response rule the first block adds to the synced policy; an
 * admin's edit of the rule is kept and reported; every change audited; analysts and admins only.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BLOCK_RULE_ID } from '../../../console/routes/block';
import { makeTestConsole, type TestConsole } from '../support/test-console';

const ANA = 'ana@acme.example';
let built: TestConsole;
beforeEach(async () => {
  built = await makeTestConsole();
});
afterEach(() => built.close());

const call = (role: Parameters<TestConsole['as']>[0], method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
  built.app.inject({ method, url, headers: built.as(role), ...(payload && { payload }) });
const audit = async () => (await call('admin', 'GET', '/api/v1/audit?limit=100')).json().entries as { action: string; target: string; actor: string }[];
const policy = async () => (await call('admin', 'GET', '/api/v1/policy')).json().settings as { responseRules?: { id: string; action: string }[] };

describe('POST /api/v1/users/{email}/block', () => {
  it('creates the synced list and the rule on first use, then adds the person; audited', async () => {
    await call('admin', 'PUT', '/api/v1/policy', { responseRules: [{ id: 'ai-warn', when: { destinationCategories: ['ai_tools'] }, action: 'warn' }] });
    const res = await call('analyst', 'POST', `/api/v1/users/${encodeURIComponent('Ana@Acme.example')}/block`, { reason: 'INC-4411 exfiltration' });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      email: ANA,
      blocked: true,
      wasBlocked: false,
      watchlist: 'blocked_uploads',
      rule: { id: BLOCK_RULE_ID, created: true, position: 0 },
    });
    expect(res.json().cautions).toEqual([]);
    expect(res.json().member).toMatchObject({ email: ANA, notes: 'INC-4411 exfiltration' });

    const lists = (await call('read_only', 'GET', '/api/v1/watchlists')).json().watchlists as { id: string; syncToBrowsers: boolean; memberCount: number }[];
    expect(lists.find((w) => w.id === 'blocked_uploads')).toMatchObject({ syncToBrowsers: true, memberCount: 1 });
    // The admin's rule stays, after the block rule.
    expect((await policy()).responseRules?.map((r) => r.id)).toEqual([BLOCK_RULE_ID, 'ai-warn']);
    const profile = (await call('read_only', 'GET', `/api/v1/users/${ANA}`)).json();
    expect(JSON.stringify(profile)).toContain('blocked_uploads');

    const actions = (await audit()).filter((e) => e.actor === 'analyst:test-analyst').map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['watchlist.created', 'policy.block_rule_added', 'watchlist.member_added', 'user.uploads_blocked']));
  });

  it('is idempotent: a second block answers 200, adds no second rule and no second audit entry', async () => {
    expect((await call('analyst', 'POST', `/api/v1/users/${ANA}/block`)).statusCode).toBe(201);
    const again = await call('admin', 'POST', `/api/v1/users/${ANA}/block`, {});
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ wasBlocked: true, rule: { created: false, position: 0 } });
    expect((await policy()).responseRules?.filter((r) => r.id === BLOCK_RULE_ID)).toHaveLength(1);
    expect((await audit()).filter((e) => e.action === 'user.uploads_blocked')).toHaveLength(1);
    expect((await audit()).filter((e) => e.action === 'policy.block_rule_added')).toHaveLength(1);
  });

  it("keeps an admin's edit of the rule and says when it no longer blocks", async () => {
    await call('analyst', 'POST', `/api/v1/users/${ANA}/block`);
    const edited = [
      { id: 'first', when: { destinationCategories: ['email'] }, action: 'allow' },
      { id: BLOCK_RULE_ID, when: { watchlists: ['blocked_uploads'], fileCategories: ['spreadsheet'] }, action: 'warn', message: 'Edited.' },
    ];
    expect((await call('admin', 'PUT', '/api/v1/policy', { responseRules: edited })).statusCode).toBe(200);
    const res = await call('analyst', 'POST', `/api/v1/users/bo@acme.example/block`);
    expect(res.statusCode).toBe(201);
    expect(res.json().rule).toMatchObject({ created: false, position: 1, rule: edited[1] });
    expect(res.json().cautions).toEqual([
      expect.stringMatching(/action is warn, not block/),
      expect.stringMatching(/also requires fileCategories/),
      expect.stringMatching(/not first: 1 rule/),
    ]);
    expect((await policy()).responseRules).toEqual(edited);
  });

  it('adds the rule again when an admin deleted it, and turns browser sync back on', async () => {
    await call('analyst', 'POST', `/api/v1/users/${ANA}/block`);
    await call('admin', 'PUT', '/api/v1/policy', {});
    await call('admin', 'PATCH', '/api/v1/watchlists/blocked_uploads', { syncToBrowsers: false });
    const res = await call('analyst', 'POST', `/api/v1/users/bo@acme.example/block`);
    expect(res.json().rule).toMatchObject({ created: true, position: 0 });
    expect((await policy()).responseRules?.map((r) => r.id)).toEqual([BLOCK_RULE_ID]);
    const lists = (await call('read_only', 'GET', '/api/v1/watchlists')).json().watchlists as { id: string; syncToBrowsers: boolean }[];
    expect(lists.find((w) => w.id === 'blocked_uploads')?.syncToBrowsers).toBe(true);
    expect((await audit()).map((e) => e.action)).toContain('watchlist.updated');
  });

  it('refuses a bad email and an unknown body field with 400, and changes nothing', async () => {
    expect((await call('analyst', 'POST', '/api/v1/users/not-an-email/block')).statusCode).toBe(400);
    expect((await call('analyst', 'POST', `/api/v1/users/${ANA}/block`, { reson: 'typo' })).statusCode).toBe(400);
    expect((await policy()).responseRules).toBeUndefined();
  });

  it.each(['read_only', 'ingest'] as const)('refuses the %s role with 403 and changes nothing', async (role) => {
    expect((await call(role, 'POST', `/api/v1/users/${ANA}/block`)).statusCode).toBe(403);
    expect((await call(role, 'DELETE', `/api/v1/users/${ANA}/block`)).statusCode).toBe(403);
    expect((await policy()).responseRules).toBeUndefined();
    expect((await audit()).map((e) => e.action)).not.toContain('watchlist.created');
  });
});

describe('DELETE /api/v1/users/{email}/block', () => {
  it('takes the person off the list (audited), keeps the rule, and is idempotent', async () => {
    await call('analyst', 'POST', `/api/v1/users/${ANA}/block`);
    const res = await call('analyst', 'DELETE', `/api/v1/users/${ANA}/block`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ email: ANA, blocked: false, wasBlocked: true });
    const members = (await call('read_only', 'GET', '/api/v1/watchlists/blocked_uploads/members')).json().members;
    expect(members).toEqual([]);
    expect((await policy()).responseRules?.map((r) => r.id)).toEqual([BLOCK_RULE_ID]);
    expect((await audit()).map((e) => e.action)).toEqual(expect.arrayContaining(['watchlist.member_removed', 'user.uploads_unblocked']));

    const again = await call('analyst', 'DELETE', `/api/v1/users/${ANA}/block`);
    expect(again.json()).toMatchObject({ blocked: false, wasBlocked: false });
    expect((await audit()).filter((e) => e.action === 'user.uploads_unblocked')).toHaveLength(1);
  });

  it('answers wasBlocked: false before any block (no list yet)', async () => {
    const res = await call('admin', 'DELETE', `/api/v1/users/${ANA}/block`);
    expect(res.statusCode).toBe(200);
    expect(res.json().wasBlocked).toBe(false);
  });
});
