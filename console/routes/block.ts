/**
 * Block and unblock a person's uploads, for playbooks (issue 18; Code42's user block/unblock).
 * A block is membership of the `blocked_uploads` watchlist, which is synced to browsers, enforced by
 * the response rule `upwatch-blocked-uploads` (`when.watchlists: ["blocked_uploads"]`, `block`) in
 * the synced policy: each of the person's browsers blocks their uploads from its next settings sync.
 *
 * The first block creates what is missing (the list, its browser sync, the rule placed first) on
 * the caller's behalf, every step audited. A rule an admin has since edited (its message, its
 * place, even its action) is theirs: it is never rewritten, and the answer's `cautions` say when it
 * no longer blocks everyone on the list. A deleted rule is added again by the next block.
 * Who may call each route: ../http/access.ts.
 */
import { z } from 'zod';
import type { ResponseRule } from '../../src/core/schema/response';
import { recordAudit } from '../audit';
import type { Principal } from '../auth/roles';
import { defineRoute, HttpError } from '../http/route';
import type { ConsoleServices } from '../services';
import { addMember, createWatchlist, listWatchlists, MemberNotes, PersonEmail, removeMember, updateWatchlist, WatchlistMember } from '../watchlists/store';

export const BLOCK_WATCHLIST = 'blocked_uploads';
export const BLOCK_RULE_ID = 'upwatch-blocked-uploads';
export const BLOCK_RULE: ResponseRule = {
  id: BLOCK_RULE_ID,
  when: { watchlists: [BLOCK_WATCHLIST] },
  action: 'block',
  message: 'Uploads are paused for your account by the security team. Contact them if you need to share a file.',
};

const BlockRuleState = z.object({
  id: z.string(),
  /** The rule was added to the synced policy by this call. */
  created: z.boolean(),
  /** Where it sits in `responseRules` (0: first, so no other rule decides before it). */
  position: z.number(),
  rule: z.unknown(),
});

const BlockAnswer = z.object({
  email: z.string(),
  blocked: z.boolean(),
  watchlist: z.string(),
  member: WatchlistMember.optional(),
  /** Whether the person was on the list before this call. */
  wasBlocked: z.boolean(),
  rule: BlockRuleState.optional(),
  /** Why the block may not hold as asked (an admin's edit of the rule). Empty when it does. */
  cautions: z.array(z.string()),
});

const Params = z.object({ email: PersonEmail });

/** The list exists and is synced to browsers; creates or re-marks it (audited) when not. */
async function ensureWatchlist(services: ConsoleServices, principal: Principal): Promise<void> {
  const found = (await listWatchlists(services.db)).find((w) => w.id === BLOCK_WATCHLIST);
  const fields = { name: 'Uploads blocked', description: 'People whose uploads every browser blocks (POST /api/v1/users/{email}/block).' };
  if (!found) await createWatchlist(services.db, { id: BLOCK_WATCHLIST, ...fields, syncToBrowsers: true }, principal, services.now());
  // Without browser sync no browser learns the membership, and the block would be a no-op.
  else if (!found.syncToBrowsers) await updateWatchlist(services.db, BLOCK_WATCHLIST, { syncToBrowsers: true }, principal, services.now());
}

function cautionsFor(rule: Record<string, unknown>, position: number): string[] {
  const cautions: string[] = [];
  const when = (rule.when ?? {}) as Record<string, unknown>;
  if (rule.action !== 'block') cautions.push(`rule ${BLOCK_RULE_ID} was edited: its action is ${String(rule.action)}, not block`);
  const lists = when.watchlists as unknown[] | undefined;
  if (!lists?.includes(BLOCK_WATCHLIST)) cautions.push(`rule ${BLOCK_RULE_ID} was edited: it no longer names the ${BLOCK_WATCHLIST} watchlist`);
  const narrowed = Object.entries(when).filter(([k, v]) => k !== 'watchlists' && (!Array.isArray(v) || v.length > 0));
  if (narrowed.length) cautions.push(`rule ${BLOCK_RULE_ID} was edited: it also requires ${narrowed.map(([k]) => k).join(', ')}`);
  if (position > 0) cautions.push(`rule ${BLOCK_RULE_ID} is not first: ${position} rule(s) before it decide first for the uploads they match`);
  return cautions;
}

/** The rule is in the synced policy: found as it is (an admin's edits kept), or added first. */
async function ensureRule(services: ConsoleServices, principal: Principal): Promise<z.infer<typeof BlockRuleState> & { cautions: string[] }> {
  const { settings } = await services.policy.current();
  const rules = Array.isArray(settings.responseRules) ? (settings.responseRules as Record<string, unknown>[]) : [];
  const position = rules.findIndex((r) => r.id === BLOCK_RULE_ID);
  if (position >= 0) {
    const rule = rules[position]!;
    return { id: BLOCK_RULE_ID, created: false, position, rule, cautions: cautionsFor(rule, position) };
  }
  const { problems } = await services.policy.replace({ ...settings, responseRules: [BLOCK_RULE, ...rules] }, principal, 'policy.block_rule_added');
  if (problems.length) throw new HttpError(409, `cannot add the response rule ${BLOCK_RULE_ID} to the synced policy`, { problems });
  return { id: BLOCK_RULE_ID, created: true, position: 0, rule: BLOCK_RULE, cautions: [] };
}

const block = defineRoute({
  method: 'POST',
  path: '/api/v1/users/:email/block',
  tag: 'users',
  summary:
    `Block a person's uploads on every browser from its next settings sync: adds them to the \`${BLOCK_WATCHLIST}\` watchlist (synced to browsers), ` +
    `enforced by the response rule \`${BLOCK_RULE_ID}\`. The first block creates the list and adds the rule first in the synced policy; a rule an admin ` +
    'edited is kept as it is and `cautions` say when it no longer blocks. 201 when newly blocked, 200 when already. `reason` becomes the membership note. Audited.',
  params: Params,
  body: z.strictObject({ reason: MemberNotes.optional() }).optional(),
  response: BlockAnswer,
  async handler({ params, body, principal, services, reply }) {
    await ensureWatchlist(services, principal);
    const { cautions, ...rule } = await ensureRule(services, principal);
    const { member, created } = await addMember(services.db, BLOCK_WATCHLIST, { email: params.email, notes: body?.reason ?? null }, principal, services.now());
    if (created) {
      await recordAudit(
        services.db,
        { actor: principal, action: 'user.uploads_blocked', target: `user:${params.email}`, after: { rule: rule.id, cautions } },
        services.now(),
      );
    }
    reply.code(created ? 201 : 200);
    return { email: params.email, blocked: true, watchlist: BLOCK_WATCHLIST, member, wasBlocked: !created, rule, cautions };
  },
});

const unblock = defineRoute({
  method: 'DELETE',
  path: '/api/v1/users/:email/block',
  tag: 'users',
  summary: `Lift a block: takes the person off the \`${BLOCK_WATCHLIST}\` watchlist (their browsers let uploads through from the next sync). The rule stays. Idempotent: \`wasBlocked\` says whether they were. Audited.`,
  params: Params,
  response: BlockAnswer,
  async handler({ params, principal, services }) {
    let wasBlocked = true;
    try {
      await removeMember(services.db, BLOCK_WATCHLIST, params.email, principal, services.now());
    } catch (error) {
      // Not on the list (or no list yet): nothing to lift, which is what the caller wants.
      if (!(error instanceof HttpError && error.statusCode === 404)) throw error;
      wasBlocked = false;
    }
    if (wasBlocked) await recordAudit(services.db, { actor: principal, action: 'user.uploads_unblocked', target: `user:${params.email}` }, services.now());
    return { email: params.email, blocked: false, watchlist: BLOCK_WATCHLIST, wasBlocked, cautions: [] };
  },
});

export const BLOCK_ROUTES = [block, unblock];
