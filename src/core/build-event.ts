/**
 * One observed file + where it was going + who/what observed it → the native file event
 * (docs/event-schema.md), classified and scored. Pure, in two steps, so the caller can look up
 * history by the destination before scoring: `classifyObservedFile` (what and where: needs only the
 * file and the tab) and `assembleFileEvent` (scored against history facts passed in as plain data).
 * Ids, clocks and history come in as data; nothing is read or written here.
 */
import { classifyDestination, type DestinationOptions, type DestinationResult } from './destinations/classify';
import { classifyFile, type FileVerdict } from './files/classify';
import type { ContentModelSession } from './files/content-model/session';
import type { FileEvent, FileSource } from './schema/event';
import type { Channel } from './schema/identifiers';
import { highestSource, scoreEvent, type ScoringContext } from './risk/score';
import type { RiskSettings } from './risk/settings';
import { LIMITS } from './schema/limits';

export interface ObservedFileFacts {
  name: string;
  size: number;
  mimeType: string;
  lastModified?: number;
  relativePath?: string;
  head?: Uint8Array;
  tail?: Uint8Array;
  anonymous?: boolean;
}

/** What classification needs: the file, and where it was going (from the browser-stamped sender, never from the page). */
export interface ClassifyInput {
  file: ObservedFileFacts;
  tab: { url?: string; title?: string };
  frameUrl?: string;
  /** For a file sent by script: the URL the request went to (the receiving host counts). */
  receiverUrl?: string;
  destinationOptions: DestinationOptions;
  /** The user action's content model session (batched and time-budgeted); without it the text analysis decides. */
  contentModel?: ContentModelSession;
}

export interface ClassifiedFile {
  verdict: FileVerdict;
  destination: DestinationResult;
}

export interface BuildEventInput extends ClassifyInput {
  id: string;
  observedAt: string;
  actionId?: string;
  channel: Channel;
  trustedEvent: boolean;
  /** Seen by the page hooks, not by a DOM event. */
  bridged?: boolean;
  tamper?: readonly string[];
  transfers?: FileEvent['transfers'];
  user: FileEvent['user'];
  device: FileEvent['device'];
  keepUrlQuery: boolean;
  settings: RiskSettings;
  /** The history-dependent facts (first use, off hours, remote…), as plain data. */
  context: ScoringContext;
  /** Where the file came from (downloads matched by name and size), in the order observed. */
  sources?: readonly FileSource[];
}

/**
 * Only what must leave the device (issue 15, item 6), for every URL an event carries: user-info
 * (`https://user:password@host/`) always goes; query strings and fragments, which often carry
 * tokens and personal data, go unless policy keeps them; a `data:` URL becomes its media type (the
 * rest is the file's content); a `file:` URL becomes its file name (the rest is the local path).
 */
export function redactUrl(raw: string | undefined, keepQuery: boolean): string {
  if (!raw) return '';
  return minimiseUrl(raw.trim(), keepQuery).slice(0, LIMITS.url);
}

const SCHEME = /^([a-z][a-z0-9+.-]*):/i;
/** `type/subtype`, RFC 2045 tokens. */
const MEDIA_TYPE = /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/i;

function minimiseUrl(raw: string, keepQuery: boolean): string {
  const scheme = SCHEME.exec(raw)?.[1]?.toLowerCase();
  if (scheme === 'data') {
    const type = raw
      .slice(5, 5 + 255)
      .split(/[;,]/, 1)[0]!
      .trim()
      .toLowerCase();
    return MEDIA_TYPE.test(type) ? `data:${type}` : 'data:';
  }
  if (scheme === 'file') {
    const path = raw.slice(5).replace(/[?#].*$/s, '');
    const name = path.slice(path.lastIndexOf('/') + 1);
    return `file:${name}`;
  }
  // blob:https://origin/uuid: minimise the origin inside.
  if (scheme === 'blob') return `blob:${minimiseUrl(raw.slice(5), keepQuery)}`;
  try {
    const url = new URL(raw);
    url.username = '';
    url.password = '';
    if (!keepQuery) {
      url.search = '';
      url.hash = '';
    }
    return url.href;
  } catch {
    // Not parseable: cut what a query or user-info could be by hand.
    const noUserInfo = raw.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/is, '$1');
    return keepQuery ? noUserInfo : noUserInfo.replace(/[?#].*$/s, '');
  }
}

/** What the file is and where it is going. Async only because the binary sniffer is; no I/O. */
export async function classifyObservedFile(input: ClassifyInput): Promise<ClassifiedFile> {
  const verdict = await classifyFile(
    { name: input.file.name, size: input.file.size, mimeType: input.file.mimeType, head: input.file.head, tail: input.file.tail },
    { contentModel: input.contentModel },
  );
  const destination = classifyDestination(
    { url: input.tab.url ?? '', title: input.tab.title, frameUrl: input.frameUrl, receiverUrl: input.receiverUrl },
    input.destinationOptions,
  );
  return { verdict, destination };
}

/** The event for a classified file, scored with the context handed in. Synchronous and pure. */
export function assembleFileEvent(input: BuildEventInput, { verdict, destination }: ClassifiedFile): FileEvent {
  const sources = input.sources ?? [];
  const risk = scoreEvent({ file: { name: input.file.name, ...verdict }, destination, sources }, input.settings, input.context);
  const source = highestSource(sources, input.settings);
  const frameUrl = input.frameUrl === undefined ? undefined : redactUrl(input.frameUrl, input.keepUrlQuery);
  return {
    id: input.id,
    schemaVersion: 1,
    observedAt: input.observedAt,
    channel: input.channel,
    trustedEvent: input.trustedEvent,
    ...(input.actionId !== undefined && { actionId: input.actionId }),
    ...(input.bridged && { bridged: true }),
    ...(input.tamper?.length && { tamper: input.tamper.slice(0, 16).map((t) => t.slice(0, 64)) }),
    ...(input.transfers?.length && { transfers: input.transfers.slice(0, 16).map((t) => ({ ...t, url: redactUrl(t.url, input.keepUrlQuery) })) }),
    user: input.user,
    device: input.device,
    file: {
      name: input.file.name.slice(0, LIMITS.fileName),
      extension: verdict.extension,
      size: input.file.size,
      mimeType: input.file.mimeType.slice(0, LIMITS.mimeType),
      ...(input.file.lastModified !== undefined && { lastModified: input.file.lastModified }),
      ...(input.file.relativePath ? { relativePath: input.file.relativePath.slice(0, LIMITS.relativePath) } : {}),
      categoryByExtension: verdict.categoryByExtension,
      categoryByContent: verdict.categoryByContent,
      category: verdict.category,
      ...(verdict.mimeByContent !== undefined && { mimeByContent: verdict.mimeByContent }),
      mismatch: verdict.mismatch,
      ...(input.file.anonymous && { anonymous: true }),
      evidence: verdict.evidence.slice(0, 10).map((e) => e.slice(0, 512)),
    },
    destination: {
      url: redactUrl(input.tab.url, input.keepUrlQuery),
      host: destination.host,
      domain: destination.domain,
      tabTitle: minimiseTitle(input.tab.title ?? '', input.tab.url, input.keepUrlQuery).slice(0, LIMITS.title),
      ...(frameUrl !== undefined && { frameUrl }),
      category: destination.category,
      ...(destination.serviceId !== undefined && { serviceId: destination.serviceId }),
      ...(destination.serviceName !== undefined && { serviceName: destination.serviceName }),
      trusted: destination.trusted,
    },
    ...(source && { source: minimiseSource(source) }),
    ...(sources.length > 0 && { sources: sources.slice(0, 16).map(minimiseSource) }),
    risk: {
      score: risk.score,
      severity: risk.severity,
      indicators: risk.indicators,
      settingsVersion: risk.settingsVersion,
      userFacts: risk.userFacts,
      ...(risk.unevaluated.length > 0 && { unevaluated: risk.unevaluated }),
    },
  };
}

/**
 * A page with no title of its own is titled with its address by the browser (a `data:` page's
 * title is its content): such a title is minimised like the address.
 */
function minimiseTitle(title: string, url: string | undefined, keepQuery: boolean): string {
  const trimmed = title.trim();
  if (/^(?:data|file|blob):/i.test(trimmed)) return redactUrl(trimmed, keepQuery);
  if (!url || trimmed === '') return title;
  // Chrome shows an untitled page by its address without the scheme and user-info.
  const shown = url.replace(/^[a-z][a-z0-9+.-]*:(?:\/\/)?/i, '').replace(/^[^/?#@]*@/, '');
  if (trimmed === url || trimmed === shown) return redactUrl(url, keepQuery);
  return title;
}

/** A download's address: where it came from matters, never who was signed in or what the query said. */
function minimiseSource(source: FileSource): FileSource {
  return { ...source, url: redactUrl(source.url, false) };
}

/** Classifies and assembles in one go, for callers whose context does not depend on the destination. */
export async function buildFileEvent(input: BuildEventInput): Promise<FileEvent> {
  return assembleFileEvent(input, await classifyObservedFile(input));
}
