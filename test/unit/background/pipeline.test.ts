import { describe, expect, it, vi } from 'vitest';
import { openDatabase, readState } from '../../../src/background/db';
import { EventStore } from '../../../src/background/event-store';
import { Outbox } from '../../../src/background/outbox';
import { processUpload, type PipelineDeps } from '../../../src/background/pipeline';
import { createUploadPipeline } from '../../../src/background/upload-queue';
import { RiskHistory } from '../../../src/background/history';
import { UploadStore } from '../../../src/background/upload-store';
import { effectiveConfig } from '../../../src/core/effective-config';
import { UploadObserved, type UploadSent } from '../../../src/core/schema/messages';
import { ContentModelBudgets } from '../../../src/core/files/content-model/budgets';
import { MagikaConfig } from '../../../src/core/files/content-model/features';
import configJson from '../../../vendor/magika/standard_v3_3/config.min.json';
import type { Policy } from '../../../src/core/schema/policy';

let n = 0;

async function deps(policy: Policy = {}, clock = { now: new Date('2026-11-22T10:00:00Z') }) {
  const db = await openDatabase(`pipeline-test-${++n}`);
  const history = new RiskHistory(db, 'UTC');
  let id = 0;
  const events = new EventStore(db);
  const outbox = new Outbox({
    db,
    fetch: (async () => new Response(null)) as unknown as typeof fetch,
    now: () => 0,
    random: () => 0,
    target: async () => undefined,
  });
  const d: PipelineDeps = {
    config: async () => effectiveConfig(policy, []),
    device: async () => ({ browser: 'Chrome', browserVersion: '1', os: 'linux', extensionVersion: '0.1.0' }),
    store: new UploadStore(db, history, outbox),
    newId: () => `0190a0e2-7c4b-7def-8abc-${String(++id).padStart(12, '0')}`,
    now: () => clock.now.getTime(),
    timeZone: 'UTC',
    afterStore: () => undefined,
  };
  return { d, db, events, outbox, history, clock };
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
    const out = await processUpload(
      message,
      { tab: { url: 'https://www.dropbox.com/home', title: 'Dropbox' }, frameId: 0, url: 'https://www.dropbox.com/home' },
      d,
    );
    // Sunday 10:00 UTC: outside the default working hours; Dropbox never used before: first use, for both files.
    expect(out.map((e) => [e.file.name, e.destination.serviceId, e.destination.trusted, e.risk.score])).toEqual([
      ['a.py', 'dropbox', false, 11],
      ['b.csv', 'dropbox', false, 10],
    ]);
    expect(out[1]!.risk.indicators.map((i) => i.id)).toEqual(['off_hours', 'first_use_of_destination', 'cloud_storage', 'spreadsheet']);
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
    // Monday in working hours, an unknown site (other: 2) never used before (first use: 2):
    // a.py 2 + 2 + 3 = 7 high, b.csv 2 + 2 + 2 = 6 moderate.
    const monday = () => ({ now: new Date('2026-11-23T10:00:00Z') });
    const site = { tab: { url: 'https://example.org/', title: '' }, frameId: 0 };
    const high = await deps({ minimumSeverityToForward: 'high' }, monday());
    const out = await processUpload(message, site, high.d);
    expect(out.map((e) => e.risk.severity)).toEqual(['high', 'moderate']);
    expect(await high.events.recent(10)).toHaveLength(2);
    expect(await high.outbox.depth()).toBe(1);
    const critical = await deps({ minimumSeverityToForward: 'critical' }, monday());
    await processUpload(message, site, critical.d);
    expect(await critical.events.recent(10)).toHaveLength(2);
    expect(await critical.outbox.depth()).toBe(0);
  });
});

describe('processUpload with history', () => {
  const dropbox = { tab: { url: 'https://www.dropbox.com/home', title: 'Dropbox' }, frameId: 0 };
  const ids = (e: { risk: { indicators: { id: string }[] } }) => e.risk.indicators.map((i) => i.id);

  it('gives first use to a burst inside the grouping window, then treats the destination as known', async () => {
    const { d, clock } = await deps({}, { now: new Date('2026-11-23T10:00:00Z') }); // a Monday, in working hours
    const first = await processUpload(message, dropbox, d);
    expect(first.map(ids)).toEqual([
      ['first_use_of_destination', 'cloud_storage', 'source_code'],
      ['first_use_of_destination', 'cloud_storage', 'spreadsheet'],
    ]);
    clock.now = new Date('2026-11-23T10:59:00Z');
    expect(ids((await processUpload(message, dropbox, d))[0]!)).toContain('first_use_of_destination');
    clock.now = new Date('2026-11-23T11:30:00Z');
    expect(ids((await processUpload(message, dropbox, d))[0]!)).not.toContain('first_use_of_destination');
    clock.now = new Date('2027-03-01T10:00:00Z'); // over 90 days later: rare
    const rare = (await processUpload(message, dropbox, d))[0]!;
    expect(ids(rare)).toContain('rare_use_of_destination');
    expect(rare.risk.indicators.find((i) => i.id === 'rare_use_of_destination')?.reason).toBe('First upload to Dropbox in over 90 days');
  });

  it('inherits the sources of a download with the same name and size; the highest counts, all are kept', async () => {
    const { d, history } = await deps({}, { now: new Date('2026-11-23T10:00:00Z') });
    await history.recordDownload({
      id: '7',
      url: 'https://wd5.myworkday.com/acme/export/a.py',
      tabUrl: 'https://app.slack.com/client/T1',
      fileName: 'a.py',
      size: 10,
      startedAt: Date.parse('2026-11-23T09:00:00Z'),
      completedAt: Date.parse('2026-11-23T09:00:01Z'),
      sources: [
        { category: 'messaging', serviceId: 'slack', url: 'https://app.slack.com/client/T1', acquiredAt: '2026-11-23T09:00:01.000Z' },
        {
          category: 'hr',
          serviceId: 'workday',
          serviceName: 'Workday',
          url: 'https://wd5.myworkday.com/acme/export/a.py',
          acquiredAt: '2026-11-23T09:00:01.000Z',
        },
      ],
    });
    const [a, b] = await processUpload(message, dropbox, d);
    expect(a!.source).toMatchObject({ category: 'hr', serviceId: 'workday' });
    expect(a!.sources?.map((s) => s.serviceId)).toEqual(['slack', 'workday']);
    expect(a!.risk.indicators.find((i) => i.group === 'source')).toMatchObject({ id: 'hr', weight: 4, reason: 'File came from Workday (HR system)' });
    expect(b!.source).toBeUndefined(); // b.csv was not downloaded
  });

  it('applies remote only when the client IP is known, and says so when it is not', async () => {
    const policy = { inNetworkCidrs: ['10.0.0.0/8', 'fd00::/8'] };
    const { d, history } = await deps(policy, { now: new Date('2026-11-23T10:00:00Z') });
    const [unknown] = await processUpload(message, dropbox, d);
    expect(ids(unknown!)).not.toContain('remote');
    expect(unknown!.risk.unevaluated).toEqual([{ id: 'remote', reason: 'client IP unknown: the backend has not reported it yet' }]);
    await history.setClientIp('203.0.113.9', Date.parse('2026-11-23T10:00:00Z'));
    expect(ids((await processUpload(message, dropbox, d))[0]!)).toContain('remote');
    await history.setClientIp('10.1.2.3', Date.parse('2026-11-23T10:00:00Z'));
    expect(ids((await processUpload(message, dropbox, d))[0]!)).not.toContain('remote');
  });
});

describe('compute first, then write', () => {
  const dropbox = { tab: { url: 'https://www.dropbox.com/home', title: 'Dropbox' }, frameId: 0 };
  const monday = () => ({ now: new Date('2026-11-23T10:00:00Z') });

  it('records nothing, not even first use, when storing the upload fails', async () => {
    const { d, db, events, outbox } = await deps({}, monday());
    const afterStore = vi.fn();
    // Queuing fails in the shared transaction and again in the queue-first retry.
    const failing = vi.spyOn(outbox, 'enqueueWithin').mockRejectedValue(new Error('QuotaExceededError'));
    await expect(processUpload(message, dropbox, { ...d, afterStore })).rejects.toThrow('QuotaExceededError');
    failing.mockRestore();
    expect(afterStore).not.toHaveBeenCalled();
    expect(await events.recent(10)).toEqual([]);
    expect(await db.getAll('destinations')).toEqual([]);
    expect(await readState(db, 'activityProfile')).toBeNull();
    expect(await outbox.depth()).toBe(0);
    // The same upload again, stored this time: still the first use of Dropbox.
    const stored = await processUpload(message, dropbox, d);
    expect(stored.every((e) => e.risk.indicators.some((i) => i.id === 'first_use_of_destination'))).toBe(true);
    expect(await db.get('destinations', 'service:dropbox')).toMatchObject({ uploads: 2 });
    expect((await readState(db, 'activityProfile'))?.observedDays).toBe(1);
  });

  it('runs uploads one after another, so two tabs racing to a new destination both count', async () => {
    const { d, db } = await deps({}, monday());
    const upload = createUploadPipeline(d).observed;
    const [first, second] = await Promise.all([upload(message, dropbox), upload(message, dropbox)]);
    // Both inside the grouping window of the first use: all four files carry it.
    expect([...first!, ...second!].map((e) => e.risk.indicators.some((i) => i.id === 'first_use_of_destination'))).toEqual([true, true, true, true]);
    expect(await db.get('destinations', 'service:dropbox')).toMatchObject({ uploads: 4 });
  });

  it('keeps going after a failed upload', async () => {
    const { d, outbox, events } = await deps({}, monday());
    const upload = createUploadPipeline(d).observed;
    // The first upload's queuing fails twice: in the shared transaction and in the queue-first retry.
    vi.spyOn(outbox, 'enqueueWithin').mockRejectedValueOnce(new Error('boom')).mockRejectedValueOnce(new Error('boom'));
    const failed = upload(message, dropbox);
    const next = upload(message, dropbox);
    await expect(failed).rejects.toThrow('boom');
    expect(await next).toHaveLength(2);
    expect(await events.recent(10)).toHaveLength(2);
  });
});

describe('the history read', () => {
  const MAGIKA_CONFIG = MagikaConfig.parse(configJson);
  const dropbox = { tab: { url: 'https://www.dropbox.com/home', title: 'Dropbox' }, frameId: 0 };

  it('runs while the content model classifies the files, not after', async () => {
    const { d, events } = await deps({}, { now: new Date('2026-11-23T10:00:00Z') });
    const read = vi.spyOn(d.store, 'read');
    const readsWhenPredicting: number[] = [];
    const contentModel = new ContentModelBudgets({
      config: MAGIKA_CONFIG,
      budgetMs: 60_000,
      now: () => 0,
      load: async () => ({
        async predict(rows) {
          readsWhenPredicting.push(read.mock.calls.length);
          return rows.map(() => new Float32Array(MAGIKA_CONFIG.target_labels_space.length));
        },
      }),
    });
    const haskell = 'module Main where\n\nimport Data.List (sortBy)\n\nmain :: IO ()\nmain = getContents >>= mapM_ print . lines\n';
    const asks = UploadObserved.parse({
      ...message,
      files: [{ name: 'notes.txt', size: haskell.length, mimeType: 'text/plain', headBase64: btoa(haskell) }],
    });
    const [event] = await processUpload(asks, dropbox, { ...d, contentModel });
    // The model was asked, and the history was being read by then; it is read once.
    expect(readsWhenPredicting).toEqual([1]);
    expect(read).toHaveBeenCalledTimes(1);
    expect((await events.recent(1))[0]?.id).toBe(event!.id);
  });

  // An observation sent before its files were read (headsFollow), and the same with its heads.
  const facts = UploadObserved.parse({ ...message, headsFollow: true, files: message.files.map((f) => ({ ...f, headBase64: '' })) });
  const withHeads = { ...facts, files: message.files };

  it('is asked when the facts of an upload come, before its heads: done by the time the files are classified', async () => {
    const { d, db } = await deps({}, { now: new Date('2026-11-23T10:00:00Z') });
    const read = vi.spyOn(d.store, 'read');
    const pipeline = createUploadPipeline(d);
    const ahead = pipeline.readAhead(facts, dropbox);
    expect(ahead).toBeDefined();
    await vi.waitFor(() => expect(read).toHaveBeenCalledTimes(1));
    const events = await pipeline.observed(withHeads, dropbox, ahead);
    // Read once, ahead; the files classified from their heads; the first use of Dropbox counted.
    expect(read).toHaveBeenCalledTimes(1);
    expect(events[0]!.file.categoryByContent).not.toBe('other');
    expect(events[0]!.file.evidence!.join(' ')).not.toContain('not read');
    expect(events.every((e) => e.risk.indicators.some((i) => i.id === 'first_use_of_destination'))).toBe(true);
    expect(await db.get('destinations', 'service:dropbox')).toMatchObject({ uploads: 2 });
  });

  it('is not used when another upload took its turn first: that one wrote history, so it is read again', async () => {
    const { d, clock } = await deps({}, { now: new Date('2026-11-23T10:00:00Z') });
    const read = vi.spyOn(d.store, 'read');
    const pipeline = createUploadPipeline(d);
    const ahead = pipeline.readAhead(facts, dropbox);
    const first = await pipeline.observed(message, dropbox);
    expect(first[0]!.risk.indicators.some((i) => i.id === 'first_use_of_destination')).toBe(true);
    // Past first use's grouping window: read again, Dropbox is known (read ahead, it was not).
    clock.now = new Date('2026-11-23T11:30:00Z');
    const late = await pipeline.observed(withHeads, dropbox, ahead);
    expect(read).toHaveBeenCalledTimes(3);
    expect(late.some((e) => e.risk.indicators.some((i) => i.id === 'first_use_of_destination'))).toBe(false);
  });

  it('is not asked while an upload is queued or running (its history is not written yet)', async () => {
    const { d } = await deps({}, { now: new Date('2026-11-23T10:00:00Z') });
    const pipeline = createUploadPipeline(d);
    const running = pipeline.observed(message, dropbox);
    expect(pipeline.readAhead(facts, dropbox)).toBeUndefined();
    await running;
    expect(pipeline.readAhead(facts, dropbox)).toBeDefined();
  });

  it('is read again in turn when the files it was read for are not the ones that came', async () => {
    const { d } = await deps({}, { now: new Date('2026-11-23T10:00:00Z') });
    const read = vi.spyOn(d.store, 'read');
    const pipeline = createUploadPipeline(d);
    const ahead = pipeline.readAhead(facts, dropbox);
    const other = { ...withHeads, files: [withHeads.files[0]!] };
    expect(await pipeline.observed(other, dropbox, ahead)).toHaveLength(1);
    expect(read).toHaveBeenCalledTimes(2);
    expect(read.mock.calls[1]![1]).toEqual([expect.objectContaining({ name: 'a.py' })]);
  });
});

describe('local retention', () => {
  it('deletes events older than the cutoff and keeps the rest', async () => {
    const { d, events } = await deps({}, { now: new Date('2026-11-23T10:00:00Z') });
    await processUpload(message, { tab: { url: 'https://www.dropbox.com/', title: '' }, frameId: 0 }, d);
    expect(await events.pruneBefore('2026-11-23T09:00:00.000Z')).toBe(0);
    expect(await events.pruneBefore('2026-11-23T11:00:00.000Z')).toBe(2);
    expect(await events.recent(10)).toEqual([]);
  });
});

describe('script-made and programmatic uploads (issue 13)', () => {
  const programmatic = (files: object[], extra: object = {}) =>
    UploadObserved.parse({
      type: 'upload/observed',
      actionId: `p-${++n}`,
      channel: 'programmatic',
      trustedEvent: false,
      bridged: true,
      sentTo: { url: 'https://wetransfer.com/api/v4/transfers?token=secret', bytes: 2_000_000, via: 'fetch' },
      files,
      ...extra,
    });
  const intranet = { tab: { id: 3, url: 'https://intranet.acme.example/docs', title: 'Docs' }, frameId: 0 };

  it('classifies by the receiving host, records the send without its query, and never inherits the tab trust', async () => {
    const { d } = await deps({ trustedDomains: ['intranet.acme.example'] });
    const [event] = await processUpload(
      programmatic([{ name: 'export.csv', size: 10, mimeType: 'text/csv', headBase64: '' }], { tamper: ['fetch'] }),
      intranet,
      d,
    );
    expect(event).toMatchObject({
      channel: 'programmatic',
      trustedEvent: false,
      bridged: true,
      tamper: ['fetch'],
      destination: { serviceId: 'wetransfer', trusted: false, url: 'https://intranet.acme.example/docs' },
      transfers: [{ url: 'https://wetransfer.com/api/v4/transfers', host: 'wetransfer.com', bytes: 2_000_000, via: 'fetch' }],
    });
    expect(event!.risk.score).toBeGreaterThan(0);
  });

  it('makes an unnamed body an event only from programmaticMinBytes', async () => {
    const { d, events } = await deps({ programmaticMinBytes: 1_000_000 });
    const small = { name: 'blob', size: 500_000, mimeType: '', headBase64: '', anonymous: true };
    expect(await processUpload(programmatic([small]), intranet, d)).toEqual([]);
    const [big] = await processUpload(programmatic([{ ...small, size: 1_000_000 }]), intranet, d);
    expect(big!.file).toMatchObject({ name: 'blob', anonymous: true, size: 1_000_000 });
    expect(await events.recent(10)).toHaveLength(1);
  });

  it('rate-limits script-made actions per tab, counts the dropped ones, and never limits trusted events', async () => {
    const { createScriptMadeLimit } = await import('../../../src/background/script-made-limit');
    const { d, db, events } = await deps();
    d.scriptMadeLimit = createScriptMadeLimit({ burst: 2, perMinute: 1 });
    const file = { name: 'flood.txt', size: 4, mimeType: 'text/plain', headBase64: '' };
    for (let i = 0; i < 5; i++) await processUpload(programmatic([file]), intranet, d);
    await processUpload({ ...message, actionId: 'real' }, intranet, d);
    const stored = await events.recent(20);
    expect(stored.filter((e) => !e.trustedEvent)).toHaveLength(2);
    expect(stored.filter((e) => e.trustedEvent)).toHaveLength(2);
    expect(await readState(db, 'outboxStats')).toMatchObject({ dropped: 3, droppedTotal: 3, scriptMadeDroppedTotal: 3 });
  });

  /** A page script's send of one whole file of action `actionId` to `url`. */
  const sentMessage = (actionId: string, file: { name: string; size: number }, url: string, via: 'xhr' | 'fetch'): UploadSent => ({
    type: 'upload/sent',
    actionId,
    files: [file],
    sentTo: { url, bytes: file.size, via },
  });

  it('records a send on the events of the action it belongs to, in the store and the waiting outbox copy', async () => {
    const { d, db, events } = await deps();
    const pipeline = createUploadPipeline(d);
    const site = { tab: { id: 1, url: 'https://www.dropbox.com/home', title: 'Dropbox' }, frameId: 0 };
    await pipeline.observed(message, site);
    const updated = await pipeline.sent(sentMessage('act-1', { name: 'a.py', size: 10 }, 'https://www.dropbox.com/upload', 'xhr'), site);
    expect(updated.map((e) => e.file.name)).toEqual(['a.py']);
    const stored = (await events.recent(10)).find((e) => e.file.name === 'a.py')!;
    expect(stored.transfers).toEqual([expect.objectContaining({ host: 'www.dropbox.com', via: 'xhr', bytes: 10 })]);
    expect((await db.get('outbox', stored.id))?.event.transfers).toHaveLength(1);
    // Another tab cannot attach sends to these events.
    const other = await pipeline.sent(sentMessage('act-1', { name: 'b.csv', size: 5 }, 'https://evil.example/x', 'xhr'), {
      tab: { id: 2, url: 'https://evil.example/', title: '' },
      frameId: 0,
    });
    expect(other).toEqual([]);
  });

  it('a file picked on a trusted page and sent to an untrusted host is also an upload there, scored', async () => {
    const { d, events } = await deps({ trustedDomains: ['intranet.acme.example'] });
    const pipeline = createUploadPipeline(d);
    const [picked] = await pipeline.observed({ ...message, actionId: 'pick-1', channel: 'file_picker' }, intranet);
    expect(picked!.destination.trusted).toBe(true);
    const out = await pipeline.sent(sentMessage('pick-1', { name: 'a.py', size: 10 }, 'https://wetransfer.com/api/v4/transfers', 'xhr'), intranet);
    expect(out.map((e) => [e.id === picked!.id, e.channel, e.destination.serviceId ?? e.destination.host, e.destination.trusted])).toEqual([
      [true, 'file_picker', 'intranet.acme.example', true],
      [false, 'programmatic', 'wetransfer', false],
    ]);
    expect(out[1]).toMatchObject({ actionId: 'pick-1', trustedEvent: true, file: { name: 'a.py', category: picked!.file.category } });
    expect(out[1]!.risk.score).toBeGreaterThan(0);
    // A send to the trusted page itself changes nothing but the record.
    const same = await pipeline.sent(sentMessage('pick-1', { name: 'b.csv', size: 5 }, 'https://intranet.acme.example/api', 'fetch'), intranet);
    expect(same.map((e) => e.file.name)).toEqual(['b.csv']);
    expect(await events.recent(10)).toHaveLength(3);
  });
});
