/** The native file event, schema version 1 (docs/architecture.md "Contracts"; every field: docs/event-schema.md). Extend it; never rename. */
import { z } from 'zod';
import { EventResponse } from './response';
import { Channel, DestinationCategory, FileCategory, IndicatorGroup, Severity, SourceCategory, UserIndicator } from './identifiers';

/** Where a file came from: a download from a known service, classified by its source category. */
export const FileSource = z.object({
  category: SourceCategory,
  serviceId: z.string().max(64).optional(),
  serviceName: z.string().max(128).optional(),
  url: z.string().max(8192),
  acquiredAt: z.iso.datetime({ offset: true }),
});
export type FileSource = z.infer<typeof FileSource>;

export const RiskIndicator = z.object({
  id: z.string().min(1).max(64),
  group: IndicatorGroup,
  weight: z.number().int().min(0).max(10),
  reason: z.string().max(500),
});
export type RiskIndicator = z.infer<typeof RiskIndicator>;

/** A send by script of the event's file: where the bytes went (issue 13: the receiving host counts). */
export const FileTransfer = z.object({
  url: z.string().max(8192),
  host: z.string().max(255),
  bytes: z.number().int().nonnegative(),
  via: z.enum(['fetch', 'xhr', 'beacon', 'websocket']),
  at: z.iso.datetime({ offset: true }),
});
export type FileTransfer = z.infer<typeof FileTransfer>;

export const FileEvent = z.object({
  id: z.uuid(),
  schemaVersion: z.literal(1),
  observedAt: z.iso.datetime({ offset: true }),
  channel: Channel,
  trustedEvent: z.boolean(),
  actionId: z.string().max(64).optional(),
  /** Seen by the page hooks (MAIN world), not by a DOM event: script-made, whatever the page claims. */
  bridged: z.boolean().optional(),
  /** Page hooks the page removed or restored to the native before this event (a tamper signal). */
  tamper: z.array(z.string().max(64)).max(16).optional(),
  /** Sends by script of this file (a picked file uploaded with XHR, a file sent in chunks). */
  transfers: z.array(FileTransfer).max(16).optional(),
  user: z.object({ email: z.string().max(320).optional(), id: z.string().max(256).optional() }),
  device: z.object({
    browser: z.string().max(64),
    browserVersion: z.string().max(64),
    os: z.string().max(64),
    extensionVersion: z.string().max(32),
  }),
  file: z.object({
    name: z.string().max(1024),
    extension: z.string().max(64),
    size: z.number().int().nonnegative(),
    mimeType: z.string().max(255),
    lastModified: z.number().optional(),
    relativePath: z.string().max(4096).optional(),
    categoryByExtension: FileCategory,
    categoryByContent: FileCategory,
    category: FileCategory,
    /** The MIME type the first bytes show (not the browser's guess from the name). */
    mimeByContent: z.string().max(255).optional(),
    mismatch: z.boolean(),
    /** A Blob or ArrayBuffer sent by script with no file name. */
    anonymous: z.boolean().optional(),
    /** Why the file got its categories: extension, content signals, mismatch. Never file contents. */
    evidence: z.array(z.string().max(512)).max(10).optional(),
  }),
  destination: z.object({
    url: z.string().max(8192),
    host: z.string().max(255),
    domain: z.string().max(255),
    tabTitle: z.string().max(2048),
    frameUrl: z.string().max(8192).optional(),
    category: DestinationCategory,
    serviceId: z.string().max(64).optional(),
    serviceName: z.string().max(128).optional(),
    trusted: z.boolean(),
  }),
  /** The source that counted: the highest-scoring one, ties to the first observed. */
  source: FileSource.optional(),
  /** Every source the file was traced to (downloads matched by name and size), in the order observed. */
  sources: z.array(FileSource).max(16).optional(),
  risk: z.object({
    score: z.number().int().nonnegative(),
    severity: Severity,
    indicators: z.array(RiskIndicator).max(64),
    settingsVersion: z.string().max(64),
    /** Every user indicator that applied, whatever its weight (what-if rescoring needs them). */
    userFacts: z.array(UserIndicator).max(16).optional(),
    /** User indicators that could not be evaluated, and why. */
    unevaluated: z
      .array(z.object({ id: UserIndicator, reason: z.string().max(512) }))
      .max(16)
      .optional(),
  }),
  /** What a response rule did (issue 14): absent when no rule applied and nothing was held. */
  response: EventResponse.optional(),
});
export type FileEvent = z.infer<typeof FileEvent>;

/**
 * How a browser's delivery stands, sent with each native batch (and alone, in a batch of no
 * events, when it changed): what the console shows per browser (issue 15, items 3 and 4).
 * Counts and short error texts only: never an event, a file name or the token.
 */
export const BrowserHealth = z.object({
  /** A random id the browser made for itself once, so the console tells one browser from another. */
  browserId: z.uuid(),
  reportedAt: z.iso.datetime({ offset: true }),
  user: z.object({ email: z.string().max(320).optional() }),
  device: FileEvent.shape.device,
  /** Trouble writing on the device (a full disk): local history is lost, events are still forwarded. */
  storage: z.object({
    /** Absent when the last local write succeeded. */
    trouble: z.string().max(500).optional(),
    troubleSince: z.iso.datetime({ offset: true }).optional(),
    /** The failed write was the browser's queue itself: those events were neither forwarded nor kept. */
    queueFailed: z.boolean().optional(),
    /** Events forwarded but not kept in the browser's own history, since installation. */
    notKeptLocally: z.number().int().nonnegative(),
    /** Old local events removed early to make room, since installation. */
    prunedForSpace: z.number().int().nonnegative(),
  }),
  /** Events the backend refused for good, waiting aside in the browser (sent again when the backend settings change). */
  deadLetters: z.object({
    count: z.number().int().nonnegative(),
    oldestAt: z.iso.datetime({ offset: true }).optional(),
    lastError: z.string().max(500).optional(),
  }),
  /** Events waiting in the browser's queue, this batch included. */
  queued: z.number().int().nonnegative(),
});
export type BrowserHealth = z.infer<typeof BrowserHealth>;

/** A native batch: `POST <backendUrl>` with this body. */
export const NativeBatch = z.object({
  events: z.array(FileEvent).max(10_000),
  /** Events the browser dropped because its outbox was full, since the last delivered batch. */
  droppedEvents: z.number().int().nonnegative().optional(),
  /** Optional: browsers before it (and other senders) still ingest. */
  health: BrowserHealth.optional(),
});
export type NativeBatch = z.infer<typeof NativeBatch>;
