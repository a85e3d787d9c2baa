/**
 * The `user` block of the console's policy answer: who the answer was for and the watchlists that
 * user is on. Bounded, since it comes over the network; stored with the synced settings.
 */
import { z } from 'zod';

/** A watchlist id as the console names them (`departing`, `flight_risk`, admin-made ones). */
export const WatchlistId = z.string().regex(/^[a-z0-9_-]{1,64}$/);

export const SyncedUser = z.object({ email: z.string().max(320), watchlists: z.array(WatchlistId).max(64) });
export type SyncedUser = z.infer<typeof SyncedUser>;

/** Emails compare case-insensitively: the console and the browser profile may differ in case. */
export function sameEmail(a: string | undefined, b: string | undefined): boolean {
  return a?.toLowerCase() === b?.toLowerCase();
}
