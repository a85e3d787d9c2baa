/**
 * When settings sync runs: on start, after a managed-policy change, and on an alarm every
 * settingsSyncIntervalMinutes while the policy names a settingsSyncUrl.
 */
import { browser } from 'wxt/browser';
import type { RiskHistory } from './history';
import type { Runtime } from './runtime';
import { syncSettings } from './settings-sync';

/** Fetches synced settings every policy interval. */
export const SYNC_ALARM = 'settings-sync';

export function createSyncSchedule(rt: Runtime, deps: { history: () => Promise<RiskHistory>; onSettingsChanged: () => void }) {
  const run = async () => {
    const outcome = await syncSettings({
      db: await rt.db(),
      fetch: rt.deps.fetch,
      now: rt.deps.now,
      config: rt.config,
      onClientIp: async (ip) => (await deps.history()).setClientIp(ip, rt.deps.now()),
    });
    if (outcome === 'updated' || outcome === 'disabled') deps.onSettingsChanged();
  };

  return {
    run,
    /** (Re)schedules sync from the managed policy's URL and interval, and syncs now. */
    async schedule() {
      const { policy } = await rt.config();
      if (policy.settingsSyncUrl) {
        const period = policy.settingsSyncIntervalMinutes;
        await browser.alarms.create(SYNC_ALARM, { periodInMinutes: period, delayInMinutes: period });
      } else {
        await browser.alarms.clear(SYNC_ALARM);
      }
      await run();
    },
  };
}
