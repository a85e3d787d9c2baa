/**
 * The upload pipeline: a validated observation from a content script → one scored, stored and
 * queued event per file. URL, title and frame come from the browser-stamped sender only.
 */
import { buildFileEvent } from '../core/build-event';
import { base64ToBytes } from '../core/encoding/base64';
import type { FileEvent } from '../core/schema/event';
import type { UploadObserved } from '../core/schema/messages';
import { SEVERITIES } from '../core/schema/identifiers';
import type { EventStore } from './event-store';
import type { RiskHistory } from './history';
import type { Outbox } from './outbox';
import type { EffectiveConfig } from '../core/effective-config';

/** The parts of runtime.MessageSender the pipeline trusts. */
export interface StampedSender {
  tab?: { url?: string | undefined; title?: string | undefined } | undefined;
  frameId?: number | undefined;
  url?: string | undefined;
}

export interface PipelineDeps {
  config: () => Promise<EffectiveConfig>;
  device: () => Promise<FileEvent['device']>;
  events: EventStore;
  outbox: Outbox;
  history: RiskHistory;
  newId: () => string;
  now: () => Date;
  /** Called after events are stored (badge, forwarding). */
  afterStore: (events: FileEvent[]) => void;
}

export async function processUpload(message: UploadObserved, sender: StampedSender, deps: PipelineDeps): Promise<FileEvent[]> {
  const [config, device] = await Promise.all([deps.config(), deps.device()]);
  const { policy } = config;
  const frameUrl = sender.frameId !== undefined && sender.frameId !== 0 ? sender.url : undefined;
  const observedAt = deps.now().toISOString();
  const now = deps.now().getTime();
  const history = config.settings.history;
  // Off hours is judged before this upload counts as activity, so an upload cannot excuse itself.
  const [offHours, network] = await Promise.all([deps.history.offHours(now, history), deps.history.remote(now, policy.inNetworkCidrs)]);
  const events: FileEvent[] = [];
  // One file after another: a burst to a new destination must see its own first use.
  for (const file of message.files) {
    events.push(
      await buildFileEvent({
        id: deps.newId(),
        observedAt,
        actionId: message.actionId,
        channel: message.channel,
        trustedEvent: message.trustedEvent,
        file: { ...file, head: base64ToBytes(file.headBase64) },
        tab: { url: sender.tab?.url, title: sender.tab?.title },
        frameUrl,
        user: config.identity.email ? { email: config.identity.email } : {},
        device,
        destinationOptions: config.destinationOptions,
        keepUrlQuery: policy.keepUrlQuery,
        settings: config.settings,
        sources: await deps.history.sourcesFor(file.name, file.size, now),
        context: async ({ destination }) => ({
          ...offHours,
          destinationUse: await deps.history.destinationUse(destination, now, history),
          rareWindowDays: history.rareWindowDays,
          ...(network.remote !== undefined && { remote: network.remote }),
          ...(network.unevaluated && { unevaluated: [network.unevaluated] }),
          departingWatchlist: config.departingWatchlist,
        }),
      }),
    );
  }
  await deps.history.recordActivity(now);
  await deps.events.add(events);
  const minimum = SEVERITIES.indexOf(policy.minimumSeverityToForward);
  const toForward = events.filter((e) => SEVERITIES.indexOf(e.risk.severity) >= minimum);
  if (toForward.length > 0) await deps.outbox.enqueue(toForward);
  deps.afterStore(events);
  return events;
}
