/**
 * Rule matching (issue 14), as tables: each condition alone, conditions together, first match
 * wins, the strictest file decides, what a page must hold, and temporary allows with the clock
 * handed in.
 */
import { describe, expect, it } from 'vitest';
import { activeAllowance, ALLOWANCES_MAX, allowanceKey, grantAllowance, pruneAllowances } from '../../../src/core/response/allowances';
import { decide, watchlistsOf } from '../../../src/core/response/decide';
import { popupEvents } from '../../../src/core/view-models';
import { decideAction, mustHold, ruleFor, type DestinationFacts, type FileFacts } from '../../../src/core/response/match';
import type { ResponseRule } from '../../../src/core/schema/response';
import { sampleEvent, sampleId } from '../support/sample-event';

const dropbox: DestinationFacts = { category: 'cloud_storage', serviceId: 'dropbox', trusted: false, watchlists: [] };
const file = (over: Partial<FileFacts> = {}): FileFacts => ({
  severity: 'moderate',
  fileCategory: 'spreadsheet',
  indicators: ['first_use_of_destination', 'cloud_storage', 'spreadsheet'],
  channel: 'file_picker',
  destination: dropbox,
  ...over,
});
const rule = (when: ResponseRule['when'], action: ResponseRule['action'] = 'block', id = 'r'): ResponseRule => ({ id, when, action });

describe('one rule against one file', () => {
  it.each<[string, ResponseRule['when'], Partial<FileFacts>, boolean]>([
    ['no condition applies to everything', undefined, {}, true],
    ['empty lists are no condition', { serviceIds: [], fileCategories: [], watchlists: [] }, {}, true],
    ['minSeverity at the bar', { minSeverity: 'moderate' }, {}, true],
    ['minSeverity below the bar', { minSeverity: 'high' }, {}, false],
    ['minSeverity above the bar', { minSeverity: 'low' }, { severity: 'critical' }, true],
    ['destination category in the list', { destinationCategories: ['email', 'cloud_storage'] }, {}, true],
    ['destination category not in the list', { destinationCategories: ['ai_tools'] }, {}, false],
    ['service id', { serviceIds: ['dropbox'] }, {}, true],
    ['another service id', { serviceIds: ['box'] }, {}, false],
    ['service id on an unknown service', { serviceIds: ['dropbox'] }, { destination: { ...dropbox, serviceId: undefined } }, false],
    ['file category', { fileCategories: ['spreadsheet'] }, {}, true],
    ['another file category', { fileCategories: ['pdf'] }, {}, false],
    ['indicator present', { indicators: ['first_use_of_destination'] }, {}, true],
    ['indicator absent', { indicators: ['off_hours'] }, {}, false],
    ['channel', { channels: ['drag_drop', 'file_picker'] }, {}, true],
    ['another channel', { channels: ['paste'] }, {}, false],
    ['watchlist the user is on', { watchlists: ['blocked_uploads'] }, { destination: { ...dropbox, watchlists: ['blocked_uploads'] } }, true],
    ['watchlist the user is not on', { watchlists: ['blocked_uploads'] }, {}, false],
    [
      'all conditions hold',
      { minSeverity: 'low', destinationCategories: ['cloud_storage'], fileCategories: ['spreadsheet'], channels: ['file_picker'] },
      {},
      true,
    ],
    ['one of several conditions fails', { minSeverity: 'low', destinationCategories: ['cloud_storage'], fileCategories: ['pdf'] }, {}, false],
    ['a trusted destination is never acted on', undefined, { destination: { ...dropbox, trusted: true } }, false],
  ])('%s', (_name, when, over, applies) => {
    expect(ruleFor([rule(when)], file(over)) !== undefined).toBe(applies);
  });
});

describe('a list of rules against an action', () => {
  const rules = [
    rule({ fileCategories: ['pdf'] }, 'allow', 'pdfs-fine'),
    rule({ fileCategories: ['spreadsheet'], minSeverity: 'high' }, 'block', 'risky-sheets'),
    rule({ destinationCategories: ['cloud_storage'] }, 'warn', 'cloud-warn'),
    rule({}, 'notify', 'everything-else'),
  ];
  it.each<[string, Partial<FileFacts>[], string, string | undefined]>([
    ['the first rule that applies wins, even when a later one is stricter', [{ fileCategory: 'pdf' }], 'allow', 'pdfs-fine'],
    ['a later rule applies when the earlier do not', [{}], 'warn', 'cloud-warn'],
    ['a high-severity spreadsheet is blocked', [{ severity: 'high' }], 'block', 'risky-sheets'],
    ['the strictest file decides the action', [{ fileCategory: 'pdf' }, {}, { severity: 'critical' }, {}], 'block', 'risky-sheets'],
    ['notify catches the rest', [{ destination: { ...dropbox, category: 'email' }, fileCategory: 'image' }], 'notify', 'everything-else'],
    ['no file: allow, no rule', [], 'allow', undefined],
  ])('%s', (_name, files, action, ruleId) => {
    const verdict = decideAction(rules, files.map(file));
    expect([verdict.action, verdict.rule?.id]).toEqual([action, ruleId]);
  });
});

describe('whether a page must hold files', () => {
  it.each<[string, ResponseRule[], Partial<DestinationFacts>, boolean]>([
    ['no rules', [], {}, false],
    ['only allow rules', [rule({}, 'allow')], {}, false],
    ['a block rule for this category', [rule({ destinationCategories: ['cloud_storage'] })], {}, true],
    ['a block rule for another category', [rule({ destinationCategories: ['ai_tools'] })], {}, false],
    ['a rule with only file-level conditions', [rule({ fileCategories: ['pdf'], minSeverity: 'high' })], {}, true],
    ['a rule for a watchlist the user is not on', [rule({ watchlists: ['blocked_uploads'] })], {}, false],
    ['a rule for a watchlist the user is on', [rule({ watchlists: ['blocked_uploads'] })], { watchlists: ['blocked_uploads'] }, true],
    ['an allow rule for the whole page shadows the rules after it', [rule({ serviceIds: ['dropbox'] }, 'allow'), rule({})], {}, false],
    ['an allow rule for some files does not', [rule({ fileCategories: ['pdf'] }, 'allow'), rule({})], {}, true],
    ['a trusted page: only rules that could apply to a script upload elsewhere', [rule({ channels: ['file_picker'] })], { trusted: true }, false],
    ['a trusted page with a rule for script uploads', [rule({ channels: ['programmatic'] })], { trusted: true }, true],
  ])('%s', (_name, rules, over, hold) => {
    expect(mustHold(rules, { ...dropbox, ...over })).toBe(hold);
  });
});

describe('temporary allows', () => {
  const NOW = Date.parse('2026-11-23T10:00:00Z');
  const key = allowanceKey('Ana@Acme.com', { serviceId: 'chatgpt', host: 'chatgpt.com' });

  it('last for the rule minutes, for the same user and destination only', () => {
    const map = grantAllowance({}, key, 'ai-warn', NOW, 30);
    expect(activeAllowance(map, key, NOW + 29 * 60_000)).toEqual({ until: NOW + 30 * 60_000, ruleId: 'ai-warn' });
    expect(activeAllowance(map, key, NOW + 30 * 60_000)).toBeUndefined();
    expect(activeAllowance(map, allowanceKey('ana@acme.com', { serviceId: 'chatgpt', host: 'x' }), NOW)).toBeDefined();
    expect(activeAllowance(map, allowanceKey('bob@acme.com', { serviceId: 'chatgpt', host: 'chatgpt.com' }), NOW)).toBeUndefined();
    expect(activeAllowance(map, allowanceKey('ana@acme.com', { host: 'claude.ai' }), NOW)).toBeUndefined();
  });

  it('are extended, never shortened, and expired ones are pruned', () => {
    const long = grantAllowance({}, key, 'a', NOW, 60);
    expect(grantAllowance(long, key, 'b', NOW, 5)[key]!.until).toBe(NOW + 60 * 60_000);
    expect(pruneAllowances(long, NOW + 61 * 60_000)).toEqual({});
  });

  it('stay bounded, keeping the longest-lived', () => {
    let map = {};
    for (let i = 0; i <= ALLOWANCES_MAX; i++) map = grantAllowance(map, `k${i}`, 'r', NOW, 1 + i);
    expect(Object.keys(map)).toHaveLength(ALLOWANCES_MAX);
    expect(map).not.toHaveProperty('k0');
  });

  it('turn a warning into an allow without asking, but never lift a block', async () => {
    const event = await sampleEvent({ id: sampleId(1), tab: { url: 'https://chatgpt.com/', title: 'ChatGPT' } });
    const who = { user: 'ana@acme.com', watchlists: [] };
    const k = allowanceKey(who.user, event.destination);
    const map = grantAllowance({}, k, 'ai', NOW, 10);
    expect(decide([rule({ destinationCategories: ['ai_tools'] }, 'warn', 'ai')], [event], who, map, NOW)).toMatchObject({
      decision: { action: 'allow', ruleId: 'ai' },
      allowedUntil: NOW + 10 * 60_000,
    });
    expect(decide([rule({ destinationCategories: ['ai_tools'] }, 'block', 'ai')], [event], who, map, NOW).decision.action).toBe('block');
  });
});

describe('the decision the page shows', () => {
  it('says the files, where they were going, why, and the rule, as plain data', async () => {
    const events = [
      await sampleEvent({ id: sampleId(1), file: { name: '<img src=x onerror=alert(1)>.csv', size: 3, mimeType: 'text/csv' } }),
      await sampleEvent({ id: sampleId(2) }),
    ];
    const rules: ResponseRule[] = [{ id: 'x', when: {}, action: 'warn', message: 'Ask <b>first</b>', justification: 'optional' }];
    const { decision } = decide(rules, events, { watchlists: [] }, {}, 0);
    expect(decision).toMatchObject({
      action: 'warn',
      ruleId: 'x',
      message: 'Ask <b>first</b>',
      justification: 'optional',
      files: [
        { name: '<img src=x onerror=alert(1)>.csv', size: 3 },
        { name: 'main.py', size: 1234 },
      ],
      destination: { host: 'www.dropbox.com', name: 'Dropbox', category: 'cloud_storage' },
    });
    expect(decision.reasons).toContain(events[0]!.risk.indicators[0]!.reason);
    expect(new Set(decision.reasons).size).toBe(decision.reasons.length);
  });

  it('counts the managed departing key as the departing watchlist', () => {
    expect(watchlistsOf({ watchlists: ['flight_risk'], departingWatchlist: true })).toEqual(['flight_risk', 'departing']);
    expect(watchlistsOf({ watchlists: ['departing'], departingWatchlist: true })).toEqual(['departing']);
  });
});

describe('the popup list', () => {
  it('adds uploads a rule acted on, whatever their score, to the risky ones, newest first, once each', async () => {
    const at = (n: number) => `2026-11-23T10:0${n}:00.000Z`;
    const risky = await sampleEvent({ id: sampleId(1), observedAt: at(1) });
    const blockedClean = {
      ...(await sampleEvent({ id: sampleId(2), observedAt: at(2) })),
      response: { action: 'block', outcome: 'blocked', ruleId: 'r', decidedInMs: 1 },
    } as const;
    const heldAllowed = {
      ...(await sampleEvent({ id: sampleId(3), observedAt: at(3) })),
      response: { action: 'allow', outcome: 'allowed', decidedInMs: 1 },
    } as const;
    const ids = popupEvents([risky], [heldAllowed, blockedClean, risky], 10).map((e) => e.id);
    expect(ids).toEqual([sampleId(2), sampleId(1)]);
    expect(popupEvents([risky], [blockedClean], 1).map((e) => e.id)).toEqual([sampleId(2)]);
  });
});
