/**
 * The PostgreSQL snapshot a search cursor carries (console/events/search.ts): the first page's
 * snapshot bounds every later page, because PostgreSQL commits identity values out of order.
 */
import { z } from 'zod';

/** In-progress transactions a cursor carries at most; a busier snapshot is narrowed (see compactSnapshot). */
const MAX_IN_PROGRESS = 16;

/**
 * A PostgreSQL snapshot (`xmin:xmax:xip,…`) written relative to its xmin so it fits in a cursor:
 * `xmin:xmax-xmin:offsets`. Checked on the way back in, so a tampered cursor is a 400.
 */
export const CompactSnapshot = z
  .string()
  .max(200)
  .regex(/^\d{1,19}:\d{1,19}:(\d{1,19}(,\d{1,19})*)?$/)
  .refine((x) => {
    const [, span, offsets] = x.split(':');
    const list = offsets ? offsets.split(',').map(BigInt) : [];
    return list.length <= MAX_IN_PROGRESS && list.every((o, i) => o < BigInt(span!) && (i === 0 || o > list[i - 1]!));
  });

/**
 * The snapshot, compacted. With more than MAX_IN_PROGRESS transactions in progress it is narrowed:
 * xmax moves down to the first in-progress transaction left out, so it sees a subset of what the
 * full one saw (events committed just before the first page may then wait for the next search),
 * and every page of the listing uses the same one.
 */
export function compactSnapshot(snapshot: string): string {
  const [xmin, xmax, xip] = snapshot.split(':') as [string, string, string];
  const base = BigInt(xmin);
  let end = BigInt(xmax);
  let inProgress = xip ? xip.split(',').map(BigInt) : [];
  if (inProgress.length > MAX_IN_PROGRESS) {
    end = inProgress[MAX_IN_PROGRESS]!;
    inProgress = inProgress.slice(0, MAX_IN_PROGRESS);
  }
  return `${base}:${end - base}:${inProgress.map((x) => x - base).join(',')}`;
}

/** The snapshot as PostgreSQL reads it (`::pg_snapshot`). */
export function pgSnapshot(compact: string): string {
  const [xmin, span, offsets] = compact.split(':') as [string, string, string];
  const base = BigInt(xmin);
  return `${base}:${base + BigInt(span)}:${
    offsets
      ? offsets
          .split(',')
          .map((o) => base + BigInt(o))
          .join(',')
      : ''
  }`;
}

/** The snapshot's xmin: every transaction below it had ended when the snapshot was taken. */
export const snapshotXmin = (compact: string): string => compact.split(':')[0]!;
