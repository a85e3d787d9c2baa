import { describe, expect, it } from 'vitest';
import { buildFileEvent, redactUrl, type BuildEventInput } from '../../../src/core/build-event';
import { sampleInput } from '../support/sample-event';
import { FileEvent } from '../../../src/core/schema/event';

function input(over: Partial<BuildEventInput> = {}): BuildEventInput {
  return sampleInput({
    id: '0190a0e2-7c4b-7def-8abc-0123456789ab',
    file: { name: 'main.py', size: 1234, mimeType: 'text/x-python', lastModified: 1700000000000 },
    tab: { url: 'https://www.dropbox.com/home?token=abc#frag', title: 'Dropbox' },
    user: { email: 'ana@acme.com' },
    ...over,
  });
}

describe('buildFileEvent', () => {
  it('builds a valid native event, classified and scored', () => {
    const event = buildFileEvent(input());
    expect(FileEvent.parse(event)).toEqual(event);
    expect(event).toMatchObject({
      schemaVersion: 1,
      file: { extension: 'py', category: 'source_code', categoryByExtension: 'source_code' },
      destination: { url: 'https://www.dropbox.com/home', host: 'www.dropbox.com', domain: 'dropbox.com', serviceId: 'dropbox', category: 'cloud_storage', trusted: false },
      risk: { score: 8, severity: 'high', settingsVersion: 'builtin-1' },
    });
  });

  it('keeps query strings only when policy says so', () => {
    expect(buildFileEvent(input({ keepUrlQuery: true })).destination.url).toBe('https://www.dropbox.com/home?token=abc#frag');
  });

  it('records the frame URL, redacted', () => {
    const event = buildFileEvent(input({ tab: { url: 'about:blank', title: '' }, frameUrl: 'https://mail.google.com/x?y=1' }));
    expect(event.destination).toMatchObject({ frameUrl: 'https://mail.google.com/x', serviceId: 'gmail' });
  });

  it('scores trusted destinations 0', () => {
    const event = buildFileEvent(input({ destinationOptions: { trusted: ['dropbox.com'] } }));
    expect(event.risk).toMatchObject({ score: 0, severity: 'none', indicators: [] });
    expect(event.destination.trusted).toBe(true);
  });

  it('carries the departing watchlist from context', () => {
    const event = buildFileEvent(input({ context: { departingWatchlist: true } }));
    expect(event.risk.indicators.map((i) => i.id)).toContain('departing_watchlist');
    expect(event.risk.score).toBe(12);
  });
});

describe('redactUrl', () => {
  it.each([
    ['https://u:p@a.example/x?q=1#h', 'https://a.example/x'],
    ['about:srcdoc', 'about:srcdoc'],
    ['blob:https://a.example/uuid?x', 'blob:https://a.example/uuid'],
    ['not a url?secret=1', 'not a url'],
    ['', ''],
  ])('%s → %s', (raw, expected) => expect(redactUrl(raw, false)).toBe(expected));
});
