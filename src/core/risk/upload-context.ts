/**
 * The history-dependent facts of one upload (a user action of one or more files), computed from
 * the history as read, before anything is written: off hours, first/rare use of each file's
 * destination, remote, the departing watchlist. Also returns what the upload changes in the
 * history (destination records, the moment to count as activity), for the caller to write in the
 * same transaction as the events: a failed store then records nothing.
 */
import { localTime, offHoursVerdict, type ActivityProfile, type LocalTime } from './activity';
import { destinationKey, nextDestinationUse, type DestinationRecord, type DestinationUse } from './destination-history';
import { remoteVerdict, type ClientIpReport } from './network';
import type { ScoringContext } from './score';
import type { HistorySettings } from './settings';

/** The history an upload is judged against, as read. */
export interface UploadHistory {
  activityProfile: ActivityProfile | null;
  clientIp: ClientIpReport | null;
  /** The stored record of each destination key the upload's files go to (absent: never used). */
  destinations: ReadonlyMap<string, DestinationRecord>;
}

export interface UploadContextOptions {
  now: number;
  /** The IANA zone of local time for off hours; the system's when undefined. */
  timeZone?: string;
  history: HistorySettings;
  inNetworkCidrs: readonly string[];
  departingWatchlist: boolean;
}

export interface UploadContext {
  /** One scoring context per file, in order. */
  contexts: ScoringContext[];
  /** The destination records after this upload, to store. */
  destinations: DestinationRecord[];
  /** This upload as activity (off hours was judged before it counted). */
  activity: LocalTime;
}

type DestinationFacts = { serviceId?: string; domain: string; host: string };

export function uploadContext(destinations: readonly DestinationFacts[], history: UploadHistory, options: UploadContextOptions): UploadContext {
  const { now } = options;
  const activity = localTime(now, options.timeZone);
  const offHours = offHoursVerdict(history.activityProfile ?? undefined, activity, options.history);
  const network = remoteVerdict(history.clientIp, now, options.inNetworkCidrs);
  // One file after another: a burst to a new destination sees its own first use.
  const records = new Map(history.destinations);
  const touched = new Set<string>();
  const uses: (DestinationUse | undefined)[] = destinations.map((destination) => {
    const key = destinationKey(destination);
    if (!key) return undefined;
    const next = nextDestinationUse(records.get(key), key, now, options.history);
    records.set(key, next.record);
    touched.add(key);
    return next.use;
  });
  const contexts = uses.map((use): ScoringContext => ({
    offHours: offHours.offHours,
    offHoursBasis: offHours.basis,
    ...(use !== undefined && { destinationUse: use }),
    rareWindowDays: options.history.rareWindowDays,
    ...(network.remote !== undefined && { remote: network.remote }),
    ...(network.unevaluated && { unevaluated: [network.unevaluated] }),
    departingWatchlist: options.departingWatchlist,
  }));
  return { contexts, destinations: [...touched].map((key) => records.get(key)!), activity };
}

/** The destination keys an upload's files need read, without repeats. */
export function destinationKeysOf(destinations: readonly DestinationFacts[]): string[] {
  return [...new Set(destinations.map(destinationKey).filter((k): k is string => k !== undefined))];
}
