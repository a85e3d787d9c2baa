// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { applyPolicyDefaults, backendTarget, effectiveConfig } from '../../../src/core/effective-config';
import { wireFormatFor } from '../../../src/core/formats';
import { POLICY_DEFAULTS, POLICY_KEYS } from '../../../src/core/schema/policy';

describe('the effective configuration applies the defaults once', () => {
  it('gives every defaulted key its default when no layer sets it, and says so', () => {
    const config = effectiveConfig({}, []);
    expect(config.policy).toEqual(POLICY_DEFAULTS);
    for (const key of POLICY_KEYS) expect(config.sources[key], key).toBe('default');
    expect(config.destinationOptions).toEqual({ trusted: [], customDestinations: [] });
    expect(config.departingWatchlist).toBe(false);
  });

  it('lets either layer replace a default, and never shares the default arrays between configs', () => {
    const config = effectiveConfig({ retentionDays: 7 }, [], { trustedDomains: ['acme.com'], showEventList: false });
    expect(config.policy).toMatchObject({ retentionDays: 7, trustedDomains: ['acme.com'], showEventList: false, backendFormat: 'native' });
    const a = effectiveConfig({}, []);
    a.policy.trustedDomains.push('mutated.example');
    expect(effectiveConfig({}, []).policy.trustedDomains).toEqual([]);
    expect(POLICY_DEFAULTS.trustedDomains).toEqual([]);
  });

  it('uses the backend token for settings sync unless a sync token is set', () => {
    expect(applyPolicyDefaults({ backendToken: 'b' }).settingsSyncToken).toBe('b');
    expect(applyPolicyDefaults({ backendToken: 'b', settingsSyncToken: 's' }).settingsSyncToken).toBe('s');
    expect(applyPolicyDefaults({}).settingsSyncToken).toBeUndefined();
  });

  it('puts the user on the departing watchlist from the managed key or the console watchlist', () => {
    expect(effectiveConfig({ departingWatchlist: true }, []).departingWatchlist).toBe(true);
    expect(effectiveConfig({ userEmail: 'ana@acme.com' }, [], {}, undefined, { email: 'ANA@acme.com', watchlists: ['departing'] }).departingWatchlist).toBe(
      true,
    );
    // Synced for someone else: not this user's watchlists.
    expect(effectiveConfig({ userEmail: 'bob@acme.com' }, [], {}, undefined, { email: 'ana@acme.com', watchlists: ['departing'] }).departingWatchlist).toBe(
      false,
    );
  });
});

describe('backendTarget', () => {
  it('is undefined without a backend URL: events wait in the outbox', () => {
    expect(backendTarget(effectiveConfig({}, []))).toBeUndefined();
  });

  it('carries the format and the batch limits, defaulted or set', () => {
    expect(backendTarget(effectiveConfig({ backendUrl: 'https://b.example/x', backendToken: 't' }, []))).toEqual({
      url: 'https://b.example/x',
      token: 't',
      format: wireFormatFor('native'),
      maxBatchEvents: POLICY_DEFAULTS.backendBatchMaxEvents,
      maxBatchBytes: POLICY_DEFAULTS.backendBatchMaxBytes,
    });
    expect(backendTarget(effectiveConfig({ backendUrl: 'https://b.example/x', backendFormat: 'xsoar', backendBatchMaxEvents: 5 }, []))).toMatchObject({
      format: wireFormatFor('xsoar'),
      maxBatchEvents: 5,
    });
  });
});
