/**
 * Download provenance: every download the browser makes is recorded with its addresses (and the
 * tab the person was on), and classified with the catalog's source categories once complete.
 */
import { sourcesOfDownload, baseName, type DownloadRecord } from '../core/risk/sources';
import type { DestinationOptions } from '../core/destinations/classify';
import type { RiskHistory } from './history';

/** The fields of downloads.DownloadItem both browsers provide (Chrome adds finalUrl). */
export interface DownloadItemLike {
  id: number;
  url: string;
  finalUrl?: string;
  referrer?: string;
  filename: string;
  fileSize?: number;
  totalBytes?: number;
  startTime: string;
  endTime?: string;
  state?: string;
}

export interface DownloadTrackerDeps {
  history: () => Promise<RiskHistory>;
  destinationOptions: () => Promise<DestinationOptions>;
  activeTabUrl: () => Promise<string | undefined>;
  search: (id: number) => Promise<DownloadItemLike | undefined>;
  /** Downloads the browser knows that started after this time (downloads.search startedAfter). */
  startedAfter: (time: number) => Promise<DownloadItemLike[]>;
  now: () => number;
}

function recordOf(item: DownloadItemLike, previous: DownloadRecord | undefined, now: number): DownloadRecord {
  const size = item.fileSize !== undefined && item.fileSize >= 0 ? item.fileSize : Math.max(item.totalBytes ?? 0, 0);
  const startedAt = Date.parse(item.startTime);
  return {
    id: String(item.id),
    url: item.url,
    ...(item.finalUrl && { finalUrl: item.finalUrl }),
    ...(item.referrer && { referrer: item.referrer }),
    ...(previous?.tabUrl && { tabUrl: previous.tabUrl }),
    fileName: baseName(item.filename || previous?.fileName || ''),
    size,
    startedAt: Number.isFinite(startedAt) ? startedAt : (previous?.startedAt ?? now),
    ...(previous?.completedAt !== undefined && { completedAt: previous.completedAt }),
    sources: previous?.sources ?? [],
  };
}

export function createDownloadTracker(deps: DownloadTrackerDeps) {
  // Events of one download are handled in order: a "complete" must not be overwritten by the
  // slower handling of its own "created" (which waits for the active tab first).
  const queues = new Map<number, Promise<void>>();
  const inOrder = (id: number, work: () => Promise<void>): Promise<void> => {
    const next = (queues.get(id) ?? Promise.resolve()).catch(() => undefined).then(work);
    queues.set(id, next);
    return next.finally(() => {
      if (queues.get(id) === next) queues.delete(id);
    });
  };
  const tracker = {
    async onCreated(item: DownloadItemLike): Promise<void> {
      const history = await deps.history();
      const tabUrl = await deps.activeTabUrl().catch(() => undefined);
      const record = recordOf(item, undefined, deps.now());
      await history.recordDownload(tabUrl ? { ...record, tabUrl } : record);
    },
    async onChanged(delta: { id: number; state?: { current?: string } }): Promise<void> {
      const [history, item, options] = await Promise.all([deps.history(), deps.search(delta.id), deps.destinationOptions()]);
      if (!item) return;
      const now = deps.now();
      const previous = await history.download(String(delta.id));
      const record = recordOf(item, previous, now);
      const completedAt = item.endTime ? Date.parse(item.endTime) : now;
      const done = { ...record, completedAt: Number.isFinite(completedAt) ? completedAt : now };
      const sources = sourcesOfDownload(done, new Date(done.completedAt).toISOString(), options);
      await history.recordDownload({ ...done, sources });
    },
  };
  const api = {
    onCreated: (item: DownloadItemLike) => inOrder(item.id, () => tracker.onCreated(item)),
    onChanged: (delta: { id: number; state?: { current?: string } }) =>
      delta.state?.current === 'complete' ? inOrder(delta.id, () => tracker.onChanged(delta)) : Promise.resolve(),
    /**
     * Records the completed downloads no event told us about. A browser only wakes the worker for
     * listeners it has seen registered: a download that ends before the first run of a newly
     * installed (or updated) extension has registered them, or while the worker is being replaced,
     * is never announced. Run after the listeners exist, so every download is seen by one or the other.
     */
    async catchUp(since: number): Promise<void> {
      const [history, items] = await Promise.all([deps.history(), deps.startedAfter(since)]);
      for (const item of items) {
        if (item.state !== 'complete') continue;
        const known = await history.download(String(item.id));
        if (known?.completedAt === undefined) await api.onChanged({ id: item.id, state: { current: 'complete' } });
      }
    },
  };
  return api;
}
