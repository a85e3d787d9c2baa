// Issue 15, item 1: title patterns come from admins and synced settings, titles from the page.
import { describe, expect, it } from 'vitest';
import { CustomDestinations, type CustomDestination } from '../../../src/core/destinations/catalog';
import { classifyDestination } from '../../../src/core/destinations/classify';
import { parsePolicy } from '../../../src/core/schema/policy';
import { MAX_TITLE_PROGRAM_SIZE, TITLE_MATCH_CHARS, TitleMatcher, compileTitlePattern, testPattern } from '../../../src/core/destinations/title-patterns';

/** The title as UTF-8 bytes in an array that counts every read of a character by the matcher. */
function countingInput(text: string): { input: number[]; reads: () => number } {
  let reads = 0;
  const bytes = Array.from(new TextEncoder().encode(text));
  const input = new Proxy(bytes, {
    get(target, key, receiver) {
      if (typeof key === 'string' && /^\d+$/.test(key)) reads++;
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
  return { input, reads: () => reads };
}

// Classic catastrophic-backtracking shapes: each takes exponential time on a backtracking engine
// for a run of "a" followed by a character that makes the match fail.
const ADVERSARIAL = ['^(a+)+$', '(a|a)*$', '(a|aa)+b', '^(\\w+\\s?)*$', '(.*a){20}$', '(x+x+)+y', '^(([a-z])+.)+[A-Z]([a-z])+$', '^(a|a?)+$'];

describe('title patterns run in linear time', () => {
  it.each(ADVERSARIAL)('%s reads each character of a hostile title a bounded number of times', (source) => {
    const compiled = compileTitlePattern(source);
    if (!compiled.ok) throw new Error(compiled.error);
    const size = compiled.pattern.programSize();
    const reads: number[] = [];
    for (const n of [128, 512, 2048]) {
      const { input, reads: count } = countingInput(`${'a'.repeat(n)}!`);
      testPattern(compiled.pattern, input);
      // RE2's guarantee: at most (input length × program size) steps.
      expect(count()).toBeLessThanOrEqual((n + 2) * size);
      reads.push(count());
    }
    // Sixteen times the input, at most sixteen times the reads (plus the constant): linear, where
    // a backtracking engine would multiply them by 2^1920.
    expect(reads[2]!).toBeLessThanOrEqual(16 * reads[0]! + 16);
  });

  it('classifies with an adversarial admin pattern on a 100,000-character title', () => {
    const customDestinations = CustomDestinations.parse([
      { id: 'redos', name: 'ReDoS', category: 'email', titles: ['^(a+)+$'] },
      { id: 'acme_vault', name: 'Acme Vault', category: 'cloud_storage', titles: ['^Acme Vault$'] },
    ]);
    const hostile = classifyDestination({ url: 'https://v.acme.example/', title: `${'a'.repeat(500)}!${'a'.repeat(99_500)}` }, { customDestinations });
    expect(hostile).toMatchObject({ category: 'other', matchedBy: 'none' });
    expect(classifyDestination({ url: 'https://v.acme.example/', title: 'a'.repeat(40) }, { customDestinations }).serviceId).toBe('redos');
    expect(classifyDestination({ url: 'https://v.acme.example/', title: 'Acme Vault' }, { customDestinations }).serviceId).toBe('acme_vault');
  });

  it(`matches only the first ${TITLE_MATCH_CHARS} characters of a title`, () => {
    const matcher = new TitleMatcher([{ source: 'Nextcloud$', value: 'nextcloud' }]);
    expect(matcher.match(`${'x'.repeat(TITLE_MATCH_CHARS - 9)}Nextcloud`)).toBe('nextcloud');
    expect(matcher.match(`${'x'.repeat(TITLE_MATCH_CHARS)}Nextcloud`)).toBeUndefined();
  });
});

describe('one bad pattern never breaks classification', () => {
  it('compiles each pattern on its own: the same named group in two services is fine', () => {
    const customDestinations = CustomDestinations.parse([
      { id: 'app_one', name: 'One', category: 'email', titles: ['^(?<product>One) Mail$'] },
      { id: 'app_two', name: 'Two', category: 'messaging', titles: ['^(?<product>Two) Chat$'] },
    ]);
    expect(classifyDestination({ url: 'https://x.acme.example/', title: 'One Mail' }, { customDestinations }).serviceId).toBe('app_one');
    expect(classifyDestination({ url: 'https://x.acme.example/', title: 'two chat' }, { customDestinations }).serviceId).toBe('app_two');
    // The built-in title rules still work beside them.
    expect(classifyDestination({ url: 'https://x.acme.example/', title: 'Files - Nextcloud' }, { customDestinations }).serviceId).toBe('nextcloud');
  });

  it('skips a pattern that does not compile (settings that bypassed validation) and keeps the others', () => {
    const unchecked = [
      { id: 'broken', name: 'Broken', category: 'email', titles: ['(unclosed', '(a)\\1'] },
      { id: 'acme_vault', name: 'Acme Vault', category: 'cloud_storage', titles: ['^Acme Vault$'] },
    ] as CustomDestination[];
    expect(() => classifyDestination({ url: 'https://v.acme.example/', title: 'Acme Vault' }, { customDestinations: unchecked })).not.toThrow();
    expect(classifyDestination({ url: 'https://v.acme.example/', title: 'Acme Vault' }, { customDestinations: unchecked }).serviceId).toBe('acme_vault');
    expect(new TitleMatcher([{ source: '(unclosed', value: 1 }]).rejected[0]).toMatch(/missing closing \)/);
  });
});

describe('title patterns in settings', () => {
  it.each([
    ['(a)\\1', /backreferences or lookaround/],
    ['Acme(?= Vault)', /backreferences or lookaround/],
    ['(?<!x)Acme', /backreferences or lookaround/],
    ['[\\s\\S]{300}[\\s\\S]{300}[\\s\\S]{300}[\\s\\S]{300}', new RegExp(`too complex .* at most ${MAX_TITLE_PROGRAM_SIZE}`)],
  ])('refuses %s with the reason', (source, message) => {
    const result = CustomDestinations.safeParse([{ id: 'acme_vault', name: 'Acme Vault', category: 'cloud_storage', titles: [source] }]);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.message).join('; ')).toMatch(message);
  });

  it('reports a refused pattern as a policy error on customDestinations, keeping the other keys', () => {
    const { policy, errors } = parsePolicy({
      keepUrlQuery: true,
      customDestinations: [{ id: 'acme_vault', name: 'Acme Vault', category: 'cloud_storage', titles: ['(a)\\1'] }],
    });
    expect(policy.keepUrlQuery).toBe(true);
    expect(policy.customDestinations).toBeUndefined();
    expect(errors).toEqual([expect.objectContaining({ key: 'customDestinations', message: expect.stringMatching(/RE2/) })]);
  });

  it('accepts the JavaScript syntax admins write: named groups, \\d, Unicode', () => {
    for (const source of ['^(?<n>\\d+) unread — Acme$', '^Acme ✉ \\p{L}+$', '^acme/files$']) expect(compileTitlePattern(source).ok).toBe(true);
  });
});
