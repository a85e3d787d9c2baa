/**
 * How a rejected policy value is reported, declared once: the options page, the popup, the badge
 * and the stored sync state all carry these. Kept apart from policy.ts so the popup bundle does
 * not pull in the policy schema (and the destination catalog it references).
 */
import { z } from 'zod';

/** A policy layer an admin controls: the managed policy pushed through the browser, or settings a backend syncs. */
export const PolicyLayer = z.enum(['managed', 'synced']);
export type PolicyLayer = z.infer<typeof PolicyLayer>;

/** Where a key's effective value comes from: a layer, or the built-in default. */
export const PolicySource = z.enum(['managed', 'synced', 'default']);
export type PolicySource = z.infer<typeof PolicySource>;

export const PolicyError = z.object({
  /** The policy key, or `(policy)` for the policy as a whole, `(user)` for the synced user block. */
  key: z.string(),
  message: z.string(),
  /** Which layer the bad value came from. */
  source: PolicyLayer.optional(),
});
export type PolicyError = z.infer<typeof PolicyError>;
