import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/background/db';
import { EventStore } from '../../../src/background/event-store';
import { Outbox } from '../../../src/background/outbox';
import { processUpload, type PipelineDeps } from '../../../src/background/pipeline';
import { effectiveConfig } from '../../../src/background/policy';
import { UploadObserved } from '../../../src/core/schema/messages';
import type { Policy } from '../../../src/core/schema/policy';

let n = 0;

async function deps(policy: Policy = {}) {
  const db = await openDatabase(`pipeline-test-${++n}`);
  let id = 0;
  const events = new EventStore(db);
  const outbox = new Outbox({ db, fetch: (async () => new Response(null)) as unknown as typeof fetch, now: () => 0, random: () => 0, target: async () => undefined });
  const d: PipelineDeps = {
    config: async () => effectiveConfig(policy, []),
    device: async () => ({ browser: 'Chrome', browserVersion: '1', os: 'linux', extensionVersion: '0.1.0' }),
    events,
    outbox,
    newId: () => `0190a0e2-7c4b-7def-8abc-${String(++id).padStart(12, '0')}`,
    now: () => new Date('2026-11-22T10:00:00Z'),
    afterStore: () => undefined,
  };
  return { d, events, outbox };
}

const message = UploadObserved.parse({
  type: 'upload/observed',
  actionId: 'act-1',
  channel: 'drag_drop',
  trustedEvent: true,
  // A compromised page cannot choose the destination: extra fields are stripped by the schema.
  url: 'https://intranet.acme.example/',
  files: [
    { name: 'a.py', size: 10, mimeType: 'text/x-python', headBase64: btoa('print(1)') },
    { name: 'b.csv', size: 5, mimeType: 'text/csv', headBase64: '' },
  ],
});

describe('processUpload', () => {
  it('stores and queues one scored event per file, destination from the sender', async () => {
    const { d, events, outbox } = await deps({ trustedDomains: ['intranet.acme.example'], userEmail: 'ana@acme.com' });
    const out = await processUpload(message, { tab: { url: 'https://www.dropbox.com/home', title: 'Dropbox' }, frameId: 0, url: 'https://www.dropbox.com/home' }, d);
    expect(out.map((e) => [e.file.name, e.destination.serviceId, e.destination.trusted, e.risk.score])).toEqual([
      ['a.py', 'dropbox', false, 8],
      ['b.csv', 'dropbox', false, 7],
    ]);
    expect(out.every((e) => e.user.email === 'ana@acme.com' && e.actionId === 'act-1')).toBe(true);
    expect(out[0]!.destination.frameUrl).toBeUndefined();
    expect(await events.recent(10)).toHaveLength(2);
    expect(await outbox.depth()).toBe(2);
  });

  it('records the frame URL for uploads in sub-frames', async () => {
    const { d } = await deps();
    const [event] = await processUpload(message, { tab: { url: 'https://mail.google.com/mail/u/0/', title: 'Gmail' }, frameId: 7, url: 'about:srcdoc' }, d);
    expect(event!.destination).toMatchObject({ serviceId: 'gmail', frameUrl: 'about:srcdoc' });
  });

  it('keeps below-threshold events local when policy sets a minimum severity to forward', async () => {
    const { d, events, outbox } = await deps({ minimumSeverityToForward: 'high', trustedDomains: [] });
    await processUpload(message, { tab: { url: 'https://www.dropbox.com/', title: '' }, frameId: 0 }, d);
    expect(await events.recent(10)).toHaveLength(2);
    expect(await outbox.depth()).toBe(2);
    const low = await deps({ minimumSeverityToForward: 'critical' });
    await processUpload(message, { tab: { url: 'https://www.dropbox.com/', title: '' }, frameId: 0 }, low.d);
    expect(await low.events.recent(10)).toHaveLength(2);
    expect(await low.outbox.depth()).toBe(0);
  });
});

describe('file heads in base64, both ways', () => {
  it('round-trips every byte value with the fallback codecs', async () => {
    const { toBase64 } = await import('../../../src/content/file-head');
    const { decodeBase64 } = await import('../../../src/background/pipeline');
    const bytes = Uint8Array.from({ length: 70_000 }, (_, i) => (i * 7919) & 0xff);
    const encoded = toBase64(bytes);
    expect(encoded).toBe(Buffer.from(bytes).toString('base64'));
    expect(decodeBase64(encoded)).toEqual(bytes);
    expect(decodeBase64('')).toEqual(new Uint8Array(0));
  });
});
