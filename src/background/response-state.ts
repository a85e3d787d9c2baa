/**
 * What the response keeps between messages, persisted because the MV3 worker may be stopped
 * between a warning and the person's answer (docs/response.md "Nothing is lost"): the decisions of
 * the last minutes (with a warned action's events until its outcome) and the temporary allows.
 *
 * Both live in the database's `state` store under their own keys, each validated on read (a damaged
 * record reads as empty, never throws).
 */
import { z } from 'zod';
import { Allowances } from '../core/response/allowances';
import { FileEvent } from '../core/schema/event';
import { JustificationMode, ResponseAction } from '../core/schema/response';
import type { Database } from './db';

export const DecisionRecord = z.object({
  /** The tab the decision was for: only that tab may report its outcome. */
  tabId: z.number().int().optional(),
  decisionId: z.string().max(64),
  action: ResponseAction,
  ruleId: z.string().max(64).optional(),
  justification: JustificationMode,
  temporaryAllowMinutes: z.number().int().positive().optional(),
  allowanceKey: z.string().max(700),
  decidedInMs: z.number().nonnegative(),
  at: z.number(),
  /** The local time the upload's history was written with (written again with a late store: once per hour, so harmless). */
  activity: z.object({ weekday: z.number(), hour: z.number(), minute: z.number(), day: z.string().max(10) }),
  /** Stored events of this decision (a failure reported later updates them). */
  storedIds: z.array(z.string()).max(2000),
  /** A warned action's events, waiting for the person's answer; stored when it comes or the wait ends. */
  pending: z.array(FileEvent).max(2000).optional(),
});
export type DecisionRecord = z.infer<typeof DecisionRecord>;

const Decisions = z.array(DecisionRecord).max(1000);

/** State keys of the response, beside the ones declared in db.ts. */
const KEYS = { decisions: 'responseDecisions', allowances: 'responseAllowances' } as const;

export const recordKey = (tabId: number | undefined, decisionId: string) => `${tabId ?? '-'}:${decisionId}`;

export class ResponseState {
  constructor(private readonly db: Database) {}

  async decisions(): Promise<DecisionRecord[]> {
    const parsed = Decisions.safeParse(await this.db.get('state', KEYS.decisions));
    return parsed.success ? parsed.data : [];
  }

  async saveDecisions(records: readonly DecisionRecord[]): Promise<void> {
    await this.db.put('state', Decisions.parse(records), KEYS.decisions);
  }

  async allowances(): Promise<Allowances> {
    const parsed = Allowances.safeParse(await this.db.get('state', KEYS.allowances));
    return parsed.success ? parsed.data : {};
  }

  async saveAllowances(map: Allowances): Promise<void> {
    await this.db.put('state', Allowances.parse(map), KEYS.allowances);
  }
}
