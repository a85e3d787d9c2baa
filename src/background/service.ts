/**
 * The background service: builds the pipeline from its parts and exposes the listeners the
 * entrypoint registers. Everything is created lazily and re-created after the worker restarts;
 * no state lives only in memory.
 */
import { browser } from 'wxt/browser';
import { uuidv7 } from 'uuidv7';
import { backendTarget, type EffectiveConfig } from '../core/effective-config';
import type { DeliveryState, PopupState } from '../core/schema/messages';
import { badgeFor, deliveryState as deliveryView, optionsState, popupState as popupView } from '../core/view-models';
import { applyBadge } from './badge';
import { openDatabase, readState, writeState, type Database } from './db';
import { EventStore } from './event-store';
import { createMessageRouter, type MessageSenderLike } from './messaging';
import { gzipWithCompressionStream, Outbox } from './outbox';
import { createDownloadTracker, type DownloadItemLike } from './downloads';
import { DOWNLOAD_RETENTION_MS, RiskHistory } from './history';
import { processUpload } from './pipeline';
import { describeDevice, readManagedStorage, readProfileEmail } from './platform';
import { syncSettings } from './settings-sync';
import { loadEffectiveConfig } from './policy';

export const RETRY_ALARM = 'outbox-retry';
/** Samples whether the person is active, for the learned off-hours profile. */
export const ACTIVITY_ALARM = 'activity-sample';
/** Fetches synced settings every policy interval. */
export const SYNC_ALARM = 'settings-sync';
const ACTIVITY_PERIOD_MINUTES = 5;
const POPUP_EVENT_LIMIT = 50;

export interface BackgroundService {
  onMessage: (message: unknown, sender: MessageSenderLike) => Promise<unknown> | undefined;
  onAlarm: (alarm: { name: string }) => void;
  onManagedChanged: () => void;
  onDownloadCreated: (item: DownloadItemLike) => void;
  onDownloadChanged: (delta: { id: number; state?: { current?: string } }) => void;
  start: () => Promise<void>;
  /** For tests: settles when queued work (flushes, badge updates) is done. */
  idle: () => Promise<void>;
}

export function createBackgroundService(deps: { fetch?: typeof fetch; dbName?: string } = {}): BackgroundService {
  let dbPromise: Promise<Database> | undefined;
  let configPromise: Promise<EffectiveConfig> | undefined;
  let devicePromise: ReturnType<typeof describeDevice> | undefined;
  const pending = new Set<Promise<unknown>>();

  const db = () => (dbPromise ??= openDatabase(deps.dbName));
  const config = () =>
    (configPromise ??= db().then((d) => loadEffectiveConfig(d, readManagedStorage, readProfileEmail)).catch((err) => {
      configPromise = undefined;
      throw err;
    }));
  const device = () => (devicePromise ??= describeDevice());

  const track = (work: Promise<unknown>) => {
    const p = work.catch((err) => console.error('[upwatch]', err)).finally(() => pending.delete(p));
    pending.add(p);
  };

  const target = async () => backendTarget(await config());

  const history = async () => new RiskHistory(await db());

  let outbox: Outbox | undefined;
  const getOutbox = async () =>
    (outbox ??= new Outbox({
      db: await db(),
      fetch: deps.fetch ?? ((...args) => fetch(...args)),
      now: Date.now,
      random: Math.random,
      target,
      onClientIp: async (ip) => (await history()).setClientIp(ip, Date.now()),
      gzip: gzipWithCompressionStream,
    }));

  const downloads = createDownloadTracker({
    history,
    destinationOptions: async () => (await config()).destinationOptions,
    activeTabUrl: async () => (await browser.tabs.query({ active: true, lastFocusedWindow: true }))[0]?.url,
    search: async (id) => (await browser.downloads.search({ id }))[0] as DownloadItemLike | undefined,
    now: Date.now,
  });

  const runSync = async () => {
    const outcome = await syncSettings({
      db: await db(),
      fetch: deps.fetch ?? ((...args) => fetch(...args)),
      now: Date.now,
      config,
      onClientIp: async (ip) => (await history()).setClientIp(ip, Date.now()),
    });
    if (outcome === 'updated' || outcome === 'disabled') {
      configPromise = undefined;
      await refreshBadge();
    }
  };

  /** (Re)schedules sync from the managed policy's URL and interval, and syncs now. */
  const scheduleSync = async () => {
    const { policy } = await config();
    if (policy.settingsSyncUrl) {
      const period = policy.settingsSyncIntervalMinutes;
      await browser.alarms.create(SYNC_ALARM, { periodInMinutes: period, delayInMinutes: period });
    } else {
      await browser.alarms.clear(SYNC_ALARM);
    }
    await runSync();
  };

  const sampleActivity = async () => {
    // "active" means input within the detection interval: a person at the keyboard.
    if ((await browser.idle.queryState(ACTIVITY_PERIOD_MINUTES * 60)) === 'active') await (await history()).recordActivity(Date.now());
  };

  const refreshBadge = async () => {
    const d = await db();
    const lastSeen = await readState(d, 'popupLastSeenAt');
    const unseen = await new EventStore(d).countRiskySince(new Date(lastSeen).toISOString());
    await applyBadge(browser.action, badgeFor(unseen, (await config()).errors));
  };

  const flush = async (ignoreBackoff = false) => {
    const result = await (await getOutbox()).flush({ ignoreBackoff });
    if (result.remaining > 0) await browser.alarms.create(RETRY_ALARM, { periodInMinutes: 1 });
    else await browser.alarms.clear(RETRY_ALARM);
  };

  const deliveryState = async (): Promise<DeliveryState> => {
    const [d, cfg, outbox] = await Promise.all([db(), config(), getOutbox()]);
    const [status, stats, queued, deadLetters] = await Promise.all([
      readState(d, 'deliveryStatus'),
      readState(d, 'outboxStats'),
      outbox.depth(),
      outbox.deadLetterCount(),
    ]);
    return deliveryView(cfg, { queued, deadLetters, droppedTotal: stats.droppedTotal, lastSuccessAt: status.lastSuccessAt, lastError: status.lastError });
  };

  const popupState = async (): Promise<PopupState> => {
    const [d, cfg] = await Promise.all([db(), config()]);
    const [events, lastSeenAt, delivery] = await Promise.all([
      new EventStore(d).recent(POPUP_EVENT_LIMIT, 1),
      readState(d, 'popupLastSeenAt'),
      deliveryState(),
    ]);
    return popupView(cfg, { riskyEvents: events, lastSeenAt, delivery });
  };

  /** Local retention: events older than the policy's retentionDays are deleted. */
  const pruneEvents = async () => {
    const days = (await config()).policy.retentionDays;
    await new EventStore(await db()).pruneBefore(new Date(Date.now() - days * 86_400_000).toISOString());
  };

  const onMessage = createMessageRouter({
    extensionId: browser.runtime.id,
    extensionOrigin: browser.runtime.getURL('/'),
    content: {
      'upload/observed': async (message, sender) => {
        const events = await processUpload(message, sender, {
          config,
          device,
          events: new EventStore(await db()),
          outbox: await getOutbox(),
          history: await history(),
          newId: uuidv7,
          now: () => new Date(),
          afterStore: () => {
            track(refreshBadge());
            track(flush());
          },
        });
        return { accepted: events.length };
      },
    },
    page: {
      'popup/get-state': () => popupState(),
      'options/get-state': async () => optionsState(await config(), await readState(await db(), 'syncedSettings'), await deliveryState()),
      'options/requeue-dead-letters': async () => {
        const requeued = await (await getOutbox()).requeueDeadLetters();
        track(flush(true));
        return { requeued };
      },
      'popup/seen': async () => {
        await writeState(await db(), 'popupLastSeenAt', Date.now());
        await refreshBadge();
        return { ok: true };
      },
    },
  });

  return {
    onMessage,
    onAlarm(alarm) {
      if (alarm.name === RETRY_ALARM) track(flush());
      if (alarm.name === ACTIVITY_ALARM) {
        track(sampleActivity());
        track(pruneEvents());
      }
      if (alarm.name === SYNC_ALARM) track(runSync());
    },
    onDownloadCreated(item) {
      track(downloads.onCreated(item));
    },
    onDownloadChanged(delta) {
      track(downloads.onChanged(delta));
    },
    onManagedChanged() {
      configPromise = undefined;
      track(scheduleSync());
      track(pruneEvents());
      track(refreshBadge());
      track(flush(true));
    },
    async start() {
      track(browser.alarms.create(ACTIVITY_ALARM, { periodInMinutes: ACTIVITY_PERIOD_MINUTES }));
      track(sampleActivity());
      track(history().then((h) => h.forgetDownloadsBefore(Date.now() - DOWNLOAD_RETENTION_MS)));
      track(scheduleSync());
      track(refreshBadge());
      track(flush(true));
    },
    async idle() {
      while (pending.size > 0) await Promise.all([...pending]);
    },
  };
}
