/**
 * Every message between extension contexts, declared once. The background validates each one;
 * URLs and titles never travel in a payload: they come from the browser-stamped sender.
 */
import { z } from 'zod';
import { FileEvent } from './event';
import { BackendFormat, Channel } from './identifiers';
import { PolicyError, PolicySource } from './policy-error';
import { LIMITS } from './limits';
import { ResponsePlanRequest, UploadOutcome } from './response';

/** base64 of at most LIMITS.headBytes bytes. */
const MAX_HEAD_BASE64 = Math.ceil(LIMITS.headBytes / 3) * 4;
/** base64 of at most LIMITS.tailBytes bytes. */
const MAX_TAIL_BASE64 = Math.ceil(LIMITS.tailBytes / 3) * 4;

export const ObservedFile = z.object({
  name: z.string().max(LIMITS.fileName),
  size: z.number().int().nonnegative(),
  mimeType: z.string().max(LIMITS.mimeType),
  lastModified: z.number().optional(),
  relativePath: z.string().max(LIMITS.relativePath).optional(),
  headBase64: z
    .string()
    .max(MAX_HEAD_BASE64)
    .regex(/^[A-Za-z0-9+/]*={0,2}$/),
  /** The last bytes of a real file longer than its head (the content model reads both ends); never for a body sent by script. */
  tailBase64: z
    .string()
    .max(MAX_TAIL_BASE64)
    .regex(/^[A-Za-z0-9+/]*={0,2}$/)
    .optional(),
  /** A Blob or ArrayBuffer sent by script with no file name: an event only above the policy's programmaticMinBytes. */
  anonymous: z.boolean().optional(),
});
export type ObservedFile = z.infer<typeof ObservedFile>;

/** How a file sent by script left the page: the request URL (as the page gave it, resolved) and the bytes sent. */
export const SentTo = z.object({
  url: z.string().max(LIMITS.url),
  bytes: z.number().int().nonnegative(),
  via: z.enum(['fetch', 'xhr', 'beacon', 'websocket']),
});
export type SentTo = z.infer<typeof SentTo>;

/** Names of page hooks the page removed or restored to the native (a tamper signal). */
const Tamper = z.array(z.string().max(64)).max(16);

/** Sent by the content script once per user action (split when it carries many files). */
export const UploadObserved = z.object({
  type: z.literal('upload/observed'),
  actionId: z.string().min(1).max(64),
  channel: Channel,
  trustedEvent: z.boolean(),
  /** Seen by the MAIN-world hooks, not by a DOM event: a claim the page could have made up. */
  bridged: z.boolean().optional(),
  /** For a file sent by script: where it went. */
  sentTo: SentTo.optional(),
  tamper: Tamper.optional(),
  /**
   * The content script holds these files until the reply (a ResponseDecision, core/schema/response.ts):
   * the page gets them only if the decision lets it. Absent: observed only, the reply is ignored.
   */
  hold: z.boolean().optional(),
  /**
   * Sent the moment the files were handed over, before any was read (issue 15 item 5: a page that
   * removes its frame or navigates away in its own `change` handler must not lose the event): the
   * heads follow in `upload/heads` and the background waits a moment for them, then classifies by
   * name alone.
   */
  headsFollow: z.literal(true).optional(),
  /** Which message of the action this is (an action of many files is split): the heads name it. */
  part: z.number().int().nonnegative().max(1000).optional(),
  files: z.array(ObservedFile).min(1).max(LIMITS.filesPerMessage),
});
export type UploadObserved = z.infer<typeof UploadObserved>;

/** The first and last bytes of the files of an `upload/observed` sent with `headsFollow`, in the same order. */
export const UploadHeads = z.object({
  type: z.literal('upload/heads'),
  actionId: z.string().min(1).max(64),
  part: z.number().int().nonnegative().max(1000),
  heads: z
    .array(ObservedFile.pick({ headBase64: true, tailBase64: true }))
    .min(1)
    .max(LIMITS.filesPerMessage),
});
export type UploadHeads = z.infer<typeof UploadHeads>;

/**
 * Sent by the content script when files it already reported for a user action (a pick, a drop)
 * are then sent by script: the send is recorded on those events instead of making new ones.
 */
export const UploadSent = z.object({
  type: z.literal('upload/sent'),
  actionId: z.string().min(1).max(64),
  files: z
    .array(z.object({ name: z.string().max(LIMITS.fileName), size: z.number().int().nonnegative(), lastModified: z.number().optional() }))
    .min(1)
    .max(LIMITS.filesPerMessage),
  sentTo: SentTo,
});
export type UploadSent = z.infer<typeof UploadSent>;

/**
 * Sent by the top frame's observer: give subframes their observer (issue 13, Observer v2; see
 * src/content/observer-frames.ts). `frameId`: the one frame that asked (Firefox resolves it); without
 * it, every frame of the tab (frames that have it ignore it).
 */
export const FramesObserve = z.object({
  type: z.literal('frames/observe'),
  frameId: z.number().int().positive().optional(),
});
export type FramesObserve = z.infer<typeof FramesObserve>;

/** Sent by the popup when the person has looked at the list: clears the badge. */
export const PopupSeen = z.object({ type: z.literal('popup/seen') });
export type PopupSeen = z.infer<typeof PopupSeen>;

/** Where forwarding stands: for the popup and the options page. Never the token. */
export const DeliveryState = z.object({
  configured: z.boolean(),
  format: BackendFormat,
  queued: z.number().int().nonnegative(),
  /** Events the backend refused for good, kept aside. */
  deadLetters: z.number().int().nonnegative().default(0),
  /** Events dropped because the outbox was full, since installation. */
  dropped: z.number().int().nonnegative().default(0),
  /** Of those, script-made events dropped over the per-tab rate (a page making up uploads). */
  scriptMadeDropped: z.number().int().nonnegative().optional(),
  lastSuccessAt: z.number().optional(),
  lastError: z.string().optional(),
  /** When the oldest dead letter was refused (ms). */
  deadLetterOldestAt: z.number().optional(),
  /**
   * Trouble writing on this device (a full disk). Events are queued for the backend before they
   * are kept locally, so what is at stake is the local history, never forwarding.
   */
  storage: z
    .object({
      /** Absent when the last local write succeeded. */
      trouble: z.string().optional(),
      troubleSince: z.number().optional(),
      /** The failed write was the queue itself: those events were neither forwarded nor kept. */
      queueFailed: z.boolean().optional(),
      notKeptLocally: z.number().int().nonnegative(),
      prunedForSpace: z.number().int().nonnegative(),
    })
    .optional(),
});
export type DeliveryState = z.infer<typeof DeliveryState>;

/** Sent by the popup on opening: answered with a PopupState. */
export const PopupGetState = z.object({
  type: z.literal('popup/get-state'),
  /**
   * Answer at once from what is stored, with the last known settings, if the browser has not
   * answered for the managed policy yet (it can take seconds after launch; issue 15, item 12).
   */
  provisional: z.boolean().optional(),
});

export const PopupState = z.object({
  showEventList: z.boolean(),
  /** Risky events, newest first. */
  events: z.array(FileEvent),
  /** Events observed after this instant (ms) are new to the person. */
  lastSeenAt: z.number(),
  policyErrors: z.array(PolicyError),
  delivery: DeliveryState,
  /** Shaped by the last known settings while the managed policy is still being read: ask again without `provisional`. */
  provisional: z.boolean().optional(),
});
export type PopupState = z.infer<typeof PopupState>;

/** Sent by the options page when the admin asks to resend the events the backend refused. */
export const OptionsRequeueDeadLetters = z.object({ type: z.literal('options/requeue-dead-letters') });

/** Sent by the options page on opening: answered with an OptionsState. */
export const OptionsGetState = z.object({ type: z.literal('options/get-state') });

export const OptionsState = z.object({
  keys: z.array(
    z.object({
      key: z.string(),
      title: z.string(),
      description: z.string(),
      /** The effective value as JSON text; credentials are masked; "(not set)" when unset. */
      value: z.string(),
      source: PolicySource,
      /** Set by the managed policy: nothing else can change it. */
      locked: z.boolean(),
    }),
  ),
  errors: z.array(PolicyError),
  identity: z.object({ email: z.string().optional(), source: z.enum(['policy', 'profile', 'unknown']) }),
  settingsVersion: z.string(),
  delivery: DeliveryState,
  sync: z.object({
    url: z.string().optional(),
    intervalMinutes: z.number(),
    lastSuccessAt: z.number().optional(),
    lastAttemptAt: z.number().optional(),
    lastError: z.string().optional(),
    /** The watchlists the console has this user on (delivered by settings sync). */
    watchlists: z.array(z.string()).optional(),
  }),
});
export type OptionsState = z.infer<typeof OptionsState>;

/** Which senders may use each message: content scripts never reach extension-page handlers. */
export const CONTENT_MESSAGES = z.discriminatedUnion('type', [UploadObserved, UploadHeads, UploadSent, ResponsePlanRequest, UploadOutcome, FramesObserve]);
export const EXTENSION_PAGE_MESSAGES = z.discriminatedUnion('type', [PopupSeen, PopupGetState, OptionsGetState, OptionsRequeueDeadLetters]);
export type ContentMessage = z.infer<typeof CONTENT_MESSAGES>;
export type ExtensionPageMessage = z.infer<typeof EXTENSION_PAGE_MESSAGES>;
