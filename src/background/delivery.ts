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

/** Retries a flush every minute while events wait (the outbox's own backoff decides what is due). */
export const RETRY_ALARM = 'outbox-retry';

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

  const flush = async (ignoreBackoff = false) => {
    const result = await (await getOutbox()).flush({ ignoreBackoff });
    if (result.remaining > 0) await browser.alarms.create(RETRY_ALARM, { periodInMinutes: 1 });
    else await browser.alarms.clear(RETRY_ALARM);
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
