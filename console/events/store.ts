/**
 * Stores ingested events: one transaction per batch, idempotent on the event id (a browser retries
 * until it sees a 2xx, so the same event may come twice). Each row keeps the search columns, the
 * credential that delivered it and the address it came from; the hooks (exposure aggregates, alert
 * rules) run in the same transaction, so an acknowledged event is stored with everything it implies.
 */
import type { Kysely, Transaction } from 'kysely';
import { SEVERITIES } from '../../src/core/schema/identifiers';
import type { FileEvent } from '../../src/core/schema/event';
import { engineOf, type Engine } from '../db/engine';
import { ensureMonthPartitions, isNoPartitionError, partitionOf } from '../db/partitions';
import { storableText } from '../http/text';
import type { ConsoleDatabase, EventRow, EventsTable } from '../db/schema';

/** A browser clock may be ahead; beyond this, an event sorts at its receipt time instead. */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;
/** Rows per INSERT statement, well inside both engines' bound-parameter limits. */
const ROWS_PER_STATEMENT = 200;

export interface StoredEvent {
  seq: number;
  sortAt: number;
  receivedAt: number;
  event: FileEvent;
}

export interface IngestContext {
  credentialId: string;
  clientIp: string;
  receivedAt: number;
}

/** Runs inside the ingest transaction with the events that were new. */
export type IngestHook = (trx: Transaction<ConsoleDatabase>, stored: readonly StoredEvent[]) => Promise<void>;
/** Runs after the ingest transaction committed, with the events that were new; catches its own errors. */
export type CommittedHook = (db: Kysely<ConsoleDatabase>, stored: readonly StoredEvent[]) => Promise<void>;

export function severityRank(severity: FileEvent['risk']['severity']): number {
  return SEVERITIES.indexOf(severity);
}

export function sortTime(observedAt: number, receivedAt: number): number {
  return Math.min(observedAt, receivedAt + MAX_CLOCK_SKEW_MS);
}

/**
 * A person as the search columns, the exposure aggregates and alerts key them: the email
 * lower-cased, made storable (the event itself keeps it as sent).
 */
export function userColumn(email: string | undefined): string | null {
  return email === undefined ? null : storableText(email.toLowerCase());
}

export function toRow(event: FileEvent, context: IngestContext): Omit<EventsTable, 'seq'> {
  const observedAt = Date.parse(event.observedAt);
  return {
    id: event.id,
    observed_at: observedAt,
    received_at: context.receivedAt,
    sort_at: sortTime(observedAt, context.receivedAt),
    user_email: userColumn(event.user.email),
    score: event.risk.score,
    severity_rank: severityRank(event.risk.severity),
    destination_category: event.destination.category,
    service_id: event.destination.serviceId === undefined ? null : storableText(event.destination.serviceId),
    host: storableText(event.destination.host.toLowerCase()),
    file_category: event.file.category,
    file_name: storableText(event.file.name.toLowerCase()),
    file_extension: storableText(event.file.extension.toLowerCase()),
    channel: event.channel,
    trusted: event.destination.trusted ? 1 : 0,
    response_outcome: event.response?.outcome ?? null,
    credential_id: context.credentialId,
    client_ip: context.clientIp,
    // The event as sent: JSON escapes U+0000 and unpaired surrogates, so the text column keeps them.
    body: JSON.stringify(event),
  };
}

/** An event as the API answers it: the event as the browser sent it, plus how it arrived. */
export interface ApiEvent extends FileEvent {
  received: { at: string; credential: string | null; clientIp: string | null };
}

export class EventStore {
  readonly #hooks: IngestHook[] = [];
  readonly #committedHooks: CommittedHook[] = [];
  /** PostgreSQL: the months whose event partitions this node saw made. */
  readonly #months = new Set<number>();
  readonly #credentialNames = new Map<string, string>();

  readonly engine: Engine;

  constructor(private readonly db: Kysely<ConsoleDatabase>) {
    this.engine = engineOf(db);
  }

  addIngestHook(hook: IngestHook): void {
    this.#hooks.push(hook);
  }

  addCommittedHook(hook: CommittedHook): void {
    this.#committedHooks.push(hook);
  }

  /** PostgreSQL: the receipt month's partition, made when this node has not seen it yet. */
  async #ensurePartition(receivedAt: number, again = false): Promise<void> {
    const month = partitionOf(receivedAt).from;
    if (this.engine !== 'postgres' || (this.#months.has(month) && !again)) return;
    await ensureMonthPartitions(this.db as Kysely<unknown>, month, month);
    this.#months.add(month);
  }

  /**
   * PostgreSQL: `events` is partitioned and cannot hold the id unique, `event_ids` does (migration
   * 0009). An id new there is stored; one already there (or being stored by another node, whose
   * commit this insert waits for) is a duplicate.
   */
  async #insertNew(trx: Transaction<ConsoleDatabase>, rows: Omit<EventsTable, 'seq'>[]) {
    if (this.engine !== 'postgres')
      return trx
        .insertInto('events')
        .values(rows)
        .onConflict((oc) => oc.column('id').doNothing())
        .returning(['seq', 'id', 'sort_at'])
        .execute();
    const fresh = await trx
      .insertInto('event_ids')
      .values(rows.map((r) => ({ id: r.id, received_at: r.received_at })))
      .onConflict((oc) => oc.column('id').doNothing())
      .returning('id')
      .execute();
    const ids = new Set(fresh.map((f) => f.id));
    const news = rows.filter((r) => ids.has(r.id));
    return news.length ? trx.insertInto('events').values(news).returning(['seq', 'id', 'sort_at']).execute() : [];
  }

  async ingest(events: readonly FileEvent[], context: IngestContext): Promise<{ accepted: number; duplicates: number }> {
    // The same id twice in one batch is one event.
    const unique = [...new Map(events.map((e) => [e.id, e])).values()];
    // On PostgreSQL two nodes may store overlapping batches at once; inserting in id order makes
    // them wait for each other instead of deadlocking on the id index. (SQLite has one writer.)
    if (this.engine === 'postgres') unique.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const byId = new Map(unique.map((e) => [e.id, e]));
    await this.#ensurePartition(context.receivedAt);
    const store = () =>
      this.db.transaction().execute(async (trx) => {
        const inserted: StoredEvent[] = [];
        for (let i = 0; i < unique.length; i += ROWS_PER_STATEMENT) {
          const rows = unique.slice(i, i + ROWS_PER_STATEMENT).map((e) => toRow(e, context));
          const result = await this.#insertNew(trx, rows);
          for (const r of result) inserted.push({ seq: Number(r.seq), sortAt: Number(r.sort_at), receivedAt: context.receivedAt, event: byId.get(r.id)! });
        }
        const partitionKey = this.engine === 'postgres' ? { received_at: context.receivedAt } : {};
        const indicators = inserted.flatMap((s) =>
          s.event.risk.indicators.map((ind) => ({ event_seq: s.seq, indicator: storableText(ind.id), sort_at: s.sortAt, ...partitionKey })),
        );
        // An indicator listed twice in one event is stored once (the key is indicator + event).
        const seen = new Set<string>();
        const uniqueIndicators = indicators.filter((r) => {
          const k = `${r.event_seq}\u0000${r.indicator}`;
          return seen.has(k) ? false : (seen.add(k), true);
        });
        for (let i = 0; i < uniqueIndicators.length; i += ROWS_PER_STATEMENT * 2) {
          await trx
            .insertInto('event_indicators')
            .values(uniqueIndicators.slice(i, i + ROWS_PER_STATEMENT * 2))
            .execute();
        }
        for (const hook of this.#hooks) await hook(trx, inserted);
        return inserted;
      });
    // A month's partition another node's retention dropped (clocks far apart): made again, stored again.
    const stored = await store().catch(async (err: unknown) => {
      if (!isNoPartitionError(err)) throw err;
      await this.#ensurePartition(context.receivedAt, true);
      return store();
    });
    if (stored.length) for (const hook of this.#committedHooks) await hook(this.db, stored);
    return { accepted: stored.length, duplicates: events.length - stored.length };
  }

  async get(id: string): Promise<ApiEvent | undefined> {
    const row = await this.db.selectFrom('events').selectAll().where('id', '=', id).executeTakeFirst();
    return row && (await this.toApiEvents([row]))[0];
  }

  /** The API form of stored rows, in the given order. */
  async toApiEvents(rows: readonly Pick<EventRow, 'body' | 'received_at' | 'credential_id' | 'client_ip'>[]): Promise<ApiEvent[]> {
    const unknownIds = [...new Set(rows.map((r) => r.credential_id).filter((id): id is string => id !== null && !this.#credentialNames.has(id)))];
    if (unknownIds.length) {
      const creds = await this.db.selectFrom('credentials').select(['id', 'name']).where('id', 'in', unknownIds).execute();
      for (const c of creds) this.#credentialNames.set(c.id, c.name);
    }
    return rows.map((r) => ({
      ...(JSON.parse(r.body) as FileEvent),
      received: {
        at: new Date(Number(r.received_at)).toISOString(),
        credential: r.credential_id === null ? null : (this.#credentialNames.get(r.credential_id) ?? null),
        clientIp: r.client_ip,
      },
    }));
  }

  async count(): Promise<number> {
    const r = await this.db
      .selectFrom('events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }
}
