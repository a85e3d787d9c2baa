/**
 * The upload pipeline: a validated observation from a content script → one scored, stored and
 * queued event per file. URL, title and frame come from the browser-stamped sender only.
 *
 * Compute first, then write: every file is classified, the history is read once (while the files
 * are classified: it needs only where they go, their names and sizes), the events are scored as
 * pure functions of what was read (core/risk/upload-context, core/build-event), and only then are
 * events, history and outbox entries written, in one transaction (upload-store.ts).
 */
import { assembleFileEvent, classifyObservedFile, type ClassifiedFile, type ObservedFileFacts } from '../core/build-event';
import { classifyDestination } from '../core/destinations/classify';
import type { FileVerdict } from '../core/files/classify';
import type { ContentModelBudgets } from '../core/files/content-model/budgets';
import type { EffectiveConfig } from '../core/effective-config';
import { base64ToBytes } from '../core/encoding/base64';
import { destinationKeysOf, uploadContext } from '../core/risk/upload-context';
import type { FileEvent, FileSource } from '../core/schema/event';
import { SEVERITIES } from '../core/schema/identifiers';
import type { UploadObserved, UploadSent } from '../core/schema/messages';
import { redactUrl } from '../core/build-event';
import type { LocalTime } from '../core/risk/activity';
import type { DestinationRecord } from '../core/risk/destination-history';
import type { ScriptMadeLimit } from './script-made-limit';
import type { UploadFacts, UploadStore } from './upload-store';

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
  /** The content model's per-action sessions; without them the text analysis decides. */
  contentModel?: ContentModelBudgets;
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

/**
 * Classifies and scores one observation without storing it: undefined when nothing in it is an
 * upload (script-made over the per-tab rate, or only small unnamed bodies).
 */
export async function scoreObserved(
  message: UploadObserved,
  sender: StampedSender,
  deps: PipelineDeps,
  readAhead?: Promise<Prefetched | undefined>,
): Promise<ScoredUpload | undefined> {
  const upload = await classifyObserved(message, sender, deps, true, readAhead);
  return upload && scoreClassified(upload, deps);
}

/** What a held upload's decision does: early, out of the pipeline's turn, or in it (createUploadPipeline's `held`). */
export interface HeldWork<T> {
  /** As soon as the files are classified: the reply now, or undefined to decide in turn. */
  early: (upload: ClassifiedUpload | undefined) => Promise<T | undefined>;
  decide: (scored: ScoredUpload | undefined) => Promise<{ reply: T; after?: Promise<unknown> }>;
}

/** An observation's files classified (what and where), before any history is read. */
export interface ClassifiedUpload {
  items: { file: ObservedFileFacts; classified: ClassifiedFile; sources: undefined }[];
  action: ActionFacts;
  where: { tab: { url?: string; title?: string }; frameUrl: string | undefined };
  now: number;
  early?: Prefetched;
}

/** What an observation says without its bytes: where its files go, and which of them count. */
export function placeOf(message: UploadObserved, sender: StampedSender, config: EffectiveConfig) {
  const tab = { url: sender.tab?.url, title: sender.tab?.title };
  const frameUrl = sender.frameId !== undefined && sender.frameId !== 0 ? sender.url : undefined;
  const receiverUrl = message.channel === 'programmatic' ? message.sentTo?.url : undefined;
  // Unnamed bodies sent by script count only from the policy's size: beacons and small posts are no uploads.
  const minAnonymous = config.policy.programmaticMinBytes ?? 0;
  const counted = message.files.filter((file) => !file.anonymous || file.size >= minAnonymous);
  // Every file of an observation goes to the same place.
  const destination = classifyDestination({ url: tab.url ?? '', title: tab.title, frameUrl, receiverUrl }, config.destinationOptions);
  return { tab, frameUrl, receiverUrl, counted, destination };
}

/**
 * The first half of scoreObserved: what the files are and where they go, which needs no history,
 * so it may run out of the pipeline's turn (a held upload's decision, response.ts). `readHistory`:
 * the history is read meanwhile (only in turn: out of it, it could miss the upload before), or
 * taken from `readAhead` (upload-queue.ts, valid in this turn) when it read the same files.
 */
export async function classifyObserved(
  message: UploadObserved,
  sender: StampedSender,
  deps: PipelineDeps,
  readHistory = false,
  readAhead?: Promise<Prefetched | undefined>,
): Promise<ClassifiedUpload | undefined> {
  const ahead = await readAhead?.catch(() => undefined);
  const now = ahead?.now ?? deps.now();
  if (!message.trustedEvent && deps.scriptMadeLimit && !deps.scriptMadeLimit.admit(sender.tab?.id, message.actionId, now)) {
    await deps.store.countScriptMadeDropped(message.files.length);
    return undefined;
  }
  const config = await deps.config();
  const { tab, frameUrl, receiverUrl, counted, destination } = placeOf(message, sender, config);
  const files = counted.map(({ headBase64, tailBase64, ...file }) => ({
    ...file,
    head: base64ToBytes(headBase64),
    ...(tailBase64 && { tail: base64ToBytes(tailBase64) }),
  }));
  if (files.length === 0) return undefined;
  const transfers = message.sentTo ? [transferOf(message.sentTo, new Date(now).toISOString(), config.policy.keepUrlQuery)] : undefined;
  // Where the files go does not depend on what they are: the history is read while they are
  // classified (the content model may run), not after.
  const early = readHistory ? (ahead?.files === filesKey(files) ? ahead : prefetch(deps, now, [destination], files)) : undefined;
  // One session per user action: the requests of this Promise.all run as one batch, within the action's budget.
  const contentModel = deps.contentModel?.sessionFor(message.actionId);
  const classified = await Promise.all(
    files.map((file) => classifyObservedFile({ file, tab, frameUrl, receiverUrl, destinationOptions: config.destinationOptions, contentModel })),
  );
  return {
    items: files.map((file, i) => ({ file, classified: classified[i]!, sources: undefined })),
    action: {
      actionId: message.actionId,
      channel: message.channel,
      trustedEvent: message.trustedEvent,
      bridged: message.bridged,
      tamper: message.tamper,
      transfers,
    },
    where: { tab, frameUrl },
    now,
    ...(early && { early }),
  };
}

/** The second half: the history read (in turn) and the events scored; nothing is written. */
export function scoreClassified(upload: ClassifiedUpload, deps: PipelineDeps): Promise<ScoredUpload> {
  const early =
    upload.early ??
    prefetch(
      deps,
      upload.now,
      upload.items.map((i) => i.classified.destination),
      upload.items.map((i) => i.file),
    );
  return score(upload.items, upload.action, upload.where, deps, early);
}

/** What scoring needs besides the verdicts, started before the files are classified. */
export interface Prefetched {
  now: number;
  keys: readonly string[];
  /** The files read for (filesKey). */
  files: string;
  facts: Promise<UploadFacts>;
  device: Promise<FileEvent['device']>;
}

type NamedFile = { name: string; size: number };
const filesKey = (files: readonly NamedFile[]) => JSON.stringify(files.map((f) => [f.name, f.size]));

export function prefetch(deps: PipelineDeps, now: number, destinations: Parameters<typeof destinationKeysOf>[0], files: readonly NamedFile[]): Prefetched {
  const keys = destinationKeysOf(destinations);
  const early = { now, keys, files: filesKey(files), facts: deps.store.read(keys, files, now), device: deps.device() };
  // Awaited by score(); if classifying throws first, a failed read must not surface as unhandled.
  early.facts.catch(() => undefined);
  early.device.catch(() => undefined);
  return early;
}

const sameKeys = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((key, i) => key === b[i]);

export async function processUpload(
  message: UploadObserved,
  sender: StampedSender,
  deps: PipelineDeps,
  readAhead?: Promise<Prefetched | undefined>,
): Promise<FileEvent[]> {
  const scored = await scoreObserved(message, sender, deps, readAhead);
  return scored ? storeScored(scored, deps) : [];
}

interface ActionFacts {
  actionId: string;
  channel: FileEvent['channel'];
  trustedEvent: boolean;
  bridged?: boolean;
  tamper?: readonly string[];
  transfers?: FileEvent['transfers'];
}

/** An upload scored and not yet stored: its events and the history it writes. */
export interface ScoredUpload {
  events: FileEvent[];
  destinations: readonly DestinationRecord[];
  activity: LocalTime;
}

/** Classified files of one action → scored events (nothing written yet). */
async function score(
  items: { file: ObservedFileFacts; classified: ClassifiedFile; sources: readonly FileSource[] | undefined }[],
  action: ActionFacts,
  where: { tab: { url?: string; title?: string }; frameUrl: string | undefined },
  deps: PipelineDeps,
  early?: Prefetched,
): Promise<ScoredUpload> {
  const [config, device] = await Promise.all([deps.config(), early?.device ?? deps.device()]);
  const { policy } = config;
  const now = early?.now ?? deps.now();
  const destinations = items.map((c) => c.classified.destination);
  const keys = destinationKeysOf(destinations);
  // The early read is of the same destinations (the same classifier on the same page): read again only if not.
  const facts =
    early && sameKeys(early.keys, keys)
      ? await early.facts
      : await deps.store.read(
          keys,
          items.map((i) => i.file),
          now,
        );
  const upload = uploadContext(destinations, facts, {
    now,
    timeZone: deps.timeZone,
    history: config.settings.history,
    inNetworkCidrs: policy.inNetworkCidrs,
    departingWatchlist: config.departingWatchlist,
  });
  const events = items.map(({ file, classified, sources }, i) =>
    assembleFileEvent(
      {
        id: deps.newId(),
        observedAt: new Date(now).toISOString(),
        ...action,
        file,
        tab: where.tab,
        frameUrl: where.frameUrl,
        user: config.identity.email ? { email: config.identity.email } : {},
        device,
        destinationOptions: config.destinationOptions,
        keepUrlQuery: policy.keepUrlQuery,
        settings: config.settings,
        sources: sources ?? facts.sources[i],
        context: upload.contexts[i]!,
      },
      classified,
    ),
  );
  return { events, destinations: upload.destinations, activity: upload.activity };
}

/**
 * Events forwarded: those at or above the policy's minimum severity, and every event a response
 * rule acted on (an admin who asked for a block or a warning wants to hear of it, whatever its score).
 */
export function forwardedOf(events: readonly FileEvent[], minimumSeverity: FileEvent['risk']['severity']): FileEvent[] {
  const minimum = SEVERITIES.indexOf(minimumSeverity);
  return events.filter((e) => SEVERITIES.indexOf(e.risk.severity) >= minimum || (e.response?.ruleId !== undefined && e.response.outcome !== 'allowed'));
}

/** Stores a scored upload in one transaction (events, history, outbox) and tells afterStore. */
export async function storeScored(scored: ScoredUpload, deps: PipelineDeps): Promise<FileEvent[]> {
  const { policy } = await deps.config();
  const { events } = scored;
  await deps.store.commit({
    events,
    forward: forwardedOf(events, policy.minimumSeverityToForward),
    destinations: scored.destinations,
    activity: scored.activity,
  });
  deps.afterStore(events);
  return events;
}

/** Classified files of one action → scored events, stored and queued together. */
async function scoreAndStore(...args: Parameters<typeof score>): Promise<FileEvent[]> {
  return storeScored(await score(...args), args[3]);
}

/** What a stored event says its file is, for scoring it again at another destination. */
function storedFile(event: FileEvent): { file: ObservedFileFacts; verdict: FileVerdict } {
  const f = event.file;
  return {
    file: { name: f.name, size: f.size, mimeType: f.mimeType, lastModified: f.lastModified, relativePath: f.relativePath, anonymous: f.anonymous },
    verdict: {
      extension: f.extension,
      categoryByExtension: f.categoryByExtension,
      categoryByContent: f.categoryByContent,
      category: f.category,
      ...(f.mimeByContent !== undefined && { mimeByContent: f.mimeByContent }),
      mismatch: f.mismatch,
      evidence: f.evidence ?? [],
    },
  };
}

/**
 * Files already reported for a user action (a pick, a drop) that the page then sent by script:
 * the send is recorded on their events (and on their outbox copies still waiting), no new event —
 * unless the send takes a file from a trusted destination to an untrusted one (below).
 */
export async function recordSend(message: UploadSent, sender: StampedSender, deps: PipelineDeps): Promise<FileEvent[]> {
  const config = await deps.config();
  const transfer = transferOf(message.sentTo, new Date(deps.now()).toISOString(), config.policy.keepUrlQuery);
  const updated = await deps.store.recordTransfer(message.actionId, message.files, transfer, sender.tab?.url);
  // The receiving host counts, and a trusted page never makes it trusted: a file picked on a
  // trusted page and sent to an untrusted host is also an upload there, scored as such. (The pick's
  // event may already be with the backend, which keeps the first version of an event id.)
  const tab = { url: sender.tab?.url, title: sender.tab?.title };
  const crossing = updated.flatMap((event) => {
    if (!event.destination.trusted) return [];
    const destination = classifyDestination(
      { url: tab.url ?? '', title: tab.title, frameUrl: event.destination.frameUrl, receiverUrl: message.sentTo.url },
      config.destinationOptions,
    );
    if (destination.trusted) return [];
    const { file, verdict } = storedFile(event);
    return [{ file, classified: { verdict, destination }, sources: event.sources }];
  });
  if (crossing.length === 0) return updated;
  const created = await scoreAndStore(
    crossing,
    { actionId: message.actionId, channel: 'programmatic', trustedEvent: updated[0]!.trustedEvent, transfers: [transfer] },
    { tab, frameUrl: sender.frameId !== undefined && sender.frameId !== 0 ? sender.url : undefined },
    deps,
  );
  return [...updated, ...created];
}
