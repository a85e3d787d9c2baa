/**
 * Alert rules evaluated at ingest, inside the ingest transaction (an acknowledged event is stored
 * with the alerts it raised). Like Incydr's alert sessions, the events of one user that match one
 * rule within an hour of each other, by the events' sort time, join one alert; an event more than an
 * hour from every open alert of that rule and user starts a new one. Closed alerts are never joined.
 *
 * Events without a user email are grouped under user null per rule, the same way (an hour-long
 * session each), so anonymous activity still alerts without one alert per event; conditions about
 * people (`users`, `watchlists`) never match them.
 */
import type { Transaction } from 'kysely';
import { randomUUID } from 'node:crypto';
import type { ConsoleDatabase } from '../db/schema';
import { severityRank, type IngestHook, type StoredEvent } from '../events/store';
import { listRules, ruleMatches, type AlertRule } from './rules';

export const ALERT_SESSION_MS = 60 * 60_000;
/** The states in which an alert still takes new events. */
export const JOINABLE_STATES = ['OPEN', 'PENDING'] as const;
/** Bound-parameter budget per statement, well inside both engines' limits. */
const IN_LIST = 500;

type Trx = Transaction<ConsoleDatabase>;

interface Session {
  seq?: number;
  severityRank: number;
  eventCount: number;
  firstEventAt: number;
  lastEventAt: number;
  added: { event_seq: number; sort_at: number }[];
}

const fits = (s: Session, at: number) => at >= s.firstEventAt - ALERT_SESSION_MS && at <= s.lastEventAt + ALERT_SESSION_MS;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

async function memberships(trx: Trx, emails: string[], watchlists: string[]): Promise<Map<string, Set<string>>> {
  const out = new Map<string, Set<string>>();
  if (!emails.length || !watchlists.length) return out;
  for (const part of chunks(emails, IN_LIST)) {
    const rows = await trx.selectFrom('watchlist_members').select(['email', 'watchlist_id']).where('email', 'in', part).where('watchlist_id', 'in', watchlists).execute();
    for (const r of rows) {
      let set = out.get(r.email);
      if (!set) out.set(r.email, (set = new Set()));
      set.add(r.watchlist_id);
    }
  }
  return out;
}

/** The open alert of this rule and user whose session an event at `at` falls in, if any. */
async function findOpen(trx: Trx, ruleId: string, email: string | null, at: number): Promise<Session | undefined> {
  const row = await trx
    .selectFrom('alerts')
    .select(['seq', 'severity_rank', 'event_count', 'first_event_at', 'last_event_at'])
    .where('rule_id', '=', ruleId)
    .where('user_email', email === null ? 'is' : '=', email)
    .where('state', 'in', JOINABLE_STATES)
    .where('last_event_at', '>=', at - ALERT_SESSION_MS)
    .where('first_event_at', '<=', at + ALERT_SESSION_MS)
    .orderBy('last_event_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return (
    row && {
      seq: Number(row.seq),
      severityRank: Number(row.severity_rank),
      eventCount: Number(row.event_count),
      firstEventAt: Number(row.first_event_at),
      lastEventAt: Number(row.last_event_at),
      added: [],
    }
  );
}

async function save(trx: Trx, session: Session, ruleId: string, email: string | null, now: number): Promise<void> {
  const fields = {
    severity_rank: session.severityRank,
    event_count: session.eventCount,
    first_event_at: session.firstEventAt,
    last_event_at: session.lastEventAt,
    updated_at: now,
  };
  let seq = session.seq;
  if (seq === undefined) {
    const row = await trx
      .insertInto('alerts')
      .values({ id: randomUUID(), rule_id: ruleId, user_email: email, state: 'OPEN', created_at: now, assignee: null, note_count: 0, ...fields })
      .returning('seq')
      .executeTakeFirstOrThrow();
    seq = Number(row.seq);
  } else {
    await trx.updateTable('alerts').set(fields).where('seq', '=', seq).execute();
  }
  const alertSeq = seq;
  for (const part of chunks(session.added, IN_LIST)) {
    await trx.insertInto('alert_events').values(part.map((l) => ({ alert_seq: alertSeq, ...l }))).execute();
  }
}

async function raiseAlerts(trx: Trx, rule: AlertRule, email: string | null, events: StoredEvent[]): Promise<void> {
  events.sort((a, b) => a.sortAt - b.sortAt || a.seq - b.seq);
  const now = events[0]!.receivedAt;
  let session: Session | undefined;
  for (const s of events) {
    if (!session || !fits(session, s.sortAt)) {
      if (session) await save(trx, session, rule.id, email, now);
      session = (await findOpen(trx, rule.id, email, s.sortAt)) ?? { severityRank: 0, eventCount: 0, firstEventAt: s.sortAt, lastEventAt: s.sortAt, added: [] };
    }
    session.eventCount += 1;
    session.severityRank = Math.max(session.severityRank, severityRank(s.event.risk.severity));
    session.firstEventAt = Math.min(session.firstEventAt, s.sortAt);
    session.lastEventAt = Math.max(session.lastEventAt, s.sortAt);
    session.added.push({ event_seq: s.seq, sort_at: s.sortAt });
  }
  if (session) await save(trx, session, rule.id, email, now);
}

/** The ingest hook: matches new events against the enabled rules and files them into alerts. */
export const alertIngestHook: IngestHook = async (trx, stored) => {
  if (!stored.length) return;
  const rules = await listRules(trx, { enabled: true });
  if (!rules.length) return;
  const emailOf = (s: StoredEvent) => s.event.user.email?.toLowerCase() ?? null;
  const emails = [...new Set(stored.map(emailOf).filter((e): e is string => e !== null))];
  const watched = [...new Set(rules.flatMap((r) => r.conditions.watchlists ?? []))];
  const lists = await memberships(trx, emails, watched);
  const none = new Set<string>();

  const groups = new Map<string, { rule: AlertRule; email: string | null; events: StoredEvent[] }>();
  for (const s of stored) {
    const email = emailOf(s);
    const input = { event: s.event, email, watchlists: (email && lists.get(email)) || none };
    for (const rule of rules) {
      if (!ruleMatches(rule.conditions, input)) continue;
      const key = `${rule.id}\u0000${email ?? ''}`;
      let group = groups.get(key);
      if (!group) groups.set(key, (group = { rule, email, events: [] }));
      group.events.push(s);
    }
  }
  for (const { rule, email, events } of groups.values()) await raiseAlerts(trx, rule, email, events);
};
