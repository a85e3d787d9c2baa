/** The popup's and the options page's state, read from the stores and shaped by core/view-models. */
import type { OptionsState, PopupState } from '../core/schema/messages';
import { optionsState, popupEvents, popupState } from '../core/view-models';
import { readState, writeState } from './db';
import type { Delivery } from './delivery';
import { EventStore } from './event-store';
import type { Runtime } from './runtime';

/** The popup lists at most this many risky uploads, newest first. */
export const POPUP_EVENT_LIMIT = 50;

export function createViews(rt: Runtime, delivery: Delivery) {
  return {
    async popup(): Promise<PopupState> {
      const [db, config] = await Promise.all([rt.db(), rt.config()]);
      const events = new EventStore(db);
      // Risky uploads, and uploads a response rule acted on whatever their score (a blocked upload may score 0).
      const [risky, recent, lastSeenAt, state] = await Promise.all([
        events.recent(POPUP_EVENT_LIMIT, 1),
        events.recent(POPUP_EVENT_LIMIT, 0),
        readState(db, 'popupLastSeenAt'),
        delivery.state(),
      ]);
      return popupState(config, { riskyEvents: popupEvents(risky, recent, POPUP_EVENT_LIMIT), lastSeenAt, delivery: state });
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
