/** Samples whether the person is at the keyboard, for the learned off-hours profile. */
import { browser } from 'wxt/browser';
import type { RiskHistory } from './history';
import type { Runtime } from './runtime';

/** Samples activity (and runs local retention) every this many minutes. */
export const ACTIVITY_PERIOD_MINUTES = 5;
export const ACTIVITY_ALARM = 'activity-sample';

export async function sampleActivity(rt: Runtime, history: RiskHistory): Promise<void> {
  // "active" means input within the detection interval: a person at the keyboard.
  if ((await browser.idle.queryState(ACTIVITY_PERIOD_MINUTES * 60)) === 'active') await history.recordActivity(rt.deps.now());
}
