/**
 * Response (issue 14): what a rule may do to an upload, what the event records, and the messages
 * between the content script that holds a file and the background that decides. Declared once here;
 * docs/response.md explains them with examples.
 */
import { z } from 'zod';

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
});
export type EventResponse = z.infer<typeof EventResponse>;

/** The decision the background returns for one held user action (all its files; the strictest file decides). */
export const ResponseDecision = z.object({
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
