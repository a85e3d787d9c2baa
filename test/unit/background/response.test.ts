// @vitest-environment node
/**
 * The response's background side as a content script drives it (issue 14): the plan, the decision
 * for a held action, the outcome of a warning or of the failure mode, temporary allows, and that
 * nothing held is lost (a warning nobody answers, a worker stopped in between). The clock is
 * injected; events are read back from the extension's own database.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { openDatabase } from '../../../src/background/db';
import { forwardedOf } from '../../../src/background/pipeline';
import { ACTIVITY_ALARM } from '../../../src/background/service';
import type { FileEvent } from '../../../src/core/schema/event';
import { DECIDE_WITHIN_MS, ResponseDecision, ResponsePlan } from '../../../src/core/schema/response';
import {
  fromTab as fromTabOf,
  idCounter,
  mockBrowserPlatform,
  MONDAY_AT_WORK,
  observedPick,
  sendSettled,
  testService,
  type PickedFile,
} from '../support/background-service';
import { sampleEvent, sampleId } from '../support/sample-event';

const RULES = [
  {
    id: 'ai-warn',
    when: { destinationCategories: ['ai_tools'] },
    action: 'warn',
    message: 'Think twice.',
    justification: 'required',
    temporaryAllowMinutes: 30,
  },
  {
    id: 'no-personal-cloud',
    when: { destinationCategories: ['cloud_storage'], fileCategories: ['spreadsheet'] },
    action: 'block',
    message: 'Company files stay in company storage.',
    learnMoreUrl: 'https://intranet.example/dlp',
  },
  { id: 'notify-cloud', when: { destinationCategories: ['cloud_storage'] }, action: 'notify', message: 'Uploads here are recorded.' },
];

const DROPBOX = 'https://www.dropbox.com/home';
const CHATGPT = 'https://chatgpt.com/';
let dbCounter = 0;

function setup(dbName = `response-test-${++dbCounter}`, clock = { now: MONDAY_AT_WORK, step: 0 }) {
  const service = testService({
    fetch: (async () => new Response('{}')) as unknown as typeof fetch,
    // `step` moves the clock at every reading: a background slower than the content script's wait.
    now: () => (clock.now += clock.step),
    newId: idCounter(dbCounter * 1000),
    dbName,
  });
  const fromTab = (url: string, tabId = 7) => fromTabOf(url, '', tabId);
  const send = (message: unknown, sender: ReturnType<typeof fromTab>) => sendSettled(service, message, sender);
  const plan = async (url: string) => ResponsePlan.parse(await send({ type: 'response/plan' }, fromTab(url)));
  const held = async (actionId: string, url: string, files: PickedFile[], tabId = 7) =>
    ResponseDecision.parse(await send(observedPick(actionId, files, true), fromTab(url, tabId)));
  const outcome = (decisionId: string, rest: Record<string, unknown>, tabId = 7) =>
    send({ type: 'upload/outcome', decisionId, ...rest }, fromTab(DROPBOX, tabId));
  const stored = async (): Promise<FileEvent[]> => (await (await openDatabase(dbName)).getAll('events')).sort((a, b) => a.id.localeCompare(b.id));
  const alarm = async (name: string) => {
    service.onAlarm({ name });
    await service.idle();
  };
  return { service, clock, send, plan, held, outcome, stored, alarm, fromTab, dbName };
}

beforeEach(async () => {
  mockBrowserPlatform();
  await fakeBrowser.storage.managed.set({ userEmail: 'ana@acme.example', responseRules: RULES });
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe('response/plan', () => {
  it('holds files only where a rule could apply, with the failure mode and the wait', async () => {
    const s = setup();
    expect(await s.plan(DROPBOX)).toEqual({ hold: true, failureMode: 'allow', decideWithinMs: DECIDE_WITHIN_MS });
    expect((await s.plan(CHATGPT)).hold).toBe(true);
    expect((await s.plan('https://intranet.acme.example/')).hold).toBe(false);
  });

  it('judges an embedded frame by its own service, and counts the managed departing key as a watchlist', async () => {
    await fakeBrowser.storage.managed.set({
      departingWatchlist: true,
      responseRules: [{ id: 'leavers', when: { watchlists: ['departing'], serviceIds: ['dropbox'] }, action: 'block' }],
    });
    const s = setup();
    const inFrame = { ...s.fromTab('https://blog.example/post'), frameId: 5, url: 'https://www.dropbox.com/chooser' };
    expect(ResponsePlan.parse(await s.send({ type: 'response/plan' }, inFrame)).hold).toBe(true);
    expect((await s.plan('https://blog.example/post')).hold).toBe(false);
    expect((await s.held('act-1', DROPBOX, [{ name: 'a.pdf' }])).action).toBe('block');
  });

  it('holds nothing without rules, and says block when the policy says so', async () => {
    await fakeBrowser.storage.managed.set({ responseRules: [], responseFailureMode: 'block' });
    const s = setup();
    expect(await s.plan(DROPBOX)).toMatchObject({ hold: false, failureMode: 'block' });
  });
});

describe('a held upload', () => {
  it('is blocked by the first rule that applies to its strictest file, and stored as blocked at once', async () => {
    const s = setup();
    const decision = await s.held('act-1', DROPBOX, [{ name: 'notes.pdf' }, { name: 'payroll.csv', mime: 'text/csv', head: 'name,salary\nana,1\n' }]);
    expect(decision).toMatchObject({
      decisionId: 'act-1',
      action: 'block',
      ruleId: 'no-personal-cloud',
      message: 'Company files stay in company storage.',
      learnMoreUrl: 'https://intranet.example/dlp',
      justification: 'none',
      files: [
        { name: 'notes.pdf', size: 8 },
        { name: 'payroll.csv', size: 8 },
      ],
      destination: { host: 'www.dropbox.com', name: 'Dropbox', category: 'cloud_storage' },
    });
    expect(decision.reasons.length).toBeGreaterThan(0);
    const events = await s.stored();
    expect(events.map((e) => [e.file.name, e.response?.action, e.response?.outcome, e.response?.ruleId])).toEqual([
      ['notes.pdf', 'block', 'blocked', 'no-personal-cloud'],
      ['payroll.csv', 'block', 'blocked', 'no-personal-cloud'],
    ]);
  });

  it('is notified when only the notify rule applies', async () => {
    const s = setup();
    expect((await s.held('act-1', DROPBOX, [{ name: 'notes.pdf' }])).action).toBe('notify');
    expect((await s.stored())[0]!.response).toMatchObject({ action: 'notify', outcome: 'notified', ruleId: 'notify-cloud' });
  });

  it('is allowed and recorded as a plain observation where no rule can apply on the page (a file sent held before its frame knew the plan); an upload not held gets no response', async () => {
    const s = setup();
    expect(await s.held('act-1', 'https://intranet.acme.example/', [{ name: 'notes.pdf' }])).toMatchObject({ action: 'allow', justification: 'none' });
    await s.send(
      {
        type: 'upload/observed',
        actionId: 'act-2',
        channel: 'file_picker',
        trustedEvent: true,
        files: [{ name: 'b.pdf', size: 8, mimeType: '', headBase64: '' }],
      },
      s.fromTab(DROPBOX),
    );
    const [held, plain] = await s.stored();
    expect(held!.file.name).toBe('notes.pdf');
    expect(held!.response).toBeUndefined();
    expect(plain!.response).toBeUndefined();
  });
});

describe('a warning', () => {
  it('keeps the events until the person cancels, then stores them as warned', async () => {
    const s = setup();
    expect(await s.held('act-1', CHATGPT, [{ name: 'plan.pdf' }])).toMatchObject({ action: 'warn', justification: 'required', message: 'Think twice.' });
    expect(await s.stored()).toEqual([]);
    expect(await s.outcome('act-1', { outcome: 'warned', decidedInMs: 12 })).toEqual({ recorded: 1 });
    expect((await s.stored())[0]!.response).toEqual({ action: 'warn', outcome: 'warned', ruleId: 'ai-warn', decidedInMs: 12 });
    // Settled once: a second answer changes nothing.
    expect(await s.outcome('act-1', { outcome: 'bypassed', justification: 'again' })).toMatchObject({ recorded: 0 });
  });

  it('refuses a bypass without the required justification, records it with one, then lets the same user and destination pass for a while', async () => {
    const s = setup();
    await s.held('act-1', CHATGPT, [{ name: 'plan.pdf' }]);
    expect(await s.outcome('act-1', { outcome: 'bypassed', justification: '   ' })).toEqual({ recorded: 0, error: 'the rule requires a justification' });
    expect(await s.stored()).toEqual([]);
    expect(await s.outcome('act-1', { outcome: 'bypassed', justification: ' Ticket 4411: vendor asked ' })).toEqual({ recorded: 1 });
    expect((await s.stored())[0]!.response).toMatchObject({ action: 'warn', outcome: 'bypassed', justification: 'Ticket 4411: vendor asked' });

    s.clock.now += 29 * 60_000;
    expect((await s.held('act-2', CHATGPT, [{ name: 'more.pdf' }])).action).toBe('allow');
    expect((await s.stored())[1]!.response).toMatchObject({
      action: 'warn',
      outcome: 'allowed',
      ruleId: 'ai-warn',
      temporaryAllowUntil: '2026-11-23T10:30:00.000Z',
    });

    s.clock.now += 2 * 60_000;
    expect((await s.held('act-3', CHATGPT, [{ name: 'late.pdf' }])).action).toBe('warn');
  });

  it('is stored as warned when no answer comes (tab closed), even after the worker restarted', async () => {
    const first = setup();
    await first.held('act-1', CHATGPT, [{ name: 'plan.pdf' }]);
    // A new worker on the same database: the pending warning was persisted.
    const second = setup(first.dbName, first.clock);
    first.clock.now += 9 * 60_000;
    await second.alarm(ACTIVITY_ALARM);
    expect(await second.stored()).toEqual([]);
    first.clock.now += 2 * 60_000;
    await second.alarm(ACTIVITY_ALARM);
    expect((await second.stored()).map((e) => e.response?.outcome)).toEqual(['warned']);
  });

  it('is settled by an answer a restarted worker receives', async () => {
    const first = setup();
    await first.held('act-1', CHATGPT, [{ name: 'plan.pdf' }]);
    const second = setup(first.dbName, first.clock);
    expect(await second.outcome('act-1', { outcome: 'bypassed', justification: 'needed for the demo' })).toEqual({ recorded: 1 });
    expect((await second.stored())[0]!.response).toMatchObject({ outcome: 'bypassed', justification: 'needed for the demo' });
  });
});

describe('outcomes', () => {
  it('drops an outcome for an unknown decision, or from another tab', async () => {
    const s = setup();
    await s.held('act-1', CHATGPT, [{ name: 'plan.pdf' }]);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(await s.outcome('nope', { outcome: 'warned' })).toEqual({ recorded: 0, error: 'unknown decision' });
    expect(await s.outcome('act-1', { outcome: 'bypassed', justification: 'x' }, 99)).toEqual({ recorded: 0, error: 'unknown decision' });
    expect(warn).toHaveBeenCalledTimes(2);
    expect(await s.stored()).toEqual([]);
  });

  it('records the failure mode the content script applied, on stored events and on a pending warning', async () => {
    const s = setup();
    await s.held('act-1', DROPBOX, [{ name: 'payroll.csv', mime: 'text/csv', head: 'name,salary\nana,1\n' }]);
    expect(await s.outcome('act-1', { outcome: 'allowed', failure: 'timeout', decidedInMs: 1500 })).toEqual({ recorded: 1 });
    expect((await s.stored())[0]!.response).toEqual({
      action: 'block',
      outcome: 'allowed',
      ruleId: 'no-personal-cloud',
      failure: 'timeout',
      decidedInMs: 1500,
    });

    await s.held('act-2', CHATGPT, [{ name: 'plan.pdf' }]);
    expect(await s.outcome('act-2', { outcome: 'warned', failure: 'timeout' })).toMatchObject({ recorded: 0 });
    expect(await s.outcome('act-2', { outcome: 'blocked', failure: 'timeout', decidedInMs: 1501 })).toEqual({ recorded: 1 });
    expect((await s.stored())[1]!.response).toMatchObject({ action: 'warn', outcome: 'blocked', failure: 'timeout' });
  });
});

describe('an action split over several messages', () => {
  const sheet = { name: 'payroll.csv', mime: 'text/csv', head: 'name,salary\nana,1\n' };

  it('blocks the earlier parts too when a later part is blocked', async () => {
    const s = setup();
    expect((await s.held('drop-1', DROPBOX, [{ name: 'a.pdf' }])).action).toBe('notify');
    expect((await s.held('drop-1', DROPBOX, [sheet])).action).toBe('block');
    expect((await s.stored()).map((e) => [e.file.name, e.response?.outcome, e.response?.ruleId])).toEqual([
      ['a.pdf', 'blocked', 'no-personal-cloud'],
      ['payroll.csv', 'blocked', 'no-personal-cloud'],
    ]);
  });

  it('keeps every part of a warned action for the answer, and records the answer on all of them', async () => {
    await fakeBrowser.storage.managed.set({ responseRules: [{ ...RULES[0], when: { fileCategories: ['pdf'] } }, RULES[2]] });
    const s = setup();
    expect((await s.held('drop-1', DROPBOX, [{ name: 'a.pdf' }])).action).toBe('warn');
    expect((await s.held('drop-1', DROPBOX, [{ name: 'b.txt', mime: 'text/plain', head: 'hello' }])).action).toBe('notify');
    expect(await s.stored()).toEqual([]);
    expect(await s.outcome('drop-1', { outcome: 'bypassed', justification: 'ok' })).toEqual({ recorded: 2 });
    expect((await s.stored()).map((e) => [e.file.name, e.response?.action, e.response?.outcome, e.response?.ruleId])).toEqual([
      ['a.pdf', 'warn', 'bypassed', 'ai-warn'],
      ['b.txt', 'warn', 'bypassed', 'ai-warn'],
    ]);
  });
});

describe('late answers and late decisions', () => {
  it('takes an answer that comes after the wait ended, replacing the recorded warned', async () => {
    const s = setup();
    await s.held('act-1', CHATGPT, [{ name: 'plan.pdf' }]);
    s.clock.now += 11 * 60_000;
    await s.alarm(ACTIVITY_ALARM);
    expect((await s.stored())[0]!.response?.outcome).toBe('warned');
    expect(await s.outcome('act-1', { outcome: 'bypassed', justification: 'was in a meeting' })).toEqual({ recorded: 1 });
    expect((await s.stored())[0]!.response).toMatchObject({ outcome: 'bypassed', justification: 'was in a meeting' });
    // An hour on, the decision is forgotten.
    s.clock.now += 60 * 60_000;
    await s.alarm(ACTIVITY_ALARM);
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(await s.outcome('act-1', { outcome: 'warned' })).toMatchObject({ recorded: 0, error: 'unknown decision' });
  });

  it('records the failure mode itself when its own decision came after the content script stopped waiting', async () => {
    await fakeBrowser.storage.managed.set({ responseRules: RULES, responseFailureMode: 'block' });
    const s = setup();
    s.clock.step = DECIDE_WITHIN_MS;
    await s.held('act-1', CHATGPT, [{ name: 'plan.pdf' }]);
    s.clock.step = 0;
    const [event] = await s.stored();
    expect(event!.response).toMatchObject({ action: 'warn', outcome: 'blocked', failure: 'timeout', ruleId: 'ai-warn' });
    expect(event!.response!.decidedInMs).toBeGreaterThan(DECIDE_WITHIN_MS);
  });
});

describe('forwarding', () => {
  it('forwards every event a rule acted on, whatever the minimum severity', async () => {
    const events = await Promise.all([1, 2, 3].map((n) => sampleEvent({ id: sampleId(n) })));
    const [plain, blocked, allowed] = [
      events[0]!,
      { ...events[1]!, response: { action: 'block', outcome: 'blocked', ruleId: 'r', decidedInMs: 1 } } as const,
      { ...events[2]!, response: { action: 'allow', outcome: 'allowed', decidedInMs: 1 } } as const,
    ];
    expect(forwardedOf([plain, blocked, allowed], 'critical').map((e) => e.id)).toEqual([blocked.id]);
    expect(forwardedOf([plain, blocked, allowed], 'none')).toHaveLength(3);
  });
});
