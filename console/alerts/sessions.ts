/**
 * Alert rules evaluated at ingest, inside the ingest transaction (an acknowledged event is stored
 * with the alerts it raised). Like Incydr's alert sessions, the events of one user that match one
 * rule within an hour of each other, by the events' sort time, join one alert; an event more than an
 * hour from every open alert of that rule and user starts a new one. Closed alerts are never joined.
 *
 * Events without a user email are grouped under user null per rule, the same way (an hour-long
 * session each), so anonymous activity still alerts without one alert per event; conditions about
 * people (`users`, `watchlists`) never match them.
 *
 * A batch costs a fixed handful of statements whatever its number of users and rules: one read of
 * the open alerts it may join (per 500 users), bulk inserts of new alerts and links, one update per
 * 100 alerts.
 */
import { sql, type Transaction } from 'kysely';
import { randomUUID } from 'node:crypto';
import { lockNames } from '../db/engine';
import type { ConsoleDatabase } from '../db/schema';
import { severityRank, userColumn, type IngestHook, type StoredEvent } from '../events/store';
import { recordAlertChanges, type AlertChangeKind } from './changes';
import { listRules, ruleMatches, type AlertRule } from './rules';

export const ALERT_SESSION_MS = 60 * 60_000;
/** The states in which an alert still takes new events. */
export const JOINABLE_STATES = ['OPEN', 'PENDING'] as const;
/** Values per IN list, and rows per statement: well inside both engines' bound-parameter limits. */
const IN_LIST = 500;
const ROWS = 100;

type Trx = Transaction<ConsoleDatabase>;

interface Session {
  seq?: number;
  id: string;
  ruleId: string;
  email: string | null;
  severityRank: number;
  eventCount: number;
  firstEventAt: number;
  lastEventAt: number;
  added: { event_seq: number; sort_at: number }[];
}

interface Group {
  rule: AlertRule;
  email: string | null;
  events: StoredEvent[];
}

const keyOf = (ruleId: string, email: string | null) => `${ruleId}\u0000${email ?? ''}`;
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
    const rows = await trx
      .selectFrom('watchlist_members')
      .select(['email', 'watchlist_id'])
      .where('email', 'in', part)
      .where('watchlist_id', 'in', watchlists)
      .execute();
    for (const r of rows) {
      let set = out.get(r.email);
      if (!set) out.set(r.email, (set = new Set()));
      set.add(r.watchlist_id);
    }
  }
  return out;
}

/** The open alerts of the groups' rules and users whose sessions the batch's events may fall in, by group. */
async function openSessions(trx: Trx, groups: readonly Group[]): Promise<Map<string, Session[]>> {
  let from = Infinity;
  let to = -Infinity;
  for (const e of groups.flatMap((g) => g.events)) {
    from = Math.min(from, e.sortAt - ALERT_SESSION_MS);
    to = Math.max(to, e.sortAt + ALERT_SESSION_MS);
  }
  const emails = [...new Set(groups.map((g) => g.email).filter((e): e is string => e !== null))];
  const anonymous = groups.some((g) => g.email === null);
  // By user and time (the alerts_session index); the rule is checked on the few rows that gives.
  const base = trx
    .selectFrom('alerts')
    .select(['seq', 'id', 'rule_id', 'user_email', 'severity_rank', 'event_count', 'first_event_at', 'last_event_at'])
    .where('last_event_at', '>=', from)
    .where('first_event_at', '<=', to)
    .where('state', 'in', JOINABLE_STATES);
  const rows = anonymous ? await base.where('user_email', 'is', null).execute() : [];
  for (const part of chunks(emails, IN_LIST)) rows.push(...(await base.where('user_email', 'in', part).execute()));
  const out = new Map<string, Session[]>();
  const ruleIds = new Set(groups.map((g) => g.rule.id));
  for (const r of rows) {
    if (!ruleIds.has(r.rule_id)) continue;
    const session: Session = {
      seq: Number(r.seq),
      id: r.id,
      ruleId: r.rule_id,
      email: r.user_email,
      severityRank: Number(r.severity_rank),
      eventCount: Number(r.event_count),
      firstEventAt: Number(r.first_event_at),
      lastEventAt: Number(r.last_event_at),
      added: [],
    };
    const key = keyOf(session.ruleId, session.email);
    out.set(key, [...(out.get(key) ?? []), session]);
  }
  return out;
}

/** Files one group's events into sessions: the latest open one each event fits, else a new one. */
function fileEvents(group: Group, sessions: Session[]): void {
  group.events.sort((a, b) => a.sortAt - b.sortAt || a.seq - b.seq);
  for (const s of group.events) {
    let session = sessions.filter((c) => fits(c, s.sortAt)).sort((a, b) => b.lastEventAt - a.lastEventAt)[0];
    if (!session) {
      session = {
        id: randomUUID(),
        ruleId: group.rule.id,
        email: group.email,
        severityRank: 0,
        eventCount: 0,
        firstEventAt: s.sortAt,
        lastEventAt: s.sortAt,
        added: [],
      };
      sessions.push(session);
    }
    session.eventCount += 1;
    session.severityRank = Math.max(session.severityRank, severityRank(s.event.risk.severity));
    session.firstEventAt = Math.min(session.firstEventAt, s.sortAt);
    session.lastEventAt = Math.max(session.lastEventAt, s.sortAt);
    session.added.push({ event_seq: s.seq, sort_at: s.sortAt });
  }
}

async function save(trx: Trx, touched: readonly Session[], now: number): Promise<void> {
  const joined = touched.filter((s) => s.seq !== undefined);
  const created = touched.filter((s) => s.seq === undefined);
  for (const part of chunks(created, ROWS)) {
    const rows = await trx
      .insertInto('alerts')
      .values(
        part.map((s) => ({
          id: s.id,
          rule_id: s.ruleId,
          user_email: s.email,
          state: 'OPEN',
          severity_rank: s.severityRank,
          event_count: s.eventCount,
          first_event_at: s.firstEventAt,
          last_event_at: s.lastEventAt,
          created_at: now,
          updated_at: now,
          assignee: null,
          note_count: 0,
        })),
      )
      .returning(['id', 'seq'])
      .execute();
    const seqById = new Map(rows.map((r) => [r.id, Number(r.seq)]));
    for (const s of part) s.seq = seqById.get(s.id);
  }
  // One UPDATE … FROM (VALUES …) per 100 alerts (SQLite ≥ 3.33 and PostgreSQL both have it); the
  // first row's casts give PostgreSQL the columns' types (the statement stays short to prepare).
  for (const part of chunks(joined, ROWS)) {
    const row = (s: Session, i: number) =>
      sql`(${sql.join([s.seq!, s.severityRank, s.eventCount, s.firstEventAt, s.lastEventAt].map((v) => (i === 0 ? sql`CAST(${v} AS bigint)` : sql`${v}`)))})`;
    const values = sql.join(part.map(row));
    await sql`UPDATE alerts SET severity_rank = v.column2, event_count = v.column3, first_event_at = v.column4, last_event_at = v.column5, updated_at = ${now}
      FROM (VALUES ${values}) AS v WHERE alerts.seq = v.column1`.execute(trx);
  }
  const links = touched.flatMap((s) => s.added.map((l) => ({ alert_seq: s.seq!, ...l })));
  for (const part of chunks(links, IN_LIST)) await trx.insertInto('alert_events').values(part).execute();
  const change = (kind: AlertChangeKind) => (s: Session) => ({ alertSeq: s.seq!, kinds: [kind] });
  await recordAlertChanges(trx, [...created.map(change('created')), ...joined.map(change('events_added'))], now);
}

/** The ingest hook: matches new events against the enabled rules and files them into alerts. */
export const alertIngestHook: IngestHook = async (trx, stored) => {
  if (!stored.length) return;
  const rules = await listRules(trx, { enabled: true });
  if (!rules.length) return;
  const emailOf = (s: StoredEvent) => userColumn(s.event.user.email);
  const emails = [...new Set(stored.map(emailOf).filter((e): e is string => e !== null))];
  const watched = [...new Set(rules.flatMap((r) => r.conditions.watchlists ?? []))];
  const lists = await memberships(trx, emails, watched);
  const none = new Set<string>();

  const groups = new Map<string, Group>();
  for (const s of stored) {
    const email = emailOf(s);
    const input = { event: s.event, email, watchlists: (email && lists.get(email)) || none };
    for (const rule of rules) {
      if (!ruleMatches(rule.conditions, input)) continue;
      const key = keyOf(rule.id, email);
      let group = groups.get(key);
      if (!group) groups.set(key, (group = { rule, email, events: [] }));
      group.events.push(s);
    }
  }
  if (!groups.size) return;
  // Several console nodes on one PostgreSQL: two ingests of one user's events for one rule take
  // turns from here to commit, so the second sees the alert the first created or joined.
  await lockNames(
    trx,
    [...groups.values()].map((g) => `alert-session:${g.rule.id}:${g.email ?? ''}`),
  );
  const open = await openSessions(trx, [...groups.values()]);
  const touched: Session[] = [];
  for (const [key, group] of groups) {
    const sessions = open.get(key) ?? [];
    fileEvents(group, sessions);
    touched.push(...sessions.filter((s) => s.added.length));
  }
  await save(trx, touched, stored[0]!.receivedAt);
};
