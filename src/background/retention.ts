/** Local retention: events older than the policy's retentionDays, and downloads past their use for provenance. */
import { EventStore } from './event-store';
import { DOWNLOAD_RETENTION_MS, type RiskHistory } from './history';
import type { Runtime } from './runtime';

const DAY_MS = 86_400_000;

export async function pruneEvents(rt: Runtime): Promise<number> {
  const [db, config] = await Promise.all([rt.db(), rt.config()]);
  return new EventStore(db).pruneBefore(new Date(rt.deps.now() - config.policy.retentionDays * DAY_MS).toISOString());
}

export async function forgetOldDownloads(rt: Runtime, history: RiskHistory): Promise<void> {
  await history.forgetDownloadsBefore(rt.deps.now() - DOWNLOAD_RETENTION_MS);
}
