import { describe, expect, it } from 'vitest';
import { buildFileEvent, redactUrl, type BuildEventInput } from '../../../src/core/build-event';
import { sampleInput } from '../support/sample-event';
import { FileEvent } from '../../../src/core/schema/event';
import { SAMPLES } from '../../harness/format-samples';

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
  it('builds a valid native event, classified and scored', async () => {
    const event = await buildFileEvent(input());
    expect(FileEvent.parse(event)).toEqual(event);
    expect(event).toMatchObject({
      schemaVersion: 1,
      file: { extension: 'py', category: 'source_code', categoryByExtension: 'source_code' },
      destination: {
        url: 'https://www.dropbox.com/home',
        host: 'www.dropbox.com',
        domain: 'dropbox.com',
        serviceId: 'dropbox',
        category: 'cloud_storage',
        trusted: false,
      },
      risk: { score: 8, severity: 'high', settingsVersion: 'builtin-1' },
    });
  });

  it('classifies by content: source code named .jpg is source code, a mismatch, and says so', async () => {
    const head = SAMPLES.py!;
    const event = await buildFileEvent(input({ file: { name: 'holiday.jpg', size: head.length, mimeType: 'image/jpeg', head } }));
    expect(FileEvent.parse(event)).toEqual(event);
    expect(event.file).toMatchObject({
      categoryByExtension: 'image',
      categoryByContent: 'source_code',
      category: 'source_code',
      mimeByContent: 'text/x-python',
      mismatch: true,
    });
    expect(event.file.evidence?.join(' ')).toMatch(/Python source/);
    const mismatch = event.risk.indicators.find((i) => i.id === 'file_mismatch');
    expect(mismatch).toMatchObject({ group: 'user', weight: 5, reason: 'File named as an image but its content is source code' });
    // cloud_storage 5 + source_code 3 + file_mismatch 5
    expect(event.risk).toMatchObject({ score: 13, severity: 'critical' });
  });

  it('names the content type when its category is other', async () => {
    const head = SAMPLES.sqlite!;
    const event = await buildFileEvent(input({ file: { name: 'cats.jpg', size: head.length, mimeType: 'image/jpeg', head } }));
    expect(event.risk.indicators.find((i) => i.id === 'file_mismatch')?.reason).toBe('File named as an image but its content is application/x-sqlite3');
  });

  it('keeps query strings only when policy says so', async () => {
    expect((await buildFileEvent(input({ keepUrlQuery: true }))).destination.url).toBe('https://www.dropbox.com/home?token=abc#frag');
  });

  it('records the frame URL, redacted', async () => {
    const event = await buildFileEvent(input({ tab: { url: 'about:blank', title: '' }, frameUrl: 'https://mail.google.com/x?y=1' }));
    expect(event.destination).toMatchObject({ frameUrl: 'https://mail.google.com/x', serviceId: 'gmail' });
  });

  it('scores trusted destinations 0', async () => {
    const event = await buildFileEvent(input({ destinationOptions: { trusted: ['dropbox.com'] } }));
    expect(event.risk).toMatchObject({ score: 0, severity: 'none', indicators: [] });
    expect(event.destination.trusted).toBe(true);
  });

  it('carries the departing watchlist from context', async () => {
    const event = await buildFileEvent(input({ context: { departingWatchlist: true } }));
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
