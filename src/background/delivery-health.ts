/**
 * How this browser's delivery stands, in the two shapes it is shown in: the popup's and options
 * page's (DeliveryState.storage) and the console's (BrowserHealth, sent with native batches).
 * Storage trouble and dead letters are the two things a person or an admin must act on
 * (issue 15, items 3 and 4).
 */
import type { BrowserHealth, FileEvent } from '../core/schema/event';
import type { DeliveryState } from '../core/schema/messages';
import { storageTrouble } from './badge';
import { readState, writeState, type Database, type StateValue } from './db';
import type { Outbox } from './outbox';
import { readStorageHealth } from './upload-store';

/** Storage trouble as the popup and the options page show it. */
export function storageState(health: StateValue<'storageHealth'>): NonNullable<DeliveryState['storage']> {
  const trouble = storageTrouble(health);
  return {
    ...(trouble !== undefined && {
      trouble,
      ...(health.lastErrorAt !== undefined && { troubleSince: health.lastErrorAt }),
      ...(health.queueFailed && { queueFailed: true }),
    }),
    notKeptLocally: health.notKeptLocally,
    prunedForSpace: health.prunedForSpace,
  };
}

/** This browser's random id, made on first use and kept. */
export async function browserIdOf(db: Database, newId: () => string = () => crypto.randomUUID()): Promise<string> {
  const stored = await readState(db, 'browserId');
  if (stored !== null) return stored;
  const id = newId();
  await writeState(db, 'browserId', id);
  return id;
}

const iso = (ms: number) => new Date(ms).toISOString();

export interface HealthSources {
  db: Database;
  outbox: Outbox;
  now: () => number;
  device: () => Promise<FileEvent['device']>;
  userEmail: () => Promise<string | undefined>;
}

/** The health sent to the console: counts and short error texts, never an event or the token. */
export async function browserHealth(sources: HealthSources): Promise<BrowserHealth> {
  const { db, outbox } = sources;
  const [browserId, device, email, storage, deadLetters, deadLetter, queued] = await Promise.all([
    browserIdOf(db),
    sources.device(),
    sources.userEmail(),
    readStorageHealth(db),
    outbox.deadLetterCount(),
    outbox.deadLetterSummary(),
    outbox.depth(),
  ]);
  const shown = storageState(storage);
  return {
    browserId,
    reportedAt: iso(sources.now()),
    user: email !== undefined ? { email } : {},
    device,
    storage: {
      ...(shown.trouble !== undefined && { trouble: shown.trouble.slice(0, 500) }),
      ...(shown.troubleSince !== undefined && { troubleSince: iso(shown.troubleSince) }),
      ...(shown.queueFailed && { queueFailed: true }),
      notKeptLocally: shown.notKeptLocally,
      prunedForSpace: shown.prunedForSpace,
    },
    deadLetters: {
      count: deadLetters,
      ...(deadLetter && deadLetters > 0 && { oldestAt: iso(deadLetter.oldestAt), lastError: deadLetter.lastError.slice(0, 500) }),
    },
    queued,
  };
}
