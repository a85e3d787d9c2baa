/**
 * Temporary allows (issue 14): after a justified warning, the same user and destination pass warn
 * rules for the rule's temporaryAllowMinutes. A small map with expiry, kept as plain data so the
 * background can persist it; the clock is passed in. A block is never lifted by an allowance.
 */
import { z } from 'zod';

export const Allowance = z.object({ until: z.number(), ruleId: z.string().max(64) });
export type Allowance = z.infer<typeof Allowance>;
export const Allowances = z.record(z.string().max(700), Allowance);
export type Allowances = z.infer<typeof Allowances>;

/** Enough for every destination a person justifies in a day; the soonest to end go first. */
export const ALLOWANCES_MAX = 500;

/** Who and where: the user (or nobody known) and the destination's service, or its host. */
export function allowanceKey(user: string | undefined, destination: { serviceId?: string; host: string }): string {
  return `${(user ?? '').toLowerCase()}\u0000${destination.serviceId ?? destination.host}`;
}

export function activeAllowance(map: Allowances, key: string, now: number): Allowance | undefined {
  const a = map[key];
  return a && a.until > now ? a : undefined;
}

/** The map without expired entries. */
export function pruneAllowances(map: Allowances, now: number): Allowances {
  return Object.fromEntries(Object.entries(map).filter(([, a]) => a.until > now));
}

/** Grants (or extends, never shortens) an allowance; expired ones are dropped and the map stays bounded. */
export function grantAllowance(map: Allowances, key: string, ruleId: string, now: number, minutes: number): Allowances {
  const until = now + minutes * 60_000;
  const next = pruneAllowances(map, now);
  const current = next[key];
  next[key] = { until: Math.max(until, current?.until ?? 0), ruleId };
  const entries = Object.entries(next);
  if (entries.length <= ALLOWANCES_MAX) return next;
  entries.sort(([, a], [, b]) => b.until - a.until);
  return Object.fromEntries(entries.slice(0, ALLOWANCES_MAX));
}
