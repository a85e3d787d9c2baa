/**
 * Response (issue 14): what a rule may do to an upload, what the event records, and the messages
 * between the content script that holds a file and the background that decides. Declared once here;
 * docs/response.md explains them with examples.
 */
import { z } from 'zod';
import { Channel, DestinationCategory, FileCategory, Severity } from './identifiers';
import { WatchlistId } from './synced-user';

export const RESPONSE_ACTIONS = ['allow', 'notify', 'warn', 'block'] as const;
export const ResponseAction = z.enum(RESPONSE_ACTIONS);
export type ResponseAction = z.infer<typeof ResponseAction>;

/** Follows Chrome Enterprise reporting: ALLOWED / WARNED (then cancelled) / BYPASSED / BLOCKED, plus notified. */
export const RESPONSE_OUTCOMES = ['allowed', 'notified', 'warned', 'bypassed', 'blocked'] as const;
export const ResponseOutcome = z.enum(RESPONSE_OUTCOMES);
export type ResponseOutcome = z.infer<typeof ResponseOutcome>;

export const JUSTIFICATION_MODES = ['none', 'optional', 'required'] as const;
export const JustificationMode = z.enum(JUSTIFICATION_MODES);
export type JustificationMode = z.infer<typeof JustificationMode>;

/** What the content script does when no decision arrives in time (policy `responseFailureMode`). */
export const RESPONSE_FAILURE_MODES = ['allow', 'block'] as const;
export const ResponseFailureMode = z.enum(RESPONSE_FAILURE_MODES);
export type ResponseFailureMode = z.infer<typeof ResponseFailureMode>;

/** Why a decision was not a rule's: the background did not answer in time, or could not decide. */
export const ResponseFailure = z.enum(['timeout', 'unavailable']);
export type ResponseFailure = z.infer<typeof ResponseFailure>;

/** A typed justification: at most 280 characters, as in Chromium's own warning dialog. */
export const JUSTIFICATION_MAX = 280;
export const Justification = z.string().max(JUSTIFICATION_MAX);

/** `response` on the native event (DESIGN.md "Response"). Absent when no rule applied and nothing was held. */
export const EventResponse = z.object({
  action: ResponseAction,
  outcome: ResponseOutcome,
  ruleId: z.string().min(1).max(64).optional(),
  justification: Justification.optional(),
  /** File handed over → decision known to the content script. */
  decidedInMs: z.number().nonnegative(),
  /** Set when `responseFailureMode` decided instead of a rule. */
  failure: ResponseFailure.optional(),
  /** A warn rule passed without asking: an earlier justified warning for this user and destination is in force until then. */
  temporaryAllowUntil: z.iso.datetime({ offset: true }).optional(),
});
export type EventResponse = z.infer<typeof EventResponse>;

/** The decision the background returns for one held user action (all its files; the strictest file decides). */
export const ResponseDecision = z.object({
  /**
   * The action's `actionId` (the same for every message of a split action): the content script can
   * name a decision in `upload/outcome` even when the decision never reached it (failure mode).
   */
  decisionId: z.string().min(1).max(64),
  action: ResponseAction,
  ruleId: z.string().min(1).max(64).optional(),
  /** The rule's plain-text message (never HTML). */
  message: z.string().max(300).optional(),
  learnMoreUrl: z.string().max(2048).optional(),
  justification: JustificationMode,
  /** What the dialog shows: the files, where they were going, and why. Plain text. */
  files: z.array(z.object({ name: z.string().max(1024), size: z.number().int().nonnegative() })).max(50),
  destination: z.object({ host: z.string().max(255), name: z.string().max(128).optional(), category: z.string().max(64) }),
  reasons: z.array(z.string().max(500)).max(16),
  severity: z.string().max(16),
});
export type ResponseDecision = z.infer<typeof ResponseDecision>;

/** Sent by the content script once per page (lazily, on the first handed-over file): whether to hold files at all. */
export const ResponsePlanRequest = z.object({ type: z.literal('response/plan') });
export const ResponsePlan = z.object({
  /** False when no rule can apply on this page: files pass untouched, nothing is held. */
  hold: z.boolean(),
  failureMode: ResponseFailureMode,
  /** How long the content script waits for a decision before `failureMode` applies. */
  decideWithinMs: z.number().int().positive(),
});
export type ResponsePlan = z.infer<typeof ResponsePlan>;

/**
 * Sent by the content script after a warn dialog (or when it applied the failure mode): the
 * background records the outcome on the action's events, then stores and forwards them.
 */
export const UploadOutcome = z.object({
  type: z.literal('upload/outcome'),
  decisionId: z.string().min(1).max(64),
  outcome: ResponseOutcome,
  justification: Justification.optional(),
  failure: ResponseFailure.optional(),
  decidedInMs: z.number().nonnegative().optional(),
});
export type UploadOutcome = z.infer<typeof UploadOutcome>;

/** Longest rule message (plain text, never HTML). */
export const RESPONSE_MESSAGE_MAX = 300;
/** Longest temporary allow after a justified warning: one working day. */
export const TEMPORARY_ALLOW_MAX_MINUTES = 1440;
export const RESPONSE_RULES_MAX = 100;

/** A rule id: what events, docs and the console name the rule by. */
export const ResponseRuleId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'letters, digits, _ . - (at most 64)');

/** Control characters other than a line break have no place in a message shown as plain text. */
const PlainText = z
  .string()
  .max(RESPONSE_MESSAGE_MAX)
  .refine((s) => !/[\u0000-\u0009\u000b-\u001f\u007f]/.test(s), 'plain text only (no control characters)');

const HttpsUrl = z.url({ protocol: /^https$/, hostname: z.regexes.hostname }).max(2048);

/**
 * When a rule applies: every given condition must hold; a list holds when any of its values does;
 * an empty list is the same as no condition. Unknown condition names are refused (a misspelt
 * scope must never widen a block to everyone).
 */
export const ResponseConditions = z.strictObject({
  minSeverity: Severity.optional(),
  destinationCategories: z.array(DestinationCategory).max(16).optional(),
  serviceIds: z.array(z.string().min(1).max(64)).max(500).optional(),
  fileCategories: z.array(FileCategory).max(16).optional(),
  /** Indicator ids (`first_use_of_destination`, `departing_watchlist`, `pdf`, …). */
  indicators: z.array(z.string().min(1).max(64)).max(64).optional(),
  channels: z.array(Channel).max(8).optional(),
  /** Watchlists the user is on (settings sync; `departing` also from the departingWatchlist key). */
  watchlists: z.array(WatchlistId).max(64).optional(),
});
export type ResponseConditions = z.infer<typeof ResponseConditions>;

/** One response rule (policy `responseRules`, first match wins). `justification` and `temporaryAllowMinutes` apply to `warn`. */
export const ResponseRule = z.strictObject({
  id: ResponseRuleId,
  when: ResponseConditions.optional(),
  action: ResponseAction,
  message: PlainText.optional(),
  learnMoreUrl: HttpsUrl.optional(),
  justification: JustificationMode.optional(),
  temporaryAllowMinutes: z.number().int().min(1).max(TEMPORARY_ALLOW_MAX_MINUTES).optional(),
});
export type ResponseRule = z.infer<typeof ResponseRule>;

/** The content script waits this long for a decision before `responseFailureMode` applies (docs/response.md). */
export const DECIDE_WITHIN_MS = 1500;
/** A warned action whose outcome never comes (tab closed) is recorded as `warned` after this long. */
export const WARN_OUTCOME_TIMEOUT_MS = 10 * 60_000;
