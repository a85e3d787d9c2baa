// The content script's half of a decision (issue 14): the plan asked once and kept, decisions
// checked by hand, the strictest of a split action, what each action does to the held files, the
// outcome messages the background records, and the failure mode when no decision comes.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ResponseDecision, ResponsePlan, UploadOutcome } from '../../../src/core/schema/response';
import { parseDecision, strictest } from '../../../src/content/response/decision';
import { responseGate } from '../../../src/content/response/gate';
import type { DialogResult } from '../../../src/content/response/module-api';
import { parsePlan, planCache, PLAN_FRESH_MS, PLAN_WAIT_MS } from '../../../src/content/response/plan';

const plan: ResponsePlan = { hold: true, failureMode: 'allow', decideWithinMs: 1500 };
const decision = (over: Partial<ResponseDecision> = {}): ResponseDecision => ({
  decisionId: 'act-1',
  action: 'allow',
  justification: 'none',
  files: [{ name: 'a.csv', size: 3 }],
  destination: { host: 'www.dropbox.com', category: 'cloud_storage' },
  reasons: [],
  severity: 'low',
  ...over,
});

function setUp(answer: DialogResult = { proceed: false }) {
  let clock = 0;
  const sent: UploadOutcome[] = [];
  const shown: { decision: ResponseDecision; failure?: string }[] = [];
  const settle = responseGate({
    send: async (m) => void sent.push(m),
    now: () => clock,
    host: () => 'www.dropbox.com',
    dialog: {
      show: async (d, failure) => {
        shown.push({ decision: d, ...(failure && { failure }) });
        return answer;
      },
    },
  });
  const held = (replies: Promise<unknown[]>) => ({ actionId: 'act-1', startedAt: 0, files: [{ name: 'a.csv', size: 3 }], replies });
  return { settle, held, sent, shown, tick: (ms: number) => (clock += ms) };
}

describe('settle', () => {
  it.each([
    ['allow', true, 0],
    ['notify', true, 1],
    ['block', false, 1],
  ] as const)('%s: the page gets the files %s, dialogs shown %i, no outcome message', async (action, allowed, dialogs) => {
    const { settle, held, sent, shown } = setUp();
    expect(await settle(plan, held(Promise.resolve([decision({ action })])))).toBe(allowed);
    expect(shown).toHaveLength(dialogs);
    expect(sent).toEqual([]);
  });

  it('warn, cancelled: the files stay held, the outcome is warned', async () => {
    const { settle, held, sent } = setUp({ proceed: false });
    expect(await settle(plan, held(Promise.resolve([decision({ action: 'warn' })])))).toBe(false);
    expect(sent).toEqual([expect.objectContaining({ type: 'upload/outcome', decisionId: 'act-1', outcome: 'warned' })]);
  });

  it('warn, bypassed: the files go, the outcome carries the justification (trimmed, at most 280)', async () => {
    const { settle, held, sent } = setUp({ proceed: true, justification: `  ${'x'.repeat(300)}  ` });
    expect(await settle(plan, held(Promise.resolve([decision({ action: 'warn', justification: 'required' })])))).toBe(true);
    expect(sent).toEqual([expect.objectContaining({ outcome: 'bypassed', justification: 'x'.repeat(280) })]);
  });

  it('no decision in time: the failure mode decides and says why; block shows a dialog', async () => {
    vi.useFakeTimers();
    try {
      const { settle, held, sent, shown } = setUp();
      const pending = settle({ ...plan, failureMode: 'block' }, held(new Promise(() => undefined)));
      await vi.advanceTimersByTimeAsync(1500);
      expect(await pending).toBe(false);
      expect(sent).toEqual([expect.objectContaining({ decisionId: 'act-1', outcome: 'blocked', failure: 'timeout' })]);
      expect(shown).toEqual([expect.objectContaining({ failure: 'timeout', decision: expect.objectContaining({ action: 'block' }) })]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('a reply that is no decision (the background could not decide): the failure mode, as unavailable', async () => {
    const { settle, held, sent } = setUp();
    expect(await settle(plan, held(Promise.resolve([undefined])))).toBe(true);
    expect(sent).toEqual([expect.objectContaining({ outcome: 'allowed', failure: 'unavailable' })]);
  });
});

describe('decisions', () => {
  it('parses a well-formed decision and refuses the rest', () => {
    expect(parseDecision(decision({ action: 'warn', message: 'm' }))).toMatchObject({ action: 'warn', message: 'm' });
    expect(parseDecision({ ...decision(), action: 'explode' })).toBeUndefined();
    expect(parseDecision({ ...decision(), decisionId: '' })).toBeUndefined();
    expect(parseDecision(null)).toBeUndefined();
    expect(parseDecision({ ...decision(), justification: 'sometimes', files: [{ name: 3 }], reasons: [1, 'r'] })).toMatchObject({
      justification: 'none',
      files: [],
      reasons: ['r'],
    });
  });

  it('the strictest of a split action decides, with every file shown', () => {
    const merged = strictest([decision({ action: 'notify' }), decision({ action: 'block', files: [{ name: 'b.csv', size: 1 }] })]);
    expect(merged).toMatchObject({ action: 'block', files: [{ name: 'a.csv' }, { name: 'b.csv' }] });
    expect(strictest([])).toBeUndefined();
  });
});

describe('the plan', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('is asked once, kept while fresh, and asked again when stale', async () => {
    let now = 0;
    const send = vi.fn(async () => ({ hold: true, failureMode: 'block', decideWithinMs: 1500 }));
    const cache = planCache(send, () => now);
    expect(cache.known()).toBeUndefined();
    cache.warm();
    cache.warm();
    expect(await cache.get()).toEqual({ hold: true, failureMode: 'block', decideWithinMs: 1500 });
    expect(send).toHaveBeenCalledTimes(1);
    now += PLAN_FRESH_MS + 1;
    cache.warm();
    await cache.get();
    expect(send).toHaveBeenCalledTimes(2);
  });

  it('a background that never answers: a waiting file goes after PLAN_WAIT_MS (nothing is known to enforce)', async () => {
    const cache = planCache(
      () => new Promise(() => undefined),
      () => 0,
    );
    const waiting = cache.get();
    await vi.advanceTimersByTimeAsync(PLAN_WAIT_MS);
    expect(await waiting).toBeUndefined();
  });

  it('keeps the last good plan when the background cannot answer', async () => {
    let answer: unknown = { hold: true, failureMode: 'allow', decideWithinMs: 10 };
    let now = 0;
    const cache = planCache(
      async () => answer,
      () => now,
    );
    await cache.get();
    answer = 'nonsense';
    now += PLAN_FRESH_MS + 1;
    expect(await cache.get()).toMatchObject({ hold: true });
  });

  it.each([
    [{ hold: 'yes', failureMode: 'allow', decideWithinMs: 1 }],
    [{ hold: true, failureMode: 'maybe', decideWithinMs: 1 }],
    [{ hold: true, failureMode: 'allow', decideWithinMs: 0 }],
    [{ hold: true, failureMode: 'allow', decideWithinMs: 1.5 }],
    [undefined],
  ])('refuses %j', (raw) => expect(parsePlan(raw)).toBeUndefined());
});
