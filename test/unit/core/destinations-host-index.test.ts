// Issue 15, item 2: the host index builds in O(n log n), and settings are capped with a clear rejection.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CUSTOM_DESTINATION_LIMITS, CustomDestinations, type CatalogService } from '../../../src/core/destinations/catalog';
import { classifyDestination } from '../../../src/core/destinations/classify';
import { HostIndex } from '../../../src/core/destinations/host-index';
import { resolveLayer } from '../../../src/core/schema/policy-layers';

const service = (id: string, hosts: string[]): CatalogService => ({ id, name: id, category: 'cloud_storage', hosts });

/** Counts every comparison made by Array.prototype.sort while `build` runs. */
function countSortComparisons(build: () => void): number {
  let comparisons = 0;
  const original = Array.prototype.sort;
  vi.spyOn(Array.prototype, 'sort').mockImplementation(function (this: unknown[], compare?: (a: unknown, b: unknown) => number) {
    const counted = (a: unknown, b: unknown) => {
      comparisons++;
      return compare ? compare(a, b) : String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
    };
    return original.call(this, counted);
  });
  try {
    build();
  } finally {
    vi.restoreAllMocks();
  }
  return comparisons;
}

describe('HostIndex', () => {
  afterEach(() => vi.restoreAllMocks());

  it('indexes path patterns on one host without sorting, and finds the longest prefix', () => {
    const hosts = Array.from({ length: 20_000 }, (_, i) => `files.acme.example/team/${i}`);
    let index: HostIndex | undefined;
    expect(countSortComparisons(() => (index = new HostIndex([service('acme_team', ['files.acme.example/team/7/inbox']), service('acme', hosts)])))).toBe(0);
    expect(index!.lookup('files.acme.example', '/team/19999/report.pdf')).toMatchObject({ service: { id: 'acme' }, byPath: true });
    expect(index!.lookup('files.acme.example', '/team/7/inbox/x')).toMatchObject({ service: { id: 'acme_team' }, byPath: true });
    expect(index!.lookup('files.acme.example', '/team/7')).toMatchObject({ service: { id: 'acme' } });
    expect(index!.lookup('files.acme.example', '/team/20000')).toBeUndefined();
    expect(index!.lookup('files.acme.example', '/team/1999x')).toBeUndefined();
  });

  it('sorts wildcard patterns once per parent: n log n comparisons, not one sort per insert', () => {
    const counts: number[] = [];
    for (const n of [1_000, 8_000]) {
      const hosts = Array.from({ length: n }, (_, i) => `*-t${i}.acme.example/p/${'x'.repeat(i % 7)}`);
      counts.push(countSortComparisons(() => new HostIndex([service('acme', hosts)])));
      // A merge sort makes at most n log2 n comparisons.
      expect(counts.at(-1)).toBeLessThanOrEqual(n * Math.ceil(Math.log2(n)));
    }
    // One sort per insert made n²/2·log n comparisons: eight times the patterns, 64+ times the work.
    expect(counts[1]! / counts[0]!).toBeLessThan(12);
  });

  it('keeps the precedence rules: longest path first, then the bare host, the first service among equals', () => {
    const index = new HostIndex([
      service('custom', ['x.com/i', '*-my.sp.example/sites']),
      service('builtin', ['x.com', 'x.com/i', 'x.com/i/grok', '*-my.sp.example']),
    ]);
    expect(index.lookup('x.com', '/i/grok/chat')?.service.id).toBe('builtin');
    expect(index.lookup('x.com', '/i/other')?.service.id).toBe('custom');
    expect(index.lookup('x.com', '/i')?.service.id).toBe('custom');
    expect(index.lookup('x.com', '/home')).toMatchObject({ service: { id: 'builtin' }, byPath: false });
    expect(index.lookup('www.x.com', '/i/')).toMatchObject({ service: { id: 'custom' }, byPath: true });
    expect(index.lookup('acme-my.sp.example', '/sites/legal')?.service.id).toBe('custom');
    expect(index.lookup('acme-my.sp.example', '/personal')?.service.id).toBe('builtin');
  });

  it('classifies with the largest allowed custom list', () => {
    const perService = 200;
    const customDestinations = CustomDestinations.parse(
      Array.from({ length: CUSTOM_DESTINATION_LIMITS.hostPatterns / perService }, (_, s) => ({
        id: `svc_${s}`,
        name: `Service ${s}`,
        category: 'cloud_storage',
        hosts: Array.from({ length: perService }, (_, h) => `files.acme.example/s${s}/h${h}`),
      })),
    );
    expect(classifyDestination({ url: 'https://files.acme.example/s49/h199/doc' }, { customDestinations }).serviceId).toBe('svc_49');
  });
});

describe('what custom destinations may hold', () => {
  const many = (count: number, make: (i: number) => string) => Array.from({ length: count }, (_, i) => make(i));
  const spread = (patterns: string[], key: 'hosts' | 'titles', perEntry: number) =>
    Array.from({ length: Math.ceil(patterns.length / perEntry) }, (_, s) => ({
      id: `svc_${s}`,
      name: `Service ${s}`,
      category: 'cloud_storage',
      [key]: patterns.slice(s * perEntry, (s + 1) * perEntry),
    }));

  it.each([
    [
      'host patterns',
      'hostPatterns',
      spread(
        many(CUSTOM_DESTINATION_LIMITS.hostPatterns + 1, (i) => `h${i}.acme.example`),
        'hosts',
        200,
      ),
    ],
    [
      'wildcard host patterns',
      'wildcardHostPatterns',
      spread(
        many(CUSTOM_DESTINATION_LIMITS.wildcardHostPatterns + 1, (i) => `*-w${i}.acme.example`),
        'hosts',
        200,
      ),
    ],
    [
      'title patterns',
      'titlePatterns',
      spread(
        many(CUSTOM_DESTINATION_LIMITS.titlePatterns + 1, (i) => `^Acme ${i}$`),
        'titles',
        20,
      ),
    ],
  ] as const)('refuses more than the limit of %s, naming the limit', (what, limitKey, list) => {
    const limit = CUSTOM_DESTINATION_LIMITS[limitKey];
    const result = CustomDestinations.safeParse(list);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.message)).toContain(`${limit + 1} ${what} in all custom destinations: at most ${limit} are allowed`);
  });

  it('reports an oversized synced list as a policy error and keeps the last good list in force', () => {
    const good = [{ id: 'acme_vault', name: 'Acme Vault', category: 'cloud_storage', hosts: ['vault.acme.example'] }];
    const tooMany = spread(
      many(CUSTOM_DESTINATION_LIMITS.hostPatterns + 1, (i) => `h${i}.acme.example`),
      'hosts',
      200,
    );
    const { policy, errors } = resolveLayer({ customDestinations: tooMany }, { customDestinations: good }, 'synced');
    expect(policy.customDestinations).toEqual(good);
    expect(errors).toEqual([
      expect.objectContaining({ key: 'customDestinations', source: 'synced', message: expect.stringMatching(/at most 10000 are allowed/) }),
    ]);
  });

  it('compiles no title pattern of a list over the limit', () => {
    const titles = spread(
      many(CUSTOM_DESTINATION_LIMITS.titlePatterns + 1, () => '(unclosed'),
      'titles',
      20,
    );
    const messages = CustomDestinations.safeParse(titles).error?.issues.map((i) => i.message) ?? [];
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/title patterns in all custom destinations/);
  });
});
