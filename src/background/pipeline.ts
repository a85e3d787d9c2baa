/**
 * The upload pipeline: a validated observation from a content script → one scored, stored and
 * queued event per file. URL, title and frame come from the browser-stamped sender only.
 *
 * Compute first, then write: every file is classified, the history is read once, the events are
 * scored as pure functions of what was read (core/risk/upload-context, core/build-event), and
 * only then are events, history and outbox entries written, in one transaction.
 */
import { assembleFileEvent, classifyObservedFile } from '../core/build-event';
import type { EffectiveConfig } from '../core/effective-config';
import { base64ToBytes } from '../core/encoding/base64';
import { destinationKeysOf, uploadContext } from '../core/risk/upload-context';
import type { FileEvent } from '../core/schema/event';
import { SEVERITIES } from '../core/schema/identifiers';
import type { UploadObserved } from '../core/schema/messages';
import type { UploadStore } from './upload-store';

/** The parts of runtime.MessageSender the pipeline trusts. */
export interface StampedSender {
  tab?: { url?: string | undefined; title?: string | undefined } | undefined;
  frameId?: number | undefined;
  url?: string | undefined;
}

export interface PipelineDeps {
  config: () => Promise<EffectiveConfig>;
  device: () => Promise<FileEvent['device']>;
  store: UploadStore;
  newId: () => string;
  now: () => number;
  /** The zone of local time for off hours; the system's when undefined. */
  timeZone?: string;
  /** Called after events are stored (badge, forwarding). */
  afterStore: (events: FileEvent[]) => void;
}

export async function processUpload(message: UploadObserved, sender: StampedSender, deps: PipelineDeps): Promise<FileEvent[]> {
  const [config, device] = await Promise.all([deps.config(), deps.device()]);
  const { policy } = config;
  const now = deps.now();
  const observedAt = new Date(now).toISOString();
  const tab = { url: sender.tab?.url, title: sender.tab?.title };
  const frameUrl = sender.frameId !== undefined && sender.frameId !== 0 ? sender.url : undefined;

  const files = message.files.map(({ headBase64, ...file }) => ({ ...file, head: base64ToBytes(headBase64) }));
  const classified = await Promise.all(files.map((file) => classifyObservedFile({ file, tab, frameUrl, destinationOptions: config.destinationOptions })));
  const destinations = classified.map((c) => c.destination);
  const facts = await deps.store.read(destinationKeysOf(destinations), files, now);
  const upload = uploadContext(destinations, facts, {
    now,
    timeZone: deps.timeZone,
    history: config.settings.history,
    inNetworkCidrs: policy.inNetworkCidrs,
    departingWatchlist: config.departingWatchlist,
  });
  const events = files.map((file, i) =>
    assembleFileEvent(
      {
        id: deps.newId(),
        observedAt,
        actionId: message.actionId,
        channel: message.channel,
        trustedEvent: message.trustedEvent,
        file,
        tab,
        frameUrl,
        user: config.identity.email ? { email: config.identity.email } : {},
        device,
        destinationOptions: config.destinationOptions,
        keepUrlQuery: policy.keepUrlQuery,
        settings: config.settings,
        sources: facts.sources[i],
        context: upload.contexts[i]!,
      },
      classified[i]!,
    ),
  );

  const minimum = SEVERITIES.indexOf(policy.minimumSeverityToForward);
  const forward = events.filter((e) => SEVERITIES.indexOf(e.risk.severity) >= minimum);
  await deps.store.commit({ events, forward, destinations: upload.destinations, activity: upload.activity });
  deps.afterStore(events);
  return events;
}

/**
 * Uploads one after another: each reads the history the previous one wrote, so two tabs
 * uploading to a new destination at once agree on its first use.
 */
export function createUploadPipeline(deps: PipelineDeps): (message: UploadObserved, sender: StampedSender) => Promise<FileEvent[]> {
  let previous: Promise<unknown> = Promise.resolve();
  return (message, sender) => {
    const run = previous.catch(() => undefined).then(() => processUpload(message, sender, deps));
    previous = run;
    return run;
  };
}
