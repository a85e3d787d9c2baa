/**
 * Delivery: the outbox bound to the configured backend, flushed after every upload, on start,
 * after a policy change and on a retry alarm while events wait; and the delivery state the popup
 * and the options page show.
 */
import { browser } from 'wxt/browser';
import { backendTarget, type EffectiveConfig } from '../core/effective-config';
import type { DeliveryState } from '../core/schema/messages';
import { deliveryState } from '../core/view-models';
import { readState } from './db';
import { browserHealth, storageState } from './delivery-health';
import type { RiskHistory } from './history';
import { gzipWithCompressionStream, Outbox } from './outbox';
import { cached, type Runtime } from './runtime';
import { readStorageHealth } from './upload-store';

/**
 * Retries a flush while events wait: first when the earliest is due (the outbox's backoff or the
 * backend's Retry-After), then every minute in case that flush was cut short (the worker stopped).
 */
export const RETRY_ALARM = 'outbox-retry';
/** Chrome fires an alarm no sooner than 30 s after it is set. */
const ALARM_MIN_MS = 30_000;
/**
 * Shorter waits (a 429 with Retry-After: 1) are timed in the worker, which lives about 30 s past
 * its last event: the alarm alone would hold them 30 s at least. The alarm stays behind it.
 */
const TIMER_MAX_MS = 25_000;

export function createDelivery(rt: Runtime, history: () => Promise<RiskHistory>) {
  // One outbox per worker: it runs one flush at a time.
  const getOutbox = cached(async () => {
    const db = await rt.db();
    const box: Outbox = new Outbox({
      db,
      fetch: rt.deps.fetch,
      now: rt.deps.now,
      random: rt.deps.random,
      target: async () => backendTarget(await rt.config()),
      onClientIp: async (ip) => (await history()).setClientIp(ip, rt.deps.now()),
      gzip: gzipWithCompressionStream,
      health: () => browserHealth({ db, outbox: box, now: rt.deps.now, device: rt.device, userEmail: async () => (await rt.config()).identity.email }),
    });
    return box;
  }).get;

  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = async (ignoreBackoff = false): Promise<void> => {
    const box = await getOutbox();
    const result = await box.flush({ ignoreBackoff });
    const next = result.remaining > 0 ? await box.nextAttemptAt() : undefined;
    clearTimeout(timer);
    timer = undefined;
    if (next === undefined) return browser.alarms.clear(RETRY_ALARM).then(() => undefined);
    // Entries due now were not sent (no backend, or it failed mid-queue): the alarm, not a loop of timers.
    const wait = next - rt.deps.now();
    if (wait > 0 && wait <= TIMER_MAX_MS) timer = setTimeout(() => rt.track(flush()), wait);
    await browser.alarms.create(RETRY_ALARM, { when: Date.now() + Math.max(wait, ALARM_MIN_MS), periodInMinutes: 1 });
  };

  return {
    outbox: getOutbox,
    flush,
    /** Puts the events the backend refused back in the queue and sends them now. */
    async requeueDeadLetters(): Promise<number> {
      const requeued = await (await getOutbox()).requeueDeadLetters();
      rt.track(flush(true));
      return requeued;
    },
    /** `known` is a configuration to shape it by instead of waiting for the current one (the popup's first answer). */
    async state(known?: EffectiveConfig): Promise<DeliveryState> {
      const [db, config, box] = await Promise.all([rt.db(), known ?? rt.config(), getOutbox()]);
      const [status, stats, queued, deadLetters, letter, storage] = await Promise.all([
        readState(db, 'deliveryStatus'),
        readState(db, 'outboxStats'),
        box.depth(),
        box.deadLetterCount(),
        box.deadLetterSummary(),
        readStorageHealth(db),
      ]);
      return {
        ...deliveryState(config, { queued, deadLetters, droppedTotal: stats.droppedTotal, lastSuccessAt: status.lastSuccessAt, lastError: status.lastError }),
        scriptMadeDropped: stats.scriptMadeDroppedTotal,
        ...(letter && deadLetters > 0 && { deadLetterOldestAt: letter.oldestAt }),
        storage: storageState(storage),
      };
    },
  };
}

export type Delivery = ReturnType<typeof createDelivery>;
