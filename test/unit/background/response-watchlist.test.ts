// @vitest-environment node
/**
 * A watchlist-scoped block switched on and off from the console (issue 14, "Per-user response"):
 * the admin syncs a rule naming `blocked_uploads`, marks the list for browsers, and an analyst
 * adds a user to it. The user's browser (the whole background service, its settings sync pointed
 * at the console in this process) blocks their uploads after one sync, and lets them through
 * after the next sync once the analyst takes them off. Every change is in the console's audit log.
 */
import { describe, expect, it } from 'vitest';
import { browserOnConsole, consoleForEachTest } from '../support/browser-on-console';
import type { TestConsole } from '../support/test-console';
import { sampleEvent, sampleId } from '../support/sample-event';

const ANA = 'ana@acme.example';
const RULE = { id: 'blocked-uploads', when: { watchlists: ['blocked_uploads'] }, action: 'block', message: 'Uploads are paused for your account.' };

const consoleOfTest = consoleForEachTest();

const call = (role: Parameters<TestConsole['as']>[0], method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT', url: string, payload?: object) =>
  consoleOfTest().app.inject({ method, url, headers: consoleOfTest().as(role), ...(payload && { payload }) });

describe('a watchlist-scoped block from the console', () => {
  it('blocks the user on their browser after one sync, and lifts it after the next, all audited', async () => {
    const built = consoleOfTest();
    expect((await call('admin', 'PUT', '/api/v1/policy', { responseRules: [RULE] })).statusCode).toBe(200);
    expect((await call('admin', 'POST', '/api/v1/watchlists', { id: 'blocked_uploads', name: 'Uploads paused', syncToBrowsers: true })).statusCode).toBe(201);

    const browser = await browserOnConsole(built, ANA, 'response-watchlist');
    const { plan, syncNow } = browser;
    const upload = (n: number) => browser.upload(n, `plan-${n}.pdf`);
    // The rule is synced, but Ana is on no list: nothing to hold.
    expect(await plan()).toBe(false);

    expect((await call('analyst', 'POST', '/api/v1/watchlists/blocked_uploads/members', { email: ANA })).statusCode).toBe(201);
    await syncNow();
    expect(await plan()).toBe(true);
    expect(await upload(1)).toMatchObject({ action: 'block', ruleId: 'blocked-uploads', message: RULE.message });

    expect((await call('analyst', 'DELETE', `/api/v1/watchlists/blocked_uploads/members/${ANA}`)).statusCode).toBe(200);
    await syncNow();
    expect(await plan()).toBe(false);
    expect((await upload(2)).action).toBe('allow');

    const audit = (await call('admin', 'GET', '/api/v1/audit')).json().entries as { action: string; target: string }[];
    expect(audit.map((e) => e.action)).toEqual(
      expect.arrayContaining(['policy.updated', 'watchlist.created', 'watchlist.member_added', 'watchlist.member_removed']),
    );
  });
});

describe('the console and a response', () => {
  it("keeps an event's response as the browser sent it", async () => {
    const response = { action: 'warn', outcome: 'bypassed', ruleId: 'ai-warn', justification: 'Vendor <asked>', decidedInMs: 12 } as const;
    const event = { ...(await sampleEvent({ id: sampleId(7) })), response };
    expect((await call('ingest', 'POST', '/api/v1/events', { events: [event] })).statusCode).toBe(200);
    expect((await call('read_only', 'GET', `/api/v1/events/${event.id}`)).json().response).toEqual(response);
  });

  it('finds events by outcome (outcome=blocked), and never by a file name that spells one', async () => {
    const of = async (n: number, response?: object, name = `f${n}.pdf`) => ({
      ...(await sampleEvent({ id: sampleId(n), file: { name, size: 1, mimeType: '' } })),
      ...(response && { response }),
    });
    const events = [
      await of(1, { action: 'block', outcome: 'blocked', ruleId: 'r', decidedInMs: 1 }),
      await of(2, { action: 'warn', outcome: 'bypassed', ruleId: 'w', justification: '"outcome":"blocked"', decidedInMs: 1 }),
      await of(3),
      await of(4, undefined, '"outcome":"blocked".pdf'),
      await of(5, { action: 'warn', outcome: 'warned', ruleId: 'w', decidedInMs: 1 }),
    ];
    expect((await call('ingest', 'POST', '/api/v1/events', { events })).statusCode).toBe(200);
    const ids = async (query: string) =>
      ((await call('read_only', 'GET', `/api/v1/events?${query}`)).json().events as { id: string }[]).map((e) => e.id).sort();
    expect(await ids('outcome=blocked')).toEqual([sampleId(1)]);
    expect(await ids('outcome=blocked,warned')).toEqual([sampleId(1), sampleId(5)]);
    expect(await ids('outcome=warned&fileName=f5')).toEqual([sampleId(5)]);
    expect((await call('read_only', 'GET', '/api/v1/events?outcome=shrugged')).statusCode).toBe(400);
  });

  it('refuses a synced policy with a bad rule, naming it', async () => {
    const res = await call('admin', 'PUT', '/api/v1/policy', { responseRules: [RULE, { ...RULE, id: 'x', learnMoreUrl: 'http://insecure.example/' }] });
    expect(res.statusCode).toBe(400);
    expect(res.json().problems).toEqual([expect.stringMatching(/^responseRules\[1\]: rule "x" rejected: .*learnMoreUrl/)]);
  });
});
