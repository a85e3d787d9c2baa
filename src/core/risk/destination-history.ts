/**
 * First and rare use of a destination. History is keyed by service id, else registrable domain.
 * A burst of uploads to a new destination inside the grouping window all carry first use (the
 * fifth file of a dump to WeTransfer is as much a first use as the first); rare use works the same.
 */
import { z } from 'zod';
import type { HistorySettings } from './settings';

export const DestinationRecord = z.object({
  key: z.string().min(1).max(300),
  firstUsedAt: z.number(),
  lastUsedAt: z.number(),
  /** When the current first-use or rare-use burst began, and which it is. */
  burstStartedAt: z.number().optional(),
  burstKind: z.enum(['first', 'rare']).optional(),
  uploads: z.number().int().nonnegative(),
});
export type DestinationRecord = z.infer<typeof DestinationRecord>;

export type DestinationUse = 'first' | 'rare' | 'known';

const MINUTE = 60_000;
const DAY = 86_400_000;

/** The history key: the catalog service when known (Gmail on any host), else the registrable domain. */
export function destinationKey(destination: { serviceId?: string; domain: string; host: string }): string | undefined {
  if (destination.serviceId) return `service:${destination.serviceId}`;
  if (destination.domain) return `domain:${destination.domain}`;
  return destination.host ? `host:${destination.host}` : undefined;
}

/** What this upload at `now` is for the destination, and the record to store afterwards. */
export function nextDestinationUse(
  record: DestinationRecord | undefined,
  key: string,
  now: number,
  settings: Pick<HistorySettings, 'groupingWindowMinutes' | 'rareWindowDays'>,
): { use: DestinationUse; record: DestinationRecord } {
  if (!record) {
    return { use: 'first', record: { key, firstUsedAt: now, lastUsedAt: now, burstStartedAt: now, burstKind: 'first', uploads: 1 } };
  }
  const touched = { ...record, lastUsedAt: Math.max(record.lastUsedAt, now), uploads: record.uploads + 1 };
  if (record.burstKind && record.burstStartedAt !== undefined && now - record.burstStartedAt <= settings.groupingWindowMinutes * MINUTE) {
    return { use: record.burstKind, record: touched };
  }
  if (now - record.lastUsedAt > settings.rareWindowDays * DAY) {
    return { use: 'rare', record: { ...touched, burstStartedAt: now, burstKind: 'rare' } };
  }
  const { burstStartedAt: _start, burstKind: _kind, ...known } = touched;
  return { use: 'known', record: known };
}
