/**
 * What the response keeps between messages, persisted because the MV3 worker may be stopped
 * between a warning and the person's answer (docs/response.md "What is recorded"): the decisions of
 * the last hour, one record per message of an action (a big drop is split into several), with a
 * warned action's events until its outcome; and the temporary allows.
 *
 * They live in the database's `state` store under their own keys (`response:decision:<tab>:<id>…`
 * and `responseAllowances`), each validated on read: a damaged record is skipped, never thrown on.
 */
import { z } from 'zod';
import { Allowances } from '../core/response/allowances';
import { FileEvent } from '../core/schema/event';
import { JustificationMode, ResponseAction } from '../core/schema/response';
import type { Database } from './db';

export const DecisionRecord = z.object({
  /** This message's part of the action: its first event's id. */
  part: z.string().max(64),
  /** The tab the decision was for: only that tab may report its outcome. */
  tabId: z.number().int().optional(),
  decisionId: z.string().max(64),
  /** The rule's action (what the event's `response.action` says). */
  action: ResponseAction,
  /** What the content script was told (a temporary allow turns a warn into allow). */
  effective: ResponseAction,
  ruleId: z.string().max(64).optional(),
  justification: JustificationMode,
  temporaryAllowMinutes: z.number().int().positive().optional(),
  /** A temporary allow let this warn rule pass until then. */
  allowedUntil: z.number().optional(),
  allowanceKey: z.string().max(700),
  /** The local time the upload's history was written with (written again with a late store: once per hour, so harmless). */
  activity: z.object({ weekday: z.number(), hour: z.number(), minute: z.number(), day: z.string().max(10) }),
  decidedInMs: z.number().nonnegative(),
  at: z.number(),
  /** Stored events of this part (a later outcome updates them). */
  storedIds: z.array(z.string().max(64)).max(1000),
  /** A warned action's events, waiting for the person's answer; stored when it comes or the wait ends. */
  pending: z.array(FileEvent).max(1000).optional(),
  /** The wait ended without an answer: stored as `warned`, and a late answer still replaces it. */
  unanswered: z.boolean().optional(),
});
export type DecisionRecord = z.infer<typeof DecisionRecord>;

const PREFIX = 'response:decision:';
const ALLOWANCES = 'responseAllowances';

/** The key prefix of one action's records. */
export const groupKey = (tabId: number | undefined, decisionId: string) => `${PREFIX}${tabId ?? '-'}:${decisionId}\u0000`;
const range = (prefix: string) => IDBKeyRange.bound(prefix, `${prefix}\uffff`);

export interface StoredRecord {
  key: string;
  record: DecisionRecord;
}

/**
 * The temporary allows in memory, shared by every ResponseState of one worker: read from the
 * database once, then kept with every grant (written through), so a decision reads no database
 * (a read would wait for the writes of the uploads before it). Only this worker writes them.
 */
export class AllowanceMemo {
  known?: Promise<Allowances>;
}

export class ResponseState {
  private memo = new AllowanceMemo();

  constructor(private readonly db: Database) {}

  /** Shares `memo` (the responder's) instead of reading the allows from the database each time. */
  remembering(memo: AllowanceMemo): this {
    this.memo = memo;
    return this;
  }

  private async read(prefix: string): Promise<StoredRecord[]> {
    const [keys, values] = await Promise.all([this.db.getAllKeys('state', range(prefix)), this.db.getAll('state', range(prefix))]);
    return keys.flatMap((key, i) => {
      const parsed = DecisionRecord.safeParse(values[i]);
      return parsed.success ? [{ key, record: parsed.data }] : [];
    });
  }

  /** The records of one action, in no particular order. */
  group(tabId: number | undefined, decisionId: string): Promise<StoredRecord[]> {
    return this.read(groupKey(tabId, decisionId));
  }

  all(): Promise<StoredRecord[]> {
    return this.read(PREFIX);
  }

  async put(record: DecisionRecord): Promise<void> {
    await this.db.put('state', DecisionRecord.parse(record), `${groupKey(record.tabId, record.decisionId)}${record.part}`);
  }

  async remove(keys: readonly string[]): Promise<void> {
    const tx = this.db.transaction('state', 'readwrite');
    await Promise.all([...keys.map((k) => tx.store.delete(k)), tx.done]);
  }

  allowances(): Promise<Allowances> {
    const memo = this.memo;
    return (memo.known ??= this.readAllowances().catch((err: unknown) => {
      // A failed read is tried again next time, not remembered.
      memo.known = undefined;
      throw err;
    }));
  }

  private async readAllowances(): Promise<Allowances> {
    const parsed = Allowances.safeParse(await this.db.get('state', ALLOWANCES));
    return parsed.success ? parsed.data : {};
  }

  /** Remembered once stored: a grant that could not be stored is not in force either. */
  async saveAllowances(map: Allowances): Promise<void> {
    const valid = Allowances.parse(map);
    await this.db.put('state', valid, ALLOWANCES);
    this.memo.known = Promise.resolve(valid);
  }
}
