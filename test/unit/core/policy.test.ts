// @vitest-environment node
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GENERATED } from '../../../scripts/generate';
import { POLICY_KEYS, POLICY_SHAPE, parsePolicy, SYNCABLE_KEYS, unsyncableKeyErrors } from '../../../src/core/schema/policy';

describe('parsePolicy', () => {
  it('accepts a full valid policy', () => {
    const raw = {
      backendUrl: 'https://upwatch.acme.com/api/v1/events',
      backendToken: 'secret',
      backendFormat: 'native',
      userEmail: 'ana@acme.com',
      departingWatchlist: true,
      trustedDomains: ['acme.com', 'github.com/acme-corp/'],
      riskSettings: { scores: { destination: { cloud_storage: 7 } } },
      customDestinations: [{ id: 'acme_vault', name: 'Acme Vault', category: 'cloud_storage', hosts: ['vault.acme.io'] }],
    };
    const parsed = parsePolicy(raw);
    expect(parsed.errors).toEqual([]);
    expect(parsed.policy).toEqual(raw);
  });

  it('rejects bad keys one by one and keeps the good ones', () => {
    const parsed = parsePolicy({
      backendUrl: 'ftp://nope',
      backendToken: 42,
      userEmail: 'ana@acme.com',
      trustedDomains: 'acme.com',
      riskSettings: { scores: { file: { pdf: 99 } } },
      somethingElse: true,
    });
    expect(parsed.policy).toEqual({ userEmail: 'ana@acme.com' });
    expect(parsed.errors.map((e) => e.key).sort()).toEqual(['backendToken', 'backendUrl', 'riskSettings', 'trustedDomains']);
    expect(parsed.ignoredKeys).toEqual(['somethingElse']);
  });

  it.each([[null], [undefined], [[]], ['policy'], [42], [{}]])('never throws on %j', (raw) => {
    expect(() => parsePolicy(raw)).not.toThrow();
    expect(parsePolicy(raw).policy).toEqual({});
  });

  it('gives every key a title and a description', () => {
    for (const key of POLICY_KEYS) {
      const meta = POLICY_SHAPE[key].meta();
      expect(meta?.title, key).toBeTruthy();
      expect(meta?.description, key).toBeTruthy();
    }
  });
});

describe('unsyncableKeyErrors', () => {
  it('names every key only the managed policy may set, and nothing else', () => {
    const everything = Object.fromEntries(POLICY_KEYS.map((k) => [k, 'x']));
    expect(
      unsyncableKeyErrors(everything)
        .map((e) => e.key)
        .sort(),
    ).toEqual(['backendToken', 'backendUrl', 'settingsSyncIntervalMinutes', 'settingsSyncToken', 'settingsSyncUrl']);
    expect(unsyncableKeyErrors({ backendUrl: 'https://evil.example/' })).toEqual([{ key: 'backendUrl', message: 'only the managed policy may set this key' }]);
    expect(unsyncableKeyErrors(Object.fromEntries([...SYNCABLE_KEYS].map((k) => [k, 1])))).toEqual([]);
  });
});

describe('generated files', () => {
  it.each(Object.keys(GENERATED))('%s is up to date (run: npx tsx scripts/generate.ts)', async (path) => {
    const committed = readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8');
    expect(committed).toBe(await GENERATED[path]!());
  });

  it('the managed schema declares every policy key with its title', async () => {
    const schema = JSON.parse(await GENERATED['public/managed_schema.json']!()) as { properties: Record<string, { title: string; type: string }> };
    expect(Object.keys(schema.properties).sort()).toEqual([...POLICY_KEYS].sort());
    for (const key of POLICY_KEYS) expect(schema.properties[key]?.title).toBe(POLICY_SHAPE[key].meta()?.title);
  });
});
