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
import type { UploadObserved, UploadSent } from '../core/schema/messages';
import { redactUrl } from '../core/build-event';
import type { ScriptMadeLimit } from './script-made-limit';
import type { UploadStore } from './upload-store';

/** The parts of runtime.MessageSender the pipeline trusts. */
export interface StampedSender {
  tab?: { id?: number; url?: string; title?: string };
  frameId?: number;
  url?: string;
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
  /** Script-made events over the per-tab rate are dropped (and counted) before anything is read. */
  scriptMadeLimit?: ScriptMadeLimit;
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}

/** The send of a file by script, as recorded on its event. */
export function transferOf(sentTo: NonNullable<UploadObserved['sentTo']>, at: string, keepUrlQuery: boolean): NonNullable<FileEvent['transfers']>[number] {
  return { url: redactUrl(sentTo.url, keepUrlQuery), host: hostOf(sentTo.url).slice(0, 255), bytes: sentTo.bytes, via: sentTo.via, at };
}

export async function processUpload(message: UploadObserved, sender: StampedSender, deps: PipelineDeps): Promise<FileEvent[]> {
  const now = deps.now();
  if (!message.trustedEvent && deps.scriptMadeLimit && !deps.scriptMadeLimit.admit(sender.tab?.id, message.actionId, now)) {
    await deps.store.countScriptMadeDropped(message.files.length);
    return [];
  }
  const [config, device] = await Promise.all([deps.config(), deps.device()]);
  const { policy } = config;
  const observedAt = new Date(now).toISOString();
  const tab = { url: sender.tab?.url, title: sender.tab?.title };
  const frameUrl = sender.frameId !== undefined && sender.frameId !== 0 ? sender.url : undefined;

  // Unnamed bodies sent by script count only from the policy's size: beacons and small posts are no uploads.
  const minAnonymous = policy.programmaticMinBytes ?? 0;
  const files = message.files
    .filter((file) => !file.anonymous || file.size >= minAnonymous)
    .map(({ headBase64, ...file }) => ({ ...file, head: base64ToBytes(headBase64) }));
  if (files.length === 0) return [];
  const receiverUrl = message.channel === 'programmatic' ? message.sentTo?.url : undefined;
  const transfers = message.sentTo ? [transferOf(message.sentTo, observedAt, policy.keepUrlQuery)] : undefined;
  const classified = await Promise.all(
    files.map((file) => classifyObservedFile({ file, tab, frameUrl, receiverUrl, destinationOptions: config.destinationOptions })),
  );
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
        bridged: message.bridged,
        tamper: message.tamper,
        transfers,
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
 * Files already reported for a user action (a pick, a drop) that the page then sent by script:
 * the send is recorded on their events (and on their outbox copies still waiting), no new event.
 */
export async function recordSend(message: UploadSent, sender: StampedSender, deps: PipelineDeps): Promise<FileEvent[]> {
  const { policy } = await deps.config();
  const transfer = transferOf(message.sentTo, new Date(deps.now()).toISOString(), policy.keepUrlQuery);
  return deps.store.recordTransfer(message.actionId, message.files, transfer, sender.tab?.url);
}

/**
 * Uploads one after another: each reads the history the previous one wrote, so two tabs
 * uploading to a new destination at once agree on its first use; a send is recorded after the
 * upload it belongs to is stored.
 */
export function createUploadPipeline(deps: PipelineDeps) {
  let previous: Promise<unknown> = Promise.resolve();
  const queued = <T>(work: () => Promise<T>): Promise<T> => {
    const run = previous.catch(() => undefined).then(work);
    previous = run;
    return run;
  };
  return {
    observed: (message: UploadObserved, sender: StampedSender) => queued(() => processUpload(message, sender, deps)),
    sent: (message: UploadSent, sender: StampedSender) => queued(() => recordSend(message, sender, deps)),
  };
}
