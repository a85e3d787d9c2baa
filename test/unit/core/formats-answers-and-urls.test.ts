/**
 * What a format makes of an answer and of a backend URL, where a mistake loses events or sends them
 * elsewhere: an Elasticsearch answer that names fewer items than events (the others must be
 * retried, never counted delivered), a backend URL with a query (the endpoint path goes in the path),
 * and a Retry-After that is neither delta-seconds nor an IMF-fixdate (the normal backoff, not none).
 */
import { describe, expect, it } from 'vitest';
import { wireFormatFor } from '../../../src/core/formats';
import { retryAfterMs } from '../../../src/core/formats/wire-format';

const NOW = Date.parse('2026-10-21T07:27:00Z');
const es = wireFormatFor('elastic');
const hec = wireFormatFor('splunk_hec');
const created = { create: { status: 201 } };

describe('Elasticsearch: errors: true with items missing', () => {
  it.each([
    ['no items', { errors: true }],
    ['an empty list', { errors: true, items: [] }],
    ['items that are not a list', { errors: true, items: 'none' }],
  ])('%s: the whole batch is retried', (_what, answer) => {
    expect(es.interpret(200, JSON.stringify(answer), null, NOW, 3)).toEqual({
      kind: 'retry',
      error: 'Elasticsearch answered errors: true without the items that say which',
    });
  });

  it('fewer items than events: the events without an item are retried with those that asked', () => {
    const answer = { errors: true, items: [created, { create: { status: 503 } }] };
    expect(es.interpret(200, JSON.stringify(answer), null, NOW, 4)).toEqual({ kind: 'partial', retry: [1, 2, 3], dead: [] });
  });

  it('fewer items, all of them created: the others are still retried, not taken as delivered', () => {
    const answer = { errors: true, items: [created, { create: { status: 409 } }] };
    expect(es.interpret(200, JSON.stringify(answer), '30', NOW, 3)).toEqual({ kind: 'partial', retry: [2], dead: [], retryAfterMs: 30_000 });
  });

  it('as many items as events, all fine: delivered', () => {
    expect(es.interpret(200, JSON.stringify({ errors: true, items: [created, created] }), null, NOW, 2)).toEqual({ kind: 'ok' });
  });
});

describe('endpoints of a backend URL with a query', () => {
  it.each([
    ['https://es.acme.example:9200/logs-upwatch?pipeline=upwatch', 'https://es.acme.example:9200/logs-upwatch/_bulk?pipeline=upwatch'],
    [
      'https://es.acme.example:9200/logs-upwatch/?pipeline=upwatch&refresh=false',
      'https://es.acme.example:9200/logs-upwatch/_bulk?pipeline=upwatch&refresh=false',
    ],
    ['https://es.acme.example/logs-upwatch/_bulk?pipeline=p', 'https://es.acme.example/logs-upwatch/_bulk?pipeline=p'],
    ['https://es.acme.example/logs-upwatch', 'https://es.acme.example/logs-upwatch/_bulk'],
    ['https://es.acme.example/', 'https://es.acme.example/_bulk'],
  ])('elastic: %s → %s', (url, endpoint) => {
    expect(es.endpoint(url)).toBe(endpoint);
  });

  it.each([
    ['https://splunk.acme.example:8088?channel=abc', 'https://splunk.acme.example:8088/services/collector/event?channel=abc'],
    ['https://splunk.acme.example:8088/services/collector?channel=abc', 'https://splunk.acme.example:8088/services/collector/event?channel=abc'],
    ['https://splunk.acme.example:8088/services/collector/event/1.0?channel=abc', 'https://splunk.acme.example:8088/services/collector/event/1.0?channel=abc'],
    ['https://splunk.acme.example:8088/', 'https://splunk.acme.example:8088/services/collector/event'],
    ['https://splunk.acme.example/splunk/services/collector/event', 'https://splunk.acme.example/splunk/services/collector/event'],
  ])('splunk_hec: %s → %s', (url, endpoint) => {
    expect(hec.endpoint(url)).toBe(endpoint);
  });
});

describe('Retry-After', () => {
  it('reads delta-seconds and an IMF-fixdate', () => {
    expect(retryAfterMs('120', NOW)).toBe(120_000);
    expect(retryAfterMs(' 0 ', NOW)).toBe(0);
    expect(retryAfterMs('Wed, 21 Oct 2026 07:28:00 GMT', NOW)).toBe(60_000);
    // A date past is no wait.
    expect(retryAfterMs('Tue, 20 Oct 2026 07:28:00 GMT', NOW)).toBe(0);
  });

  it.each([
    '-5',
    '1e3',
    '+30',
    '1.5',
    '0x10',
    '2026-10-21T07:28:00Z',
    'Wed Oct 21 2026',
    'Wed, 31 Feb 2026 07:28:00 GMT',
    'Wed, 21 Oct 2026 25:28:00 GMT',
    'soon',
    '',
  ])('%j is not a Retry-After: the normal backoff applies', (header) => {
    expect(retryAfterMs(header, NOW)).toBeUndefined();
    expect(wireFormatFor('native').interpret(503, '', header, NOW, 1)).toEqual({ kind: 'retry', error: 'backend answered HTTP 503' });
  });
});
