/** The popup's and the options page's state, read from the stores and shaped by core/view-models. */
import { effectiveConfig, type EffectiveConfig } from '../core/effective-config';
import type { OptionsState, PopupState } from '../core/schema/messages';
import { resolveLayer } from '../core/schema/policy-layers';
import { optionsState, popupEvents, popupState } from '../core/view-models';
import { readState, writeState, type Database } from './db';
import type { Delivery } from './delivery';
import { EventStore } from './event-store';
import type { Runtime } from './runtime';

/** The popup lists at most this many risky uploads, newest first. */
export const POPUP_EVENT_LIMIT = 50;

/**
 * The settings last in force, from what is stored (the last good managed policy and the synced
 * settings), without asking the browser for the managed policy: what the popup's first answer is
 * shaped by while that read is still pending. Policy errors wait for the real read.
 */
export async function lastKnownConfig(db: Database): Promise<EffectiveConfig> {
  const [lastGood, sync] = await Promise.all([readState(db, 'lastGoodPolicy'), readState(db, 'syncedSettings')]);
  return effectiveConfig(resolveLayer(lastGood, {}, 'managed').policy, [], resolveLayer(sync.values, {}, 'synced').policy, undefined, sync.user);
}

/**
 * The value of a promise that has already settled, else undefined: a pending one is not waited for.
 * Promise.race settles with the first of its settled inputs, in order, so the given promise must
 * come first and undecorated (a `.catch()` on it would be a new promise, pending one more tick).
 * A failed load counts as not loaded: the real read tries again.
 */
async function ifSettled<T>(promise: Promise<T>): Promise<T | undefined> {
  const pending = Symbol('pending');
  try {
    const first = await Promise.race([promise, Promise.resolve(pending)]);
    return first === pending ? undefined : (first as T);
  } catch {
    return undefined;
  }
}

export function createViews(rt: Runtime, delivery: Delivery) {
  return {
    /**
     * With `provisional`, answers at once: if the configuration is still loading (the browser's
     * first managed-policy read can take seconds after launch, issue 15 item 12), the stored events
     * come shaped by the last known settings, marked provisional, and the popup asks again.
     */
    async popup(request: { provisional?: boolean } = {}): Promise<PopupState> {
      const db = await rt.db();
      const current = rt.config();
      const settled = request.provisional ? await ifSettled(current) : await current;
      const config = settled ?? (await lastKnownConfig(db));
      const events = new EventStore(db);
      // Risky uploads, and uploads a response rule acted on whatever their score (a blocked upload may score 0).
      const [risky, recent, lastSeenAt, state] = await Promise.all([
        events.recent(POPUP_EVENT_LIMIT, 1),
        events.recent(POPUP_EVENT_LIMIT, 0),
        readState(db, 'popupLastSeenAt'),
        delivery.state(config),
      ]);
      const answer = popupState(config, { riskyEvents: popupEvents(risky, recent, POPUP_EVENT_LIMIT), lastSeenAt, delivery: state });
      return settled ? answer : { ...answer, provisional: true };
    },
    async options(): Promise<OptionsState> {
      const db = await rt.db();
      const [config, sync, state] = await Promise.all([rt.config(), readState(db, 'syncedSettings'), delivery.state()]);
      return optionsState(config, sync, state);
    },
    /** The person has seen the list: uploads before now are no longer new. */
    async popupSeen(): Promise<void> {
      await writeState(await rt.db(), 'popupLastSeenAt', rt.deps.now());
    },
  };
}
