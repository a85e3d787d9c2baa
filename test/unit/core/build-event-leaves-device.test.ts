// Issue 15, item 6: only what must leave the device. Events are built from hostile inputs that
// carry a marker in every place that must stay local (file contents, URL queries, fragments,
// user-info, local paths, data: URL payloads), then every field of the event and every wire body
// is walked for it.
import { describe, expect, it } from 'vitest';
import { buildFileEvent, redactUrl, type BuildEventInput } from '../../../src/core/build-event';
import { wireFormatFor } from '../../../src/core/formats';
import { FileEvent } from '../../../src/core/schema/event';
import { BackendFormat } from '../../../src/core/schema/identifiers';
import { cfb, zip } from '../../harness/format-samples';
import { sampleInput } from '../support/sample-event';

const MARK = 'S3CR3T';
const text = (s: string) => new TextEncoder().encode(s);

/** Files whose contents carry the marker where each sniffer looks. */
const HOSTILE_FILES: [name: string, mimeType: string, head: Uint8Array][] = [
  ['run.py', 'text/x-python', text(`#!/opt/${MARK}/bin/python3 -u /home/${MARK}/run.py\nprint("${MARK}")\n`)],
  ['deploy.sh', 'text/x-sh', text(`#!/usr/bin/env -S ${MARK}=1 bash\necho ${MARK}\n`)],
  ['minutes.doc', 'application/msword', cfb(['WordDocument', `${MARK}_stream`, `Salary ${MARK}`])],
  ['bundle.zip', 'application/zip', zip([[`${MARK}/payroll.csv`, `name,salary\n${MARK},1\n`]])],
  ['notes.txt', 'text/plain', text(`Meeting notes ${MARK}\n`.repeat(30))],
  ['holiday.jpg', 'image/jpeg', text(`import os\nimport sys\n\ndef ${MARK}():\n    return os.environ["${MARK}"]\n`)],
  ['table.csv', 'text/csv', text(`${MARK},b,c\n1,2,3\n4,5,6\n7,8,9\n`)],
  ['page.html', 'text/html', text(`<!doctype html><html><title>${MARK}</title><body>${MARK}</body></html>`)],
  ['config.json', 'application/json', text(`{"${MARK}": "${MARK}"}`)],
  ['key.pem', 'application/x-pem-file', text(`-----BEGIN PRIVATE KEY-----\n${MARK}\n-----END PRIVATE KEY-----\n`)],
];

/** Addresses with the marker in user-info, query, fragment, local path and data: payload. */
const HOSTILE_PLACES: Pick<BuildEventInput, 'tab' | 'frameUrl' | 'sources' | 'transfers'>[] = [
  {
    tab: { url: `https://anna:${MARK}pw@files.acme.example/upload?token=${MARK}#${MARK}`, title: 'Upload' },
    frameUrl: `https://${MARK}user@www.dropbox.com/chooser?key=${MARK}#${MARK}`,
    sources: [
      { category: 'cloud_storage', serviceId: 'google_drive', url: `https://u:${MARK}@drive.google.com/uc?id=${MARK}`, acquiredAt: '2026-11-22T09:00:00.000Z' },
      { category: 'crm', url: `blob:https://${MARK}:x@crm.example/${'0'.repeat(8)}?${MARK}`, acquiredAt: '2026-11-22T09:01:00.000Z' },
    ],
    transfers: [
      { url: `https://up:${MARK}@upload.example/put?sig=${MARK}#${MARK}`, host: 'upload.example', bytes: 10, via: 'fetch', at: '2026-11-22T10:00:00.000Z' },
    ],
  },
  // Chrome titles a page without a <title> with its address: a data: page's title is its content.
  { tab: { url: `data:text/html;charset=utf-8,<p>${MARK}</p>`, title: `data:text/html;charset=utf-8,<p>${MARK}</p>` } },
  { tab: { url: `file:///home/${MARK}/private/report.pdf?x=${MARK}`, title: `file:///home/${MARK}/private/report.pdf` }, frameUrl: `data:,${MARK}` },
  { tab: { url: `http://${MARK}@[::1]:8080/p?${MARK}`, title: `[::1]:8080/p?${MARK}` }, frameUrl: `not a url ${'x'}?${MARK}` },
];

/** Every string in a value, with its path. */
function* strings(value: unknown, path = '$'): Generator<[path: string, value: string]> {
  if (typeof value === 'string') yield [path, value];
  else if (Array.isArray(value)) for (const [i, v] of value.entries()) yield* strings(v, `${path}[${i}]`);
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) yield* strings(v, `${path}.${k}`);
}

async function hostileEvents(keepUrlQuery: boolean): Promise<FileEvent[]> {
  const events: FileEvent[] = [];
  for (const place of HOSTILE_PLACES) {
    for (const [name, mimeType, head] of HOSTILE_FILES) {
      events.push(await buildFileEvent(sampleInput({ ...place, keepUrlQuery, file: { name, size: head.length, mimeType, head } })));
    }
  }
  return events;
}

describe('what leaves the device', () => {
  it('no field of an event carries file content, a URL query, a fragment, user-info or a local path', async () => {
    const events = await hostileEvents(false);
    for (const event of events) {
      expect(FileEvent.parse(event)).toEqual(event);
      const leaks = [...strings(event)].filter(([, v]) => v.includes(MARK));
      expect(leaks, JSON.stringify(leaks)).toEqual([]);
    }
    // The evidence still says what the files are, by format name.
    const evidence = events.slice(0, HOSTILE_FILES.length).map((e) => e.file.evidence?.join(' | '));
    expect(evidence[0]).toMatch(/Python source \(#! interpreter line\)/);
    expect(evidence[2]).toMatch(/Word 97-2003 document \(OLE compound file\)/);
  });

  it('sends none of it in any wire format', async () => {
    const events = await hostileEvents(false);
    for (const format of BackendFormat.options) {
      const wire = wireFormatFor(format);
      const perRequest = wire.maxEventsPerRequest ?? events.length;
      for (let i = 0; i < events.length; i += perRequest) {
        expect(wire.encode(events.slice(i, i + perRequest)).includes(MARK), `${format} body`).toBe(false);
      }
    }
  });

  it('keeps queries when policy says so, and still never user-info, local paths or data: payloads', async () => {
    const events = await hostileEvents(true);
    const first = events[0]!;
    expect(first.destination.url).toBe(`https://files.acme.example/upload?token=${MARK}#${MARK}`);
    expect(first.transfers?.[0]?.url).toBe(`https://upload.example/put?sig=${MARK}#${MARK}`);
    for (const event of events) {
      for (const [path, value] of strings(event)) {
        if (!value.includes(MARK)) continue;
        // Only a kept query or fragment of an http(s) destination, frame or transfer address.
        expect(path, value).toMatch(/^\$\.(?:destination\.(?:url|frameUrl|tabTitle)|transfers\[\d+\]\.url)$/);
        expect(value, path).not.toMatch(new RegExp(`${MARK}(?:pw|user)?@|/home/${MARK}|<p>${MARK}`));
        expect(value.indexOf(MARK), path).toBeGreaterThan(value.search(/[?#]/));
      }
      // Download sources never keep their query: the download history has no policy for it.
      for (const source of event.sources ?? []) expect(source.url).not.toContain(MARK);
    }
  });
});

describe('redactUrl minimises every kind of address', () => {
  it.each([
    ['https://u:p@a.example/x?q=1#h', false, 'https://a.example/x'],
    ['https://u:p@a.example/x?q=1#h', true, 'https://a.example/x?q=1#h'],
    ['data:image/png;base64,iVBORw0KGgo=', false, 'data:image/png'],
    ['DATA:Text/HTML,<script>x</script>', true, 'data:text/html'],
    ['data:,hello', false, 'data:'],
    ['data:<img src=x>/y,z', false, 'data:'],
    ['file:///home/ana/Documents/Payroll%202026.xlsx', false, 'file:Payroll%202026.xlsx'],
    ['file://server/share/dir/report.pdf?x#y', true, 'file:report.pdf'],
    ['blob:https://u:p@a.example/0190a0e2?x', false, 'blob:https://a.example/0190a0e2'],
    ['ftp://user:pw@ftp.example/pub/f.txt', false, 'ftp://ftp.example/pub/f.txt'],
    ['http://[::1]:8080/?q', false, 'http://[::1]:8080/'],
    ['weird://user:pw@host/p?q', false, 'weird://host/p'],
    ['not a url?secret=1', false, 'not a url'],
    ['about:srcdoc', false, 'about:srcdoc'],
    ['', false, ''],
  ])('%s (keep queries: %s) → %s', (raw, keep, expected) => expect(redactUrl(raw, keep)).toBe(expected));
});
