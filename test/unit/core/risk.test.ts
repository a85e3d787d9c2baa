import { describe, expect, it } from 'vitest';
import { scoreEvent, type ScorableEvent } from '../../../src/core/risk/score';
import { DEFAULT_RISK_SETTINGS, RECOMMENDED_SCORES, RiskSettings } from '../../../src/core/risk/settings';
import { severityOf } from '../../../src/core/risk/severity';
import { mergeRiskSettings } from '../../../src/core/risk/overrides';
import { SEVERITIES } from '../../../src/core/schema/identifiers';

function event(over: { file?: Partial<ScorableEvent['file']>; destination?: Partial<ScorableEvent['destination']> } = {}): ScorableEvent {
  return {
    file: { name: 'main.py', category: 'source_code', categoryByExtension: 'source_code', categoryByContent: 'other', mismatch: false, ...over.file },
    destination: { category: 'cloud_storage', serviceId: 'dropbox', serviceName: 'Dropbox', domain: 'dropbox.com', trusted: false, ...over.destination },
  };
}

describe('severityOf', () => {
  it.each([
    [0, 'none'], [1, 'low'], [3, 'low'], [4, 'moderate'], [6, 'moderate'], [7, 'high'], [8, 'high'], [9, 'critical'], [40, 'critical'],
  ])('%i → %s', (score, severity) => expect(severityOf(score)).toBe(severity));

  it('is monotone in the score', () => {
    for (let s = 0; s < 60; s++) {
      expect(SEVERITIES.indexOf(severityOf(s + 1))).toBeGreaterThanOrEqual(SEVERITIES.indexOf(severityOf(s)));
    }
  });
});

describe('scoreEvent', () => {
  it('adds destination and file weights', () => {
    const r = scoreEvent(event(), DEFAULT_RISK_SETTINGS);
    expect(r.indicators.map((i) => [i.group, i.id, i.weight])).toEqual([
      ['destination', 'cloud_storage', 5],
      ['file', 'source_code', 3],
    ]);
    expect(r).toMatchObject({ score: 8, severity: 'high', trusted: false, settingsVersion: 'builtin-1' });
  });

  it('scores the seed example: source code to Dropbox off hours = 9, critical', () => {
    const r = scoreEvent(event(), DEFAULT_RISK_SETTINGS, { offHours: true });
    expect(r.score).toBe(9);
    expect(r.severity).toBe('critical');
  });

  it('scores trusted activity 0 with every other indicator present', () => {
    const r = scoreEvent(
      { ...event({ destination: { trusted: true }, file: { mismatch: true } }), sources: [{ category: 'hr' }] },
      DEFAULT_RISK_SETTINGS,
      { offHours: true, destinationUse: 'first', remote: true, departingWatchlist: true },
    );
    expect(r).toMatchObject({ score: 0, severity: 'none', trusted: true, indicators: [] });
  });

  it.each([
    ['email', 'document', 3 + 1],
    ['messaging', 'spreadsheet', 3 + 2],
    ['pdf_manager', 'pdf', 4 + 1],
    ['file_conversion', 'presentation', 4 + 1],
    ['source_code_repository', 'source_code', 5 + 3],
    ['ai_tools', 'archive', 5 + 2],
    ['other', 'image', 2],
    ['unknown', 'other', 2],
  ] as const)('%s + %s = %i', (destination, file, score) => {
    const r = scoreEvent(event({ destination: { category: destination }, file: { category: file } }), DEFAULT_RISK_SETTINGS);
    expect(r.score).toBe(score);
    expect(r.score).toBe(r.indicators.reduce((s, i) => s + i.weight, 0));
  });

  it('applies user indicators with readable reasons', () => {
    const r = scoreEvent(event({ destination: { serviceName: 'WeTransfer', serviceId: 'wetransfer' } }), DEFAULT_RISK_SETTINGS, {
      destinationUse: 'first',
      departingWatchlist: true,
    });
    const byId = Object.fromEntries(r.indicators.map((i) => [i.id, i]));
    expect(byId.first_use_of_destination?.reason).toBe('First upload to WeTransfer since monitoring began');
    expect(byId.departing_watchlist?.weight).toBe(4);
    expect(r.score).toBe(2 + 4 + 5 + 3);
  });

  it('counts only the highest-scoring source, ties to the first observed', () => {
    const r = scoreEvent(
      { ...event(), sources: [{ category: 'crm', serviceName: 'Salesforce' }, { category: 'hr', serviceName: 'Workday' }, { category: 'financial_services' }] },
      DEFAULT_RISK_SETTINGS,
    );
    expect(r.indicators.filter((i) => i.group === 'source')).toEqual([
      { id: 'hr', group: 'source', weight: 4, reason: 'File came from Workday (HR system)' },
    ]);
    const tie = scoreEvent({ ...event(), sources: [{ category: 'crm' }, { category: 'financial_services' }] }, DEFAULT_RISK_SETTINGS);
    expect(tie.indicators.find((i) => i.group === 'source')?.id).toBe('crm');
  });

  it('uses admin settings and per-service overrides', () => {
    const settings = mergeRiskSettings(DEFAULT_RISK_SETTINGS, {
      version: 'acme-7',
      scores: { destination: { cloud_storage: 1 } },
      serviceOverrides: { box: 0 },
    });
    expect(scoreEvent(event(), settings)).toMatchObject({ score: 1 + 3, settingsVersion: 'acme-7' });
    const box = scoreEvent(event({ destination: { serviceId: 'box', serviceName: 'Box' } }), settings);
    expect(box.indicators.map((i) => i.id)).toEqual(['source_code']);
  });
});

describe('risk settings', () => {
  it('defaults to the recommended scores', () => {
    expect(DEFAULT_RISK_SETTINGS.scores).toEqual(RECOMMENDED_SCORES);
  });
  it.each([
    [{ scores: { file: { pdf: 11 } } }],
    [{ scores: { file: { pdf: -1 } } }],
    [{ scores: { file: { pdf: 1.5 } } }],
    [{ scores: { file: { pfd: 1 } } }],
    [{ version: '' }],
  ])('rejects %j', (input) => {
    expect(RiskSettings.safeParse(input).success).toBe(false);
  });
});
