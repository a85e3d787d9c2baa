import { describe, expect, it } from 'vitest';
import { openDatabase, readState } from '../../../src/background/db';
import { loadEffectiveConfig } from '../../../src/background/policy';
import { resolveLayer } from '../../../src/core/schema/policy-layers';

const resolvePolicy = (raw: unknown, lastGood: unknown) => resolveLayer(raw, lastGood, 'managed');

let n = 0;
const freshDb = () => openDatabase(`policy-test-${++n}`);

describe('policy resolution', () => {
  it('falls back to the last good value of a key that turned bad', () => {
    const { policy, errors } = resolvePolicy(
      { backendUrl: 'not a url', userEmail: 'b@acme.com' },
      { backendUrl: 'https://good.example/x', userEmail: 'a@acme.com' },
    );
    expect(policy).toEqual({ backendUrl: 'https://good.example/x', userEmail: 'b@acme.com' });
    expect(errors.map((e) => e.key)).toEqual(['backendUrl']);
  });

  it('drops a key the admin removed', () => {
    expect(resolvePolicy({}, { userEmail: 'a@acme.com' }).policy).toEqual({});
  });

  it('persists the last good policy and survives an unreadable managed area', async () => {
    const db = await freshDb();
    const good = await loadEffectiveConfig(db, async () => ({ backendUrl: 'https://b.example/x', riskSettings: { scores: { file: { pdf: 9 } } } }));
    expect(good.errors).toEqual([]);
    expect(good.settings.scores.file.pdf).toBe(9);
    expect(await readState(db, 'lastGoodPolicy')).toMatchObject({ backendUrl: 'https://b.example/x' });

    const broken = await loadEffectiveConfig(db, async () => {
      throw new Error('Managed storage manifest not found');
    });
    expect(broken.errors[0]?.key).toBe('(policy)');
    // Unreadable is not empty: the last good policy stays in force.
    expect(broken.policy).toMatchObject({ backendUrl: 'https://b.example/x' });
    expect(broken.settings.scores.file.pdf).toBe(9);
  });

  it('keeps the last good risk settings when new ones are invalid', async () => {
    const db = await freshDb();
    await loadEffectiveConfig(db, async () => ({ riskSettings: { scores: { file: { pdf: 9 } } } }));
    const next = await loadEffectiveConfig(db, async () => ({ riskSettings: { scores: { file: { pdf: 'nine' } } } }));
    expect(next.errors.map((e) => e.key)).toEqual(['riskSettings']);
    expect(next.settings.scores.file.pdf).toBe(9);
  });
});
