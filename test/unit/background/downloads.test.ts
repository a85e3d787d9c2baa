import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/background/db';
import { createDownloadTracker, type DownloadItemLike } from '../../../src/background/downloads';
import { RiskHistory } from '../../../src/background/history';

let n = 0;

async function setup(item: DownloadItemLike, tabUrl?: string, listed: DownloadItemLike[] = [item]) {
  const history = new RiskHistory(await openDatabase(`downloads-test-${++n}`), 'UTC');
  const tracker = createDownloadTracker({
    history: async () => history,
    destinationOptions: async () => ({}),
    activeTabUrl: async () => tabUrl,
    search: async (id) => listed.find((d) => d.id === id),
    startedAfter: async (time) => listed.filter((d) => Date.parse(d.startTime) > time),
    now: () => Date.parse('2026-11-23T09:00:05Z'),
  });
  return { history, tracker };
}

const item: DownloadItemLike = {
  id: 42,
  url: 'https://wd5.myworkday.com/acme/export/payroll.xlsx',
  referrer: 'https://wd5.myworkday.com/acme/d/home.htmld',
  filename: '/home/ana/Downloads/payroll.xlsx',
  fileSize: 5120,
  startTime: '2026-11-23T09:00:00.000Z',
  endTime: '2026-11-23T09:00:02.000Z',
  state: 'complete',
};

describe('download provenance', () => {
  it('records a completed download with its sources, and matches an upload by name and size', async () => {
    const { history, tracker } = await setup(item, 'https://wd5.myworkday.com/acme/d/home.htmld');
    await tracker.onCreated({ ...item, filename: '', state: 'in_progress' });
    await tracker.onChanged({ id: 42, state: { current: 'complete' } });
    const now = Date.parse('2026-11-23T10:00:00Z');
    const sources = await history.sourcesFor('payroll.xlsx', 5120, now);
    expect(sources).toEqual([
      {
        category: 'hr',
        serviceId: 'workday',
        serviceName: 'Workday',
        url: 'https://wd5.myworkday.com/acme/d/home.htmld',
        acquiredAt: '2026-11-23T09:00:02.000Z',
      },
    ]);
    expect(await history.sourcesFor('payroll.xlsx', 5121, now)).toEqual([]);
    expect(await history.sourcesFor('C:\\Users\\ana\\payroll.xlsx', 5120, now)).toHaveLength(1);
    // A folder's files are looked up together, in order; names that share a download share its sources.
    const all = await history.sourcesForAll(
      [
        { name: 'notes.txt', size: 5120 },
        { name: 'payroll.xlsx', size: 5120 },
        { name: 'export/payroll.xlsx', size: 5120 },
      ],
      now,
    );
    expect(all.map((s) => s.length)).toEqual([0, sources.length, sources.length]);
    expect(all[1]).toEqual(sources);
    expect(all[1]).not.toBe(all[2]);
  });

  it('ignores downloads that are still running or were interrupted', async () => {
    const { history, tracker } = await setup(item);
    await tracker.onCreated(item);
    await tracker.onChanged({ id: 42, state: { current: 'interrupted' } });
    expect(await history.sourcesFor('payroll.xlsx', 5120, Date.parse('2026-11-23T10:00:00Z'))).toEqual([]);
  });

  it('records a download it only heard complete (the worker was asleep at its start)', async () => {
    const { history, tracker } = await setup(item);
    await tracker.onChanged({ id: 42, state: { current: 'complete' } });
    expect(await history.sourcesFor('payroll.xlsx', 5120, Date.parse('2026-11-23T10:00:00Z'))).toHaveLength(1);
  });

  it('forgets downloads older than 90 days', async () => {
    const { history, tracker } = await setup(item);
    await tracker.onChanged({ id: 42, state: { current: 'complete' } });
    expect(await history.sourcesFor('payroll.xlsx', 5120, Date.parse('2027-03-01T00:00:00Z'))).toEqual([]);
    await history.forgetDownloadsBefore(Date.parse('2026-12-01T00:00:00Z'));
    expect(await history.download('42')).toBeUndefined();
  });
});

describe('downloads no event announced', () => {
  const later: DownloadItemLike = { ...item, id: 43, filename: '/home/ana/Downloads/bonus.xlsx', fileSize: 77 };
  const running: DownloadItemLike = { ...item, id: 44, filename: '/home/ana/Downloads/big.iso', state: 'in_progress', endTime: undefined };
  const old: DownloadItemLike = { ...item, id: 45, filename: '/home/ana/Downloads/old.xlsx', startTime: '2026-11-01T00:00:00.000Z' };
  const now = Date.parse('2026-11-23T10:00:00Z');

  it('catching up records the completed downloads the browser lists since the given time, and only those', async () => {
    const { history, tracker } = await setup(item, undefined, [item, later, running, old]);
    await tracker.catchUp(Date.parse('2026-11-20T00:00:00Z'));
    expect((await history.sourcesFor('payroll.xlsx', 5120, now)).map((s) => s.serviceId)).toEqual(['workday']);
    expect(await history.sourcesFor('bonus.xlsx', 77, now)).toHaveLength(1);
    expect(await history.download('44')).toBeUndefined();
    expect(await history.download('45')).toBeUndefined();
  });

  it('catching up leaves a download it already recorded as it was', async () => {
    const { history, tracker } = await setup(item, 'https://wd5.myworkday.com/acme/d/home.htmld');
    await tracker.onCreated({ ...item, state: 'in_progress' });
    await tracker.onChanged({ id: 42, state: { current: 'complete' } });
    const before = await history.download('42');
    await tracker.catchUp(0);
    expect(await history.download('42')).toEqual(before);
    expect(before?.tabUrl).toBe('https://wd5.myworkday.com/acme/d/home.htmld');
  });
});

describe('download events out of step', () => {
  it('keeps the completion when the "created" handling finishes last', async () => {
    let releaseTab: (url: string) => void = () => undefined;
    const history = new RiskHistory(await openDatabase(`downloads-race-${Date.now()}`), 'UTC');
    const tracker = createDownloadTracker({
      history: async () => history,
      destinationOptions: async () => ({}),
      activeTabUrl: () => new Promise<string>((resolve) => (releaseTab = resolve)),
      search: async () => item,
      startedAfter: async () => [item],
      now: () => Date.parse('2026-11-23T09:00:05Z'),
    });
    const created = tracker.onCreated({ ...item, state: 'in_progress' });
    const completed = tracker.onChanged({ id: 42, state: { current: 'complete' } });
    await new Promise((r) => setTimeout(r, 20)); // "created" is now waiting for the tab
    releaseTab('https://wd5.myworkday.com/acme/d/home.htmld');
    await Promise.all([created, completed]);
    const record = await history.download('42');
    expect(record?.completedAt).toBeDefined();
    expect(record?.tabUrl).toBe('https://wd5.myworkday.com/acme/d/home.htmld');
    expect(record?.sources.map((s) => s.serviceId)).toEqual(['workday']);
  });
});
