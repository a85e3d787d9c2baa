/**
 * Alert rules: a name, an on/off switch and conditions on the event and its user. Every condition
 * given must hold; a list condition holds when any of its values does. Rules apply to events
 * ingested after the change (stored events are not re-evaluated).
 */
import type { Kysely, Transaction } from 'kysely';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { DestinationCategory, FileCategory, Severity, SEVERITIES } from '../../src/core/schema/identifiers';
import type { FileEvent } from '../../src/core/schema/event';
import { recordAudit } from '../audit';
import { actorOf, type Principal } from '../auth/roles';
import type { AlertRulesTable, ConsoleDatabase } from '../db/schema';
import { HttpError } from '../http/route';
import { PersonEmail, WatchlistId } from '../watchlists/store';

type Db = Kysely<ConsoleDatabase> | Transaction<ConsoleDatabase>;

export const AlertConditions = z
  .strictObject({
    minSeverity: Severity.optional(),
    /** The event's user is on one of these watchlists when the event is ingested. */
    watchlists: z.array(WatchlistId).min(1).max(50).optional(),
    destinationCategories: z.array(DestinationCategory).min(1).max(20).optional(),
    fileCategories: z.array(FileCategory).min(1).max(20).optional(),
    /** Indicator ids that scored on the event (`departing_watchlist`, `off_hours`, `cloud_storage`, …). */
    indicators: z
      .array(z.string().regex(/^[a-z0-9_]{1,64}$/))
      .min(1)
      .max(100)
      .optional(),
    users: z.array(PersonEmail).min(1).max(1000).optional(),
  })
  .refine((c) => Object.values(c).some((v) => v !== undefined), {
    message: 'give at least one condition (minSeverity "none" matches every event)',
  });
export type AlertConditions = z.infer<typeof AlertConditions>;

export const RuleId = z.string().regex(/^[a-z0-9_-]{1,64}$/, 'a rule id is 1–64 of a–z, 0–9, _ and -');
export const RuleName = z.string().trim().min(1).max(200);

export const AlertRule = z.object({
  id: z.string(),
  name: z.string(),
  enabled: z.boolean(),
  conditions: z.unknown(),
  createdAt: z.iso.datetime(),
  createdBy: z.string(),
  updatedAt: z.iso.datetime(),
});
export type AlertRule = Omit<z.infer<typeof AlertRule>, 'conditions'> & { conditions: AlertConditions };

/** Each enabled rule is evaluated on every ingested event: keep the set bounded. */
const MAX_RULES = 200;

/** What a rule is matched against: the event, its user's lower-cased email, that user's watchlists. */
export interface MatchInput {
  event: FileEvent;
  email: string | null;
  watchlists: ReadonlySet<string>;
}

export function ruleMatches(conditions: AlertConditions, { event, email, watchlists }: MatchInput): boolean {
  const c = conditions;
  if (c.minSeverity && SEVERITIES.indexOf(event.risk.severity) < SEVERITIES.indexOf(c.minSeverity)) return false;
  if (c.destinationCategories && !c.destinationCategories.includes(event.destination.category)) return false;
  if (c.fileCategories && !c.fileCategories.includes(event.file.category)) return false;
  if (c.indicators && !event.risk.indicators.some((i) => c.indicators!.includes(i.id))) return false;
  // Events without a user never match a condition about people.
  if (c.users && (email === null || !c.users.includes(email))) return false;
  if (c.watchlists && (email === null || !c.watchlists.some((w) => watchlists.has(w)))) return false;
  return true;
}

const toRule = (r: AlertRulesTable): AlertRule => ({
  id: r.id,
  name: r.name,
  enabled: Number(r.enabled) === 1,
  conditions: JSON.parse(r.conditions) as AlertConditions,
  createdAt: new Date(Number(r.created_at)).toISOString(),
  createdBy: r.created_by,
  updatedAt: new Date(Number(r.updated_at)).toISOString(),
});

export async function listRules(db: Db, only?: { enabled: true }): Promise<AlertRule[]> {
  let q = db.selectFrom('alert_rules').selectAll().orderBy('created_at').orderBy('id');
  if (only?.enabled) q = q.where('enabled', '=', 1);
  return (await q.execute()).map(toRule);
}

async function getRule(db: Db, id: string): Promise<AlertRule> {
  const row = await db.selectFrom('alert_rules').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new HttpError(404, `no alert rule ${id}`);
  return toRule(row);
}

/** Watchlist conditions must name watchlists that exist, or the rule could never match. */
async function checkWatchlists(db: Db, conditions: AlertConditions): Promise<void> {
  if (!conditions.watchlists) return;
  const found = await db.selectFrom('watchlists').select('id').where('id', 'in', conditions.watchlists).execute();
  const missing = conditions.watchlists.filter((w) => !found.some((f) => f.id === w));
  if (missing.length) throw new HttpError(400, `no such watchlist: ${missing.join(', ')}`, { watchlists: missing });
}

export async function createRule(
  db: Kysely<ConsoleDatabase>,
  input: { id?: string; name: string; enabled?: boolean; conditions: AlertConditions },
  principal: Principal,
  now: number,
): Promise<AlertRule> {
  return db.transaction().execute(async (trx) => {
    const id = input.id ?? randomUUID();
    if (await trx.selectFrom('alert_rules').select('id').where('id', '=', id).executeTakeFirst()) throw new HttpError(409, `alert rule ${id} exists`);
    const count = await trx
      .selectFrom('alert_rules')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    if (Number(count.n) >= MAX_RULES) throw new HttpError(409, `at most ${MAX_RULES} alert rules: disable or edit one instead`);
    await checkWatchlists(trx, input.conditions);
    await trx
      .insertInto('alert_rules')
      .values({
        id,
        name: input.name,
        enabled: input.enabled === false ? 0 : 1,
        conditions: JSON.stringify(input.conditions),
        created_at: now,
        created_by: actorOf(principal),
        updated_at: now,
      })
      .execute();
    const rule = await getRule(trx, id);
    await recordAudit(trx, { actor: principal, action: 'alert_rule.created', target: `alert_rule:${id}`, after: rule }, now);
    return rule;
  });
}

export async function updateRule(
  db: Kysely<ConsoleDatabase>,
  id: string,
  patch: { name?: string; enabled?: boolean; conditions?: AlertConditions },
  principal: Principal,
  now: number,
): Promise<AlertRule> {
  return db.transaction().execute(async (trx) => {
    const before = await getRule(trx, id);
    if (patch.conditions) await checkWatchlists(trx, patch.conditions);
    await trx
      .updateTable('alert_rules')
      .set({
        ...(patch.name !== undefined && { name: patch.name }),
        ...(patch.enabled !== undefined && { enabled: patch.enabled ? 1 : 0 }),
        ...(patch.conditions !== undefined && { conditions: JSON.stringify(patch.conditions) }),
        updated_at: now,
      })
      .where('id', '=', id)
      .execute();
    const after = await getRule(trx, id);
    await recordAudit(trx, { actor: principal, action: 'alert_rule.updated', target: `alert_rule:${id}`, before, after }, now);
    return after;
  });
}
