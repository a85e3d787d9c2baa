/**
 * The background service, the composition root: builds the parts (delivery, settings sync, views,
 * badge, downloads, the upload pipeline) on one shared runtime and exposes the listeners the
 * entrypoint registers. It holds no logic of its own beyond saying what each event sets off.
 */
import { browser } from 'wxt/browser';
import { uuidv7 } from 'uuidv7';
import { ACTIVITY_ALARM, ACTIVITY_PERIOD_MINUTES, sampleActivity } from './activity-sampler';
import { refreshBadge } from './badge';
import { createDelivery, RETRY_ALARM } from './delivery';
import { createDownloadTracker, type DownloadItemLike } from './downloads';
import { DOWNLOAD_RETENTION_MS, RiskHistory } from './history';
import { createFrameInjector } from './frame-injection';
import { injectObserver } from './platform';
import { createHeadJoin } from './late-heads';
import { createMessageRouter, type MessageSenderLike } from './messaging';
import { scoreClassified, storeScored, type PipelineDeps } from './pipeline';
import { createUploadPipeline } from './upload-queue';
import { allowUnheld, createResponder } from './response';
import { ResponseState } from './response-state';
import { createScriptMadeLimit } from './script-made-limit';
import { createContentModelBudgets } from './content-model';
import { forgetOldDownloads, pruneEvents } from './retention';
import { cached, createRuntime, type ServiceDeps } from './runtime';
import { createSyncSchedule, SYNC_ALARM } from './sync-schedule';
import { UploadStore } from './upload-store';
import { createViews } from './views';
import { EventStore } from './event-store';

export { ACTIVITY_ALARM, RETRY_ALARM, SYNC_ALARM };

/** How far back a starting worker looks for downloads no event announced (it slept or was replaced). */
const CATCH_UP_ON_START_MS = 15 * 60_000;

export interface BackgroundService {
  onMessage: (message: unknown, sender: MessageSenderLike) => Promise<unknown> | undefined;
  onAlarm: (alarm: { name: string }) => void;
  onManagedChanged: () => void;
  onDownloadCreated: (item: DownloadItemLike) => void;
  onDownloadChanged: (delta: { id: number; state?: { current?: string } }) => void;
  onInstalled: () => void;
  start: () => Promise<void>;
  /** For tests: settles when queued work (flushes, badge updates) is done. */
  idle: () => Promise<void>;
}

export function createBackgroundService(overrides: Partial<ServiceDeps> = {}): BackgroundService {
  const rt = createRuntime({
    fetch: (...args) => fetch(...args),
    now: Date.now,
    random: Math.random,
    newId: uuidv7,
    ...overrides,
  });
  const history = async () => new RiskHistory(await rt.db(), rt.deps.timeZone);
  const delivery = createDelivery(rt, history);
  const views = createViews(rt, delivery);
  const badge = () => refreshBadge(rt);
  const sync = createSyncSchedule(rt, { history, onSettingsChanged: () => configChanged('synced') });

  /**
   * The one place the cached configuration is dropped, and what follows when one of its layers
   * changed: the badge shows new policy errors, retention applies at once, and a new managed
   * policy may move the backend or the sync URL.
   */
  const configChanged = (layer: 'managed' | 'synced') => {
    rt.invalidateConfig();
    rt.track(badge());
    rt.track(pruneEvents(rt));
    if (layer === 'managed') {
      rt.track(sync.schedule());
      rt.track(delivery.flush(true));
    }
  };

  const downloads = createDownloadTracker({
    history,
    destinationOptions: async () => (await rt.config()).destinationOptions,
    activeTabUrl: async () => (await browser.tabs.query({ active: true, lastFocusedWindow: true }))[0]?.url,
    search: async (id) => (await browser.downloads.search({ id }))[0] as DownloadItemLike | undefined,
    startedAfter: async (time) => (await browser.downloads.search({ startedAfter: new Date(time).toISOString() })) as DownloadItemLike[],
    now: rt.deps.now,
  });

  const scriptMadeLimit = createScriptMadeLimit();
  const contentModel = createContentModelBudgets();
  const pipelineDeps = cached(async (): Promise<PipelineDeps> => ({
    config: rt.config,
    device: rt.device,
    store: new UploadStore(await rt.db(), await history(), await delivery.outbox()),
    newId: rt.deps.newId,
    now: rt.deps.now,
    ...(rt.deps.timeZone !== undefined && { timeZone: rt.deps.timeZone }),
    scriptMadeLimit,
    contentModel,
    afterStore: () => {
      rt.track(badge());
      rt.track(delivery.flush());
    },
  })).get;
  // One pipeline per worker: it runs uploads one after another.
  const pipeline = cached(async () => createUploadPipeline(await pipelineDeps())).get;
  const responder = createResponder({
    config: rt.config,
    now: rt.deps.now,
    state: async () => new ResponseState(await rt.db()),
    inTurn: async (work) => (await pipeline()).inTurn(work),
    held: async (message, sender, work) => {
      const uploads = await pipeline();
      const reply = uploads.held(message, sender, work);
      // Scored and stored in turn, after the reply: idle() (tests, shutdown) waits for that turn too.
      rt.track(uploads.inTurn(async () => undefined));
      return reply;
    },
    score: async (upload) => scoreClassified(upload, await pipelineDeps()),
    store: async (scored) => storeScored(scored, await pipelineDeps()),
    readStored: async (ids) => {
      const db = await rt.db();
      return (await Promise.all(ids.map((id) => db.get('events', id)))).filter((e) => e !== undefined);
    },
    updateStored: async (events) => {
      await new EventStore(await rt.db()).add(events);
      const outbox = await delivery.outbox();
      for (const event of events) await outbox.replaceQueued(event);
      rt.track(delivery.flush());
    },
  });

  const lateHeads = createHeadJoin();
  const injectFrames = createFrameInjector({ inject: injectObserver });
  const onMessage = createMessageRouter({
    extensionId: browser.runtime.id,
    extensionOrigin: browser.runtime.getURL('/'),
    content: {
      'upload/observed': async (observed, sender) => {
        // The history is read while the heads are on their way (pipeline.ts, readAhead).
        const ahead = observed.headsFollow && !observed.hold ? (await pipeline()).readAhead(observed, sender) : undefined;
        const message = await lateHeads.complete(observed, sender);
        if (message.hold && (await responder.plan(sender)).hold) return responder.observed(message, sender);
        // Not held, or sent held before the frame knew its plan (a file that came with no sign before it:
        // the observation goes out at once instead of waiting for the plan) on a page where no rule can
        // apply: a plain observation, no response recorded, and the page may have the files.
        const accepted = (await (await pipeline()).observed(message, sender, ahead)).length;
        return message.hold ? allowUnheld(message.actionId) : { accepted };
      },
      'upload/heads': async (message, sender) => ({ joined: lateHeads.heads(message, sender) }),
      'upload/sent': async (message, sender) => ({ updated: (await (await pipeline()).sent(message, sender)).length }),
      'response/plan': (_message, sender) => responder.plan(sender),
      'upload/outcome': (message, sender) => responder.outcome(message, sender),
      // Only the top frame's observer asks, for frames of its own tab.
      'frames/observe': async (message, sender) => {
        if (sender.tab?.id === undefined || sender.frameId !== 0) return { injected: false };
        await injectFrames(sender.tab.id, message.frameId);
        return { injected: true };
      },
    },
    page: {
      'popup/get-state': (message) => views.popup(message),
      'options/get-state': () => views.options(),
      'options/requeue-dead-letters': async () => ({ requeued: await delivery.requeueDeadLetters() }),
      'popup/seen': async () => {
        await views.popupSeen();
        await badge();
        return { ok: true };
      },
    },
  });

  return {
    onMessage,
    onAlarm(alarm) {
      if (alarm.name === RETRY_ALARM) rt.track(delivery.flush());
      if (alarm.name === ACTIVITY_ALARM) {
        rt.track(history().then((h) => sampleActivity(rt, h)));
        rt.track(pruneEvents(rt));
        // Warnings nobody answered (tab closed) are stored as warned: nothing held is lost.
        rt.track(responder.sweep());
      }
      if (alarm.name === SYNC_ALARM) rt.track(sync.run());
    },
    onDownloadCreated(item) {
      rt.track(downloads.onCreated(item));
    },
    onDownloadChanged(delta) {
      rt.track(downloads.onChanged(delta));
    },
    onInstalled() {
      // On install or update, the downloads the browser still lists give their provenance too.
      rt.track(downloads.catchUp(rt.deps.now() - DOWNLOAD_RETENTION_MS));
    },
    onManagedChanged() {
      configChanged('managed');
    },
    async start() {
      rt.track(browser.alarms.create(ACTIVITY_ALARM, { periodInMinutes: ACTIVITY_PERIOD_MINUTES }));
      rt.track(history().then((h) => sampleActivity(rt, h)));
      rt.track(history().then((h) => forgetOldDownloads(rt, h)));
      // Downloads that ended while no listener was registered (the worker was starting).
      rt.track(downloads.catchUp(rt.deps.now() - CATCH_UP_ON_START_MS));
      rt.track(sync.schedule());
      rt.track(badge());
      rt.track(delivery.flush(true));
      rt.track(responder.sweep());
    },
    idle: rt.idle,
  };
}
