/**
 * The history the user indicators need, kept in IndexedDB, outside uploads: the activity profile
 * (sampled), downloads (for the source indicator) and the client IP the backend saw. An upload's
 * own reads and writes are in upload-store.ts.
 */
import { localTime, recordActivity, emptyProfile } from '../core/risk/activity';
import { reportedClientIp } from '../core/risk/network';
import { baseName, downloadMatchKey, type DownloadRecord } from '../core/risk/sources';
import type { FileSource } from '../core/schema/event';
import { readState, writeState, type Database } from './db';

/** Downloads older than this are forgotten: provenance is about files handled recently. */
export const DOWNLOAD_RETENTION_MS = 90 * 86_400_000;

export class RiskHistory {
  constructor(
    private readonly db: Database,
    private readonly timeZone?: string,
  ) {}

  async recordActivity(now: number): Promise<void> {
    const profile = (await readState(this.db, 'activityProfile')) ?? emptyProfile();
    const next = recordActivity(profile, localTime(now, this.timeZone));
    if (next !== profile) await writeState(this.db, 'activityProfile', next);
  }

  /** Stores a client IP a backend reported; one that fails `reportedClientIp` changes nothing. */
  async setClientIp(clientIp: string, now: number): Promise<void> {
    const ip = reportedClientIp(clientIp);
    if (ip) await writeState(this.db, 'network', { clientIp: ip, reportedAt: now });
  }

  async recordDownload(record: DownloadRecord): Promise<void> {
    await this.db.put('downloads', { ...record, matchKey: downloadMatchKey(record.fileName, record.size) });
  }

  async download(id: string): Promise<DownloadRecord | undefined> {
    return this.db.get('downloads', id);
  }

  /** The sources of the most recent completed download with this base name and size. */
  async sourcesFor(fileName: string, size: number, now: number): Promise<FileSource[]> {
    return (await this.sourcesForAll([{ name: fileName, size }], now))[0]!;
  }

  /**
   * `sourcesFor` of each file, in order, read in one transaction (a folder's files each asked in a
   * transaction of their own made a thousand of them for a thousand files); files of the same base
   * name and size share one lookup.
   */
  async sourcesForAll(files: readonly { name: string; size: number }[], now: number): Promise<FileSource[][]> {
    if (files.length === 0) return [];
    const keys = files.map((f) => downloadMatchKey(baseName(f.name), f.size));
    const index = this.db.transaction('downloads').store.index('matchKey');
    const distinct = [...new Set(keys)];
    const found = await Promise.all(distinct.map((key) => index.getAll(key)));
    const byKey = new Map(distinct.map((key, i) => [key, latestSources(found[i]!, now)]));
    // A copy per file: two events never share one array.
    return keys.map((key) => [...byKey.get(key)!]);
  }

  async forgetDownloadsBefore(cutoff: number): Promise<void> {
    const tx = this.db.transaction('downloads', 'readwrite');
    for (let cursor = await tx.store.index('startedAt').openCursor(IDBKeyRange.upperBound(cutoff)); cursor; cursor = await cursor.continue()) {
      await cursor.delete();
    }
    await tx.done;
  }
}

function latestSources(matches: readonly DownloadRecord[], now: number): FileSource[] {
  const latest = matches
    .filter((d) => d.completedAt !== undefined && now - d.completedAt <= DOWNLOAD_RETENTION_MS)
    .sort((a, b) => b.completedAt! - a.completedAt!)[0];
  return latest?.sources ?? [];
}
