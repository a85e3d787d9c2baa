/**
 * One user action's decision across its messages (a drop of more files than fit in one message is
 * split, each part decided on its own): the strictest part leads, and every event of the action ends
 * with the leader's response, since the content script holds all the files until every part is
 * decided and then acts on the strictest.
 */
import { stricter } from '../core/response/match';
import type { FileEvent } from '../core/schema/event';
import type { EventResponse } from '../core/schema/response';
import type { ScoredUpload } from './pipeline';
import type { DecisionRecord } from './response-state';

export interface GroupDeps {
  store: (scored: ScoredUpload) => Promise<FileEvent[]>;
  readStored: (ids: readonly string[]) => Promise<FileEvent[]>;
  updateStored: (events: readonly FileEvent[]) => Promise<void>;
}

/** The part whose decision the action follows: the strictest, the earliest on a tie. */
export function leaderOf<R extends Pick<DecisionRecord, 'effective' | 'at'>>(records: readonly R[]): R | undefined {
  let leader: R | undefined;
  for (const r of records) if (!leader || stricter(r.effective, leader.effective) || (r.effective === leader.effective && r.at < leader.at)) leader = r;
  return leader;
}

const same = (a: EventResponse | undefined, b: EventResponse) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Gives every event of the action `response`: waiting ones are stored (in one write), stored ones
 * updated unless the failure mode already decided them. The records are changed in place (the
 * caller saves them). Returns how many events got the response.
 */
export async function settleGroup(records: readonly DecisionRecord[], response: EventResponse, deps: GroupDeps): Promise<number> {
  const pending = records.flatMap((r) => (r.pending ?? []).map((e) => ({ ...e, response })));
  const leader = leaderOf(records);
  if (pending.length > 0 && leader) await deps.store({ events: pending, destinations: [], activity: leader.activity });
  const stored = (await deps.readStored(records.flatMap((r) => r.storedIds))).filter((e) => e.response?.failure === undefined && !same(e.response, response));
  if (stored.length > 0) await deps.updateStored(stored.map((e) => ({ ...e, response })));
  for (const r of records) {
    if (!r.pending) continue;
    r.storedIds.push(...r.pending.map((e) => e.id));
    delete r.pending;
  }
  return pending.length + stored.length;
}
