/**
 * The toolbar badge (core/view-models badgeFor), kept in step with unseen risky uploads, policy
 * errors and storage trouble.
 *
 * Refreshes run one after another, each reading the stores at its turn. Otherwise a refresh begun
 * before the popup marked everything seen (the worker's start-up count) could finish after the
 * popup's own refresh and put "999+" back for good (issue 15, item 10).
 */
import { browser } from 'wxt/browser';
import { badgeFor, type Badge } from '../core/view-models';
import type { StateValue } from './db';
import { EventStore } from './event-store';
import type { Runtime } from './runtime';
import { readStorageHealth } from './upload-store';

export interface BadgeApi {
  setBadgeText(details: { text: string }): Promise<void>;
  setBadgeBackgroundColor(details: { color: string }): Promise<void>;
  setTitle(details: { title: string }): Promise<void>;
}

export async function applyBadge(api: BadgeApi, badge: Badge): Promise<void> {
  await Promise.all([api.setBadgeText({ text: badge.text }), api.setBadgeBackgroundColor({ color: badge.color }), api.setTitle({ title: badge.title })]);
}

/** Storage trouble is current from a failed local write until the next one that succeeds. */
export function storageTrouble(health: StateValue<'storageHealth'>): string | undefined {
  if (health.lastErrorAt === undefined || (health.lastOkAt ?? 0) > health.lastErrorAt) return undefined;
  return health.lastError ?? 'local storage error';
}

/** "!" for storage trouble, unless policy errors already claim the badge. */
function storageBadge(trouble: string): Badge {
  return { text: '!', color: '#b00020', title: `Upwatch: storage trouble: ${trouble}`.slice(0, 300) };
}

/** The refresh in progress per runtime (one worker): the next one starts after it. */
const inTurn = new WeakMap<Runtime, Promise<void>>();
/** A refresh queued behind the one in progress and not started yet, per runtime and API. */
const waiting = new WeakMap<Runtime, Map<BadgeApi, Promise<void>>>();

/**
 * Shows the risky uploads since the popup was last opened (or "!" for policy errors or storage
 * trouble). A refresh asked while another waits to start shares it: that one reads the stores
 * after both asked (the twenty stores of a thousand-file folder made one refresh each).
 */
export function refreshBadge(rt: Runtime, api: BadgeApi = browser.action): Promise<void> {
  const queued = waiting.get(rt) ?? new Map<BadgeApi, Promise<void>>();
  waiting.set(rt, queued);
  const pending = queued.get(api);
  if (pending) return pending;
  const previous = inTurn.get(rt) ?? Promise.resolve();
  const next = previous
    .catch(() => undefined)
    .then(() => {
      queued.delete(api);
      return showBadge(rt, api);
    });
  queued.set(api, next);
  inTurn.set(rt, next);
  return next;
}

async function showBadge(rt: Runtime, api: BadgeApi): Promise<void> {
  const [db, config] = await Promise.all([rt.db(), rt.config()]);
  const [unseen, health] = await Promise.all([new EventStore(db).unseenRisky(), readStorageHealth(db)]);
  const trouble = storageTrouble(health);
  await applyBadge(api, trouble !== undefined && config.errors.length === 0 ? storageBadge(trouble) : badgeFor(unseen, config.errors));
}
