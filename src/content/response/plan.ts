/**
 * The frame's response plan (issue 14): whether files are held on this page at all. Asked of the
 * background lazily, never at page load: on the first sign that a file may be handed over (a drag
 * carrying files, a file input focused or opened by script, a paste shortcut) and at the latest
 * when a file arrives. Kept for PLAN_FRESH_MS, then asked again at the next such sign.
 */
import type { ResponsePlan } from '../../core/schema/response';

export const PLAN_FRESH_MS = 30_000;
/**
 * A file that arrived before the plan waits for it at most this long; without an answer nothing is
 * known to enforce and the file goes (the background records no hold either).
 */
export const PLAN_WAIT_MS = 5_000;

const FAILURE_MODES = new Set(['allow', 'block']);

/** A plan from the background, checked field by field (zod stays out of the content scripts). */
export function parsePlan(raw: unknown): ResponsePlan | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const r = raw as Record<string, unknown>;
  if (typeof r.hold !== 'boolean' || typeof r.failureMode !== 'string' || !FAILURE_MODES.has(r.failureMode)) return undefined;
  const within = r.decideWithinMs;
  if (typeof within !== 'number' || !Number.isInteger(within) || within <= 0) return undefined;
  return { hold: r.hold, failureMode: r.failureMode as ResponsePlan['failureMode'], decideWithinMs: within };
}

export interface PlanCache {
  /** The plan as known now (possibly stale), without asking; undefined before the first answer. */
  known(): ResponsePlan | undefined;
  /** The plan, asked for when unknown or stale (waiting at most PLAN_WAIT_MS); undefined when the background cannot say. */
  get(): Promise<ResponsePlan | undefined>;
  /** Asks in the background when unknown or stale, so a file arriving soon finds it known. */
  warm(): void;
}

export function planCache(send: (message: { type: 'response/plan' }) => Promise<unknown>, now: () => number, onPlan?: (plan: ResponsePlan) => void): PlanCache {
  let plan: ResponsePlan | undefined;
  let at = 0;
  let asking: Promise<ResponsePlan | undefined> | undefined;
  const fresh = () => plan !== undefined && now() - at < PLAN_FRESH_MS;
  const ask = () =>
    (asking ??= send({ type: 'response/plan' })
      .then(parsePlan, () => undefined)
      .then((answer) => {
        asking = undefined;
        if (answer) {
          plan = answer;
          at = now();
          onPlan?.(answer);
        }
        return answer ?? plan;
      }));
  const bounded = () => Promise.race([ask(), new Promise<ResponsePlan | undefined>((resolve) => setTimeout(() => resolve(plan), PLAN_WAIT_MS))]);
  return {
    known: () => plan,
    get: () => (fresh() ? Promise.resolve(plan) : bounded()),
    warm() {
      if (!fresh()) void ask();
    },
  };
}
