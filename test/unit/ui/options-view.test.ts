import { beforeEach, describe, expect, it } from 'vitest';
import { loadPage } from '../support/pages';
import { effectiveConfig } from '../../../src/core/effective-config';
import { optionsState } from '../../../src/core/view-models';
import { OptionsState } from '../../../src/core/schema/messages';
import { renderOptions } from '../../../src/ui/options-view';

// The options page's real page, as the extension ships it.
let document: Document;
beforeEach(() => {
  document = loadPage('options');
});

const DELIVERY = { configured: true, format: 'splunk_hec' as const, queued: 3, deadLetters: 1, dropped: 5, lastError: 'backend answered HTTP 503' };

const config = () =>
  effectiveConfig(
    { backendUrl: 'https://upwatch.acme.example/api/v1/events', backendToken: 'sekrit-token', settingsSyncUrl: 'https://upwatch.acme.example/api/v1/policy' },
    [{ key: 'retentionDays', message: 'Invalid input: expected number, received string', source: 'synced' }],
    { customDestinations: [{ id: 'evil', name: '<img src=x onerror=alert(1)>', category: 'other', hosts: ['evil.example'] }], showEventList: false },
  );

describe('the options page', () => {
  it('shows every key with its effective value and source, locked where managed, secrets masked', () => {
    const state = OptionsState.parse(optionsState(config(), { lastSuccessAt: 0 }, DELIVERY));
    const byKey = Object.fromEntries(state.keys.map((k) => [k.key, k]));
    expect(byKey.backendUrl).toMatchObject({ source: 'managed', locked: true, value: '"https://upwatch.acme.example/api/v1/events"' });
    expect(byKey.backendToken!.value).toBe('•••••• (set)');
    expect(JSON.stringify(state)).not.toContain('sekrit-token');
    expect(byKey.showEventList).toMatchObject({ source: 'synced', locked: false, value: 'false' });
    expect(byKey.retentionDays).toMatchObject({ source: 'default', value: '30' });
    expect(byKey.userEmail).toMatchObject({ source: 'default', value: '(not set)' });
    expect(byKey.backendUrl!.title).toBe('Backend URL');
  });

  it('renders values as text and lists rejected values', () => {
    renderOptions(document, OptionsState.parse(optionsState(config(), {}, DELIVERY)));
    expect(document.querySelector('#keys img')).toBeNull();
    const custom = document.querySelector('tr[data-key="customDestinations"] td.value')!;
    expect(custom.textContent).toContain('<img src=x onerror=alert(1)>');
    expect(document.querySelector('tr[data-key="backendUrl"] td.source')!.textContent).toBe('🔒 managed policy');
    expect(document.querySelector('tr[data-key="showEventList"] td.source')!.textContent).toBe('synced from the backend');
    const errors = document.getElementById('errors')!;
    expect(errors.hidden).toBe(false);
    expect(errors.textContent).toContain('retentionDays (synced): Invalid input');
    expect(document.getElementById('identity')!.textContent).toMatch(/unknown/);
    expect(document.getElementById('sync')!.textContent).toContain('every 15 min');
    expect(document.getElementById('requeue')!.hidden).toBe(false); // one dead letter: the admin can resend it
    expect(document.getElementById('delivery')!.textContent).toBe(
      'Delivery (splunk_hec): 3 event(s) waiting to be sent (backend answered HTTP 503). 1 refused by the backend (kept as dead letters); 5 dropped (outbox full).',
    );
  });

  it('shows storage trouble in words on the options page too (issue 15, item 3)', () => {
    const storage = { trouble: 'the disk is full (QuotaExceededError)', troubleSince: 5, notKeptLocally: 2, prunedForSpace: 0 };
    renderOptions(document, OptionsState.parse(optionsState(config(), {}, { ...DELIVERY, storage })));
    const box = document.getElementById('storage-trouble')!;
    expect(box.hidden).toBe(false);
    expect(box.textContent).toContain('the disk is full (QuotaExceededError)');
    expect(box.textContent).toContain('Uploads are still sent to your organisation.');
    renderOptions(document, OptionsState.parse(optionsState(config(), {}, { ...DELIVERY, storage: { ...storage, trouble: undefined } })));
    expect(box.hidden).toBe(true);
  });
});
