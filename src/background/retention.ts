/**
 * Local retention: events older than the policy's retentionDays or beyond the local cap, dead
 * letters past their age or cap, and downloads past their use for provenance. Nothing here grows
 * without bound (issue 15, item 3).
 */
import { EventStore } from './event-store';
import { DOWNLOAD_RETENTION_MS, type RiskHistory } from './history';
import { OutboxQueue, DEFAULT_OUTBOX_LIMITS } from './outbox-queue';
import type { Runtime } from './runtime';

const DAY_MS = 86_400_000;

/** At most this many events stay in the local history, however young: the oldest go first. */
export const LOCAL_EVENT_CAP = 50_000;

/** Dead letters wait this long for new backend settings or a resend, then count as dropped. */
export const DEAD_LETTER_MAX_AGE_MS = 30 * DAY_MS;
export const DEAD_LETTER_CAP = 5_000;

/** Applies retention to the local history and the dead letters; returns how many events were removed. */
export async function pruneEvents(rt: Runtime): Promise<number> {
  const [db, config] = await Promise.all([rt.db(), rt.config()]);
  const now = rt.deps.now();
  const events = new EventStore(db);
  const removed = (await events.pruneBefore(new Date(now - config.policy.retentionDays * DAY_MS).toISOString())) + (await events.keepAtMost(LOCAL_EVENT_CAP));
  await new OutboxQueue(db, DEFAULT_OUTBOX_LIMITS).expireDeadLetters(now - DEAD_LETTER_MAX_AGE_MS, DEAD_LETTER_CAP);
  return removed;
}

export async function forgetOldDownloads(rt: Runtime, history: RiskHistory): Promise<void> {
  await history.forgetDownloadsBefore(rt.deps.now() - DOWNLOAD_RETENTION_MS);
}
