/**
 * The history the user indicators need, kept in IndexedDB: destination use, the activity profile,
 * downloads (for the source indicator) and the client IP the backend saw.
 */
import { localTime, offHoursVerdict, recordActivity, emptyProfile } from '../core/risk/activity';
import { DestinationRecord, destinationKey, nextDestinationUse, type DestinationUse } from '../core/risk/destination-history';
import { isRemote, reportedClientIp } from '../core/risk/network';
import type { ScoringContext, UnevaluatedIndicator } from '../core/risk/score';
import type { HistorySettings } from '../core/risk/settings';
import { baseName, downloadMatchKey, type DownloadRecord } from '../core/risk/sources';
import type { FileSource } from '../core/schema/event';
import { readState, writeState, type Database } from './db';

/** Downloads older than this are forgotten: provenance is about files handled recently. */
export const DOWNLOAD_RETENTION_MS = 90 * 86_400_000;
/** A client IP older than this is treated as unknown. */
const CLIENT_IP_MAX_AGE_MS = 24 * 3_600_000;

export class RiskHistory {
  constructor(
    private readonly db: Database,
    private readonly timeZone?: string,
  ) {}

  /** Reads and updates the destination's record in one transaction, so two tabs racing agree. */
  async destinationUse(destination: { serviceId?: string | undefined; domain: string; host: string }, now: number, settings: HistorySettings): Promise<DestinationUse | undefined> {
    const key = destinationKey(destination);
    if (!key) return undefined;
    const tx = this.db.transaction('destinations', 'readwrite');
    const parsed = DestinationRecord.safeParse(await tx.store.get(key));
    const { use, record } = nextDestinationUse(parsed.success ? parsed.data : undefined, key, now, settings);
    await tx.store.put(record);
    await tx.done;
    return use;
  }

  async recordActivity(now: number): Promise<void> {
    const profile = (await readState(this.db, 'activityProfile')) ?? emptyProfile();
    const next = recordActivity(profile, localTime(now, this.timeZone));
    if (next !== profile) await writeState(this.db, 'activityProfile', next);
  }

  async offHours(now: number, settings: HistorySettings): Promise<Pick<ScoringContext, 'offHours' | 'offHoursBasis'>> {
    const profile = await readState(this.db, 'activityProfile');
    const verdict = offHoursVerdict(profile ?? undefined, localTime(now, this.timeZone), settings);
    return { offHours: verdict.offHours, offHoursBasis: verdict.basis };
  }

  /** Stores a client IP a backend reported; one that fails `reportedClientIp` changes nothing. */
  async setClientIp(clientIp: string, now: number): Promise<void> {
    const ip = reportedClientIp(clientIp);
    if (ip) await writeState(this.db, 'network', { clientIp: ip, reportedAt: now });
  }

  async remote(now: number, cidrs: readonly string[]): Promise<{ remote?: boolean; unevaluated?: UnevaluatedIndicator }> {
    if (cidrs.length === 0) return {};
    const network = await readState(this.db, 'network');
    const known = network && now - network.reportedAt <= CLIENT_IP_MAX_AGE_MS ? network.clientIp : undefined;
    const remote = isRemote(known, cidrs);
    if (remote === undefined) {
      return { unevaluated: { id: 'remote', reason: known ? `client IP ${known} is not an IP address` : 'client IP unknown: the backend has not reported it yet' } };
    }
    return { remote };
  }

  async recordDownload(record: DownloadRecord): Promise<void> {
    await this.db.put('downloads', { ...record, matchKey: downloadMatchKey(record.fileName, record.size) });
  }

  async download(id: string): Promise<DownloadRecord | undefined> {
    return this.db.get('downloads', id);
  }

  /** The sources of the most recent completed download with this base name and size. */
  async sourcesFor(fileName: string, size: number, now: number): Promise<FileSource[]> {
    const matches = await this.db.getAllFromIndex('downloads', 'matchKey', downloadMatchKey(baseName(fileName), size));
    const latest = matches
      .filter((d) => d.completedAt !== undefined && now - d.completedAt <= DOWNLOAD_RETENTION_MS)
      .sort((a, b) => b.completedAt! - a.completedAt!)[0];
    return latest?.sources ?? [];
  }

  async forgetDownloadsBefore(cutoff: number): Promise<void> {
    const tx = this.db.transaction('downloads', 'readwrite');
    for (let cursor = await tx.store.index('startedAt').openCursor(IDBKeyRange.upperBound(cutoff)); cursor; cursor = await cursor.continue()) {
      await cursor.delete();
    }
    await tx.done;
  }
}
