/**
 * The response policy keys (issue 14): `responseRules` validated rule by rule (a bad rule rejected
 * with an error naming it, the good ones kept in order; an edited rule that breaks keeps its last
 * good version), `responseFailureMode`, their defaults, and that both may be synced.
 */
import { describe, expect, it } from 'vitest';
import { effectiveConfig } from '../../../src/core/effective-config';
import { chromeManagedSchema } from '../../../src/core/schema/managed-schema';
import { parsePolicy, SYNCABLE_KEYS } from '../../../src/core/schema/policy';
import { resolveLayer } from '../../../src/core/schema/policy-layers';

const good = {
  id: 'no-personal-cloud',
  when: { destinationCategories: ['cloud_storage'] },
  action: 'block',
  message: 'Company files stay in company storage.',
};
const warnAi = {
  id: 'ai-warn',
  when: { destinationCategories: ['ai_tools'] },
  action: 'warn',
  justification: 'required',
  temporaryAllowMinutes: 30,
  learnMoreUrl: 'https://intranet.example/dlp',
};

describe('responseRules, rule by rule', () => {
  it.each<[string, Record<string, unknown>, RegExp]>([
    ['a message over 300 characters', { message: 'x'.repeat(301) }, /rule "bad" rejected/],
    ['a message with control characters', { message: 'a\u0007b' }, /plain text/],
    ['an http learn-more link', { learnMoreUrl: 'http://intranet.example/dlp' }, /learnMoreUrl/],
    ['a javascript: learn-more link', { learnMoreUrl: 'javascript:alert(1)' }, /learnMoreUrl/],
    ['an unknown justification', { justification: 'maybe' }, /justification/],
    ['temporaryAllowMinutes of 0', { temporaryAllowMinutes: 0 }, /temporaryAllowMinutes/],
    ['temporaryAllowMinutes over a day', { temporaryAllowMinutes: 1441 }, /temporaryAllowMinutes/],
    ['an unknown action', { action: 'quarantine' }, /action/],
    ['a misspelt condition (it would widen the rule)', { when: { destinationCategory: ['ai_tools'] } }, /destinationCategory/],
    ['an unknown destination category', { when: { destinationCategories: ['cloud'] } }, /destinationCategories/],
    ['a bad watchlist id', { when: { watchlists: ['Blocked Uploads'] } }, /watchlists/],
  ])('rejects %s, naming the rule, and keeps the others', (_name, change, message) => {
    const { policy, errors } = parsePolicy({ responseRules: [good, { id: 'bad', action: 'block', ...change }, warnAi] });
    expect(policy.responseRules?.map((r) => r.id)).toEqual(['no-personal-cloud', 'ai-warn']);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.key).toBe('responseRules[1]');
    expect(errors[0]!.message).toMatch(/rule "bad" rejected/);
    expect(errors[0]!.message).toMatch(message);
  });

  it('rejects a rule with no usable id by position, and a repeated id', () => {
    const { policy, errors } = parsePolicy({ responseRules: [good, { action: 'block' }, { ...good, action: 'warn' }] });
    expect(policy.responseRules).toEqual([good]);
    expect(errors.map((e) => e.key)).toEqual(['responseRules[1]', 'responseRules[2]']);
    expect(errors[0]!.message).toMatch(/^rule #2 rejected: .*id/);
    expect(errors[1]!.message).toBe('rule "no-personal-cloud" rejected: the id is used by an earlier rule');
  });

  it('accepts the issue example as written (justification and temporary allow are for warn rules, ignored on a block)', () => {
    const example = {
      id: 'no-personal-cloud',
      when: { minSeverity: 'high', destinationCategories: ['cloud_storage'], serviceIds: [], fileCategories: [], indicators: [], channels: [], watchlists: [] },
      action: 'block',
      message: 'Company files stay in company storage.',
      learnMoreUrl: 'https://intranet.example/dlp',
      justification: 'required',
      temporaryAllowMinutes: 30,
    };
    expect(parsePolicy({ responseRules: [example] })).toMatchObject({ policy: { responseRules: [example] }, errors: [] });
  });

  it('keeps the last good version of a rule that an edit broke, in the place of the broken one', () => {
    const lastGood = { responseRules: [good, warnAi] };
    const edited = { responseRules: [{ ...good, message: 'y'.repeat(400) }, warnAi, { id: 'new', action: 'notify' }] };
    const layer = resolveLayer(edited, lastGood, 'managed');
    expect(layer.policy.responseRules).toEqual([good, warnAi, { id: 'new', action: 'notify' }]);
    expect(layer.errors).toEqual([
      expect.objectContaining({ key: 'responseRules[0]', source: 'managed', message: expect.stringMatching(/last good version stays in force/) }),
    ]);
  });

  it('keeps the last good rules when the key cannot be read at all, every rule is bad, or the layer is not an object', () => {
    const lastGood = { responseRules: [good] };
    const allBad = resolveLayer({ responseRules: [{ id: 'x', action: 'explode' }] }, lastGood, 'managed');
    expect(allBad.policy.responseRules).toEqual([good]);
    expect(allBad.errors.map((e) => e.key)).toEqual(['responseRules[0]', 'responseRules']);
    // With nothing good before, the key is left unset: synced rules (or the default) apply.
    expect(resolveLayer({ responseRules: [{ id: 'x', action: 'explode' }] }, {}, 'managed').policy).not.toHaveProperty('responseRules');
    expect(parsePolicy({ responseRules: [] })).toMatchObject({ policy: { responseRules: [] }, errors: [] });
    expect(resolveLayer({ responseRules: 'block everything' }, lastGood, 'synced').policy.responseRules).toEqual([good]);
    expect(resolveLayer('garbage', lastGood, 'managed').policy.responseRules).toEqual([good]);
  });
});

describe('responseFailureMode and the defaults', () => {
  it('is allow or block', () => {
    expect(parsePolicy({ responseFailureMode: 'block' }).policy.responseFailureMode).toBe('block');
    expect(parsePolicy({ responseFailureMode: 'ask' }).errors.map((e) => e.key)).toEqual(['responseFailureMode']);
  });

  it('defaults to no rules and allow, applied once in the effective configuration', () => {
    const config = effectiveConfig({}, []);
    expect(config.policy.responseRules).toEqual([]);
    expect(config.policy.responseFailureMode).toBe('allow');
    expect(effectiveConfig({ responseFailureMode: 'block' }, [], { responseRules: [good] as never }).policy).toMatchObject({
      responseFailureMode: 'block',
      responseRules: [good],
    });
  });

  it('may be synced from the console, and is in the managed schema', () => {
    expect(SYNCABLE_KEYS.has('responseRules')).toBe(true);
    expect(SYNCABLE_KEYS.has('responseFailureMode')).toBe(true);
    const schema = chromeManagedSchema() as { properties: Record<string, { type: string; items?: { type: string } }> };
    expect(schema.properties.responseRules).toMatchObject({ type: 'array', items: { type: 'object' } });
    expect(schema.properties.responseFailureMode).toMatchObject({ type: 'string' });
  });
});
