/**
 * Forensic search: combinable filters over the stored events, paged by keyset, in one of three
 * orders (`SEARCH_ORDERS`): newest first by (sort_at, seq) (the default), oldest first by the same
 * key, or riskiest first by (score, sort_at, seq), which the (score, sort_at, seq) index of
 * migration 0014 serves when no filter has an index of its own. A filter's own index yields its
 * rows in time order, both ways; in the riskiest order those rows are sorted (their count is the
 * cost: fine for a selective filter, docs/scaling.md). The cursor carries the order and its key,
 * and a cursor of one order is refused by another. A page reads about as many rows as it returns because the query is driven by
 * one ordered index chosen here, not left to the planner: the most selective filter's
 * (column, sort_at, seq) index, one ordered scan per value when the filter lists several (merged
 * here), the indicator table for indicators, or the (sort_at, seq, file_name) index when no filter
 * has one.
 * The other filters are checked on the rows the driving index yields. (One exception: when the
 * time index drives on PostgreSQL, the time ranges are left for its planner to weigh, see
 * `conditions`, and an observed range is read in two parts, see `searchEvents`.)
 *
 * Paging stays exact while events arrive: the first page fixes what it saw and every later page
 * reads only that, so each event present at the first page is listed once and no other is.
 * - SQLite commits in seq order: the highest seq at the first page is the bound.
 * - PostgreSQL gives out identity values at insert and commits in any order (a batch that took seq
 *   100 may commit after one that took 101 was listed), so a seq bound would let a later page list
 *   an event the first page never saw. The bound is the first page's snapshot instead: every event
 *   records its transaction (ingest_xact, migration 0006) and later pages keep the events visible
 *   in that snapshot (pg_visible_in_snapshot), in the cursor as `x`.
 * A page reads keys first and the stored rows of the page after, so an index that covers the
 * filters (the listing index carries the file name) spares reading the event JSON of skipped rows.
 */
import { sql, type Expression, type ExpressionBuilder, type Kysely, type SelectQueryBuilder, type SqlBool } from 'kysely';
import { z } from 'zod';
import { CHANNELS, DESTINATION_CATEGORIES, FILE_CATEGORIES, SEVERITIES } from '../../src/core/schema/identifiers';
import { RESPONSE_OUTCOMES } from '../../src/core/schema/response';
import { severityOf } from '../../src/core/risk/severity';
import { engineOf } from '../db/engine';
import type { ConsoleDatabase, EventRow } from '../db/schema';
import { HttpError } from '../http/route';
import { CompactSnapshot, compactSnapshot, pgSnapshot, snapshotXmin } from './search-snapshot';
import { MAX_CLOCK_SKEW_MS } from './store';

const MAX_VALUES = 50;
/** A comma-separated list of values (each trimmed; `a,b` means either). */
function list<T extends z.ZodType<string | number, string>>(item: T, description: string, values?: readonly string[]) {
  const allowed = values ? ` One of: ${values.join(', ')}.` : '';
  return z
    .string()
    .max(4096)
    .transform((s) => s.split(',').map((v) => v.trim()))
    .pipe(z.array(item).min(1).max(MAX_VALUES))
    .optional()
    .meta({ description: `${description}${allowed} Comma-separated: any of them.` });
}

const lower = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .transform((s) => s.toLowerCase());
const Instant = (description: string) =>
  z.iso
    .datetime({ offset: true })
    .transform((s) => Date.parse(s))
    .optional()
    .meta({ description });
const Score = z.coerce.number().int().min(0).max(10_000);

const FILTER_FIELDS = {
  user: list(lower(320), 'User email (case-insensitive).'),
  minSeverity: z.enum(SEVERITIES).optional().meta({ description: 'Lowest severity listed.' }),
  minScore: Score.optional().meta({ description: 'Lowest risk score listed.' }),
  maxScore: Score.optional().meta({ description: 'Highest risk score listed.' }),
  destinationCategory: list(z.enum(DESTINATION_CATEGORIES), 'Destination category.', DESTINATION_CATEGORIES),
  serviceId: list(z.string().min(1).max(64), 'Destination service id (catalog).'),
  host: list(lower(255), 'Destination host (case-insensitive).'),
  fileCategory: list(z.enum(FILE_CATEGORIES), 'File category.', FILE_CATEGORIES),
  fileName: z.string().min(1).max(256).optional().meta({ description: 'Text the file name contains (case-insensitive).' }),
  extension: list(
    lower(64).transform((s) => s.replace(/^\./, '')),
    'File extension, without the dot (case-insensitive).',
  ),
  indicator: list(z.string().regex(/^[a-z0-9_]{1,64}$/), 'Risk indicator id (a user indicator such as off_hours, or a destination, source or file category).'),
  channel: list(z.enum(CHANNELS), 'How the file was handed to the page.', CHANNELS),
  outcome: list(z.enum(RESPONSE_OUTCOMES), 'What a response rule did to the upload (events no rule acted on match none).', RESPONSE_OUTCOMES),
  trusted: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional()
    .meta({ description: 'Trusted activity only, or untrusted only.' }),
  observedFrom: Instant('Observed at or after (ISO 8601).'),
  observedTo: Instant('Observed before (ISO 8601).'),
  receivedFrom: Instant('Received at or after (ISO 8601).'),
  receivedTo: Instant('Received before (ISO 8601).'),
};

const scoresInOrder = (f: { minScore?: number; maxScore?: number }) => f.minScore === undefined || f.maxScore === undefined || f.minScore <= f.maxScore;

/** The search filters plus `extra` query parameters (paging, format), checked together. */
export function filterQuery<E extends z.ZodRawShape>(extra: E) {
  return z
    .object({ ...FILTER_FIELDS, ...extra })
    .refine((f) => scoresInOrder(f as { minScore?: number; maxScore?: number }), { message: 'minScore is above maxScore', path: ['minScore'] });
}

export const EventFilters = filterQuery({});
export type EventFilters = z.infer<typeof EventFilters>;

/** The orders a search lists in; `newest` is the default, and its cursors carry no order. */
export const SEARCH_ORDERS = ['newest', 'oldest', 'riskiest'] as const;
export type SearchOrder = (typeof SEARCH_ORDERS)[number];

/**
 * Where a listing continues: the snapshot's highest seq, the last (sort_at, seq) answered and, on
 * PostgreSQL, the snapshot; for another order than newest, the order (`o`) and, riskiest, the last score (`r`).
 */
export const SearchPosition = z.object({
  m: z.number().int(),
  s: z.number().int(),
  q: z.number().int(),
  x: CompactSnapshot.optional(),
  o: z.enum(['oldest', 'riskiest']).optional(),
  r: z.number().int().optional(),
});
export type SearchPosition = z.infer<typeof SearchPosition>;

export const ROW_COLUMNS = ['seq', 'sort_at', 'body', 'received_at', 'credential_id', 'client_ip'] as const;
export type SearchRow = Pick<EventRow, (typeof ROW_COLUMNS)[number]>;

type Column =
  | 'user_email'
  | 'severity_rank'
  | 'destination_category'
  | 'service_id'
  | 'host'
  | 'file_category'
  | 'file_extension'
  | 'channel'
  | 'response_outcome'
  | 'trusted';
const INT_COLUMNS: readonly Column[] = ['severity_rank', 'trusted'];
type Driver = { kind: 'column'; column: Column; values: readonly (string | number)[] } | { kind: 'indicator'; values: readonly string[] } | { kind: 'time' };
type SearchDb = ConsoleDatabase & { ei: ConsoleDatabase['event_indicators'] };
type Eb = ExpressionBuilder<SearchDb, 'events' | 'ei'>;
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- nothing selected yet
type Base = SelectQueryBuilder<SearchDb, 'events' | 'ei', {}>;

function severityRanks(filters: EventFilters): number[] | undefined {
  // Severity follows from the score (docs/architecture.md, severity bands), so a minimum score also bounds the severity.
  const fromSeverity = filters.minSeverity ? SEVERITIES.indexOf(filters.minSeverity) : 0;
  const fromScore = filters.minScore ? SEVERITIES.indexOf(severityOf(filters.minScore)) : 0;
  const lowest = Math.max(fromSeverity, fromScore);
  return lowest > 0 ? SEVERITIES.map((_, i) => i).filter((i) => i >= lowest) : undefined;
}

/**
 * The driving index: the filter likely to match the fewest rows (by how many distinct values its
 * column has). Riskiest first, a severity (or lowest score) never drives: severity follows the
 * score, so its matches lead the score index, which serves the order without a sort.
 */
function chooseDriver(filters: EventFilters, order: SearchOrder): Driver {
  const candidates: [Column | 'indicator', readonly (string | number)[] | undefined][] = [
    ['user_email', filters.user],
    ['host', filters.host],
    ['service_id', filters.serviceId],
    ['file_extension', filters.extension],
    ['indicator', filters.indicator],
    // Only the events a rule acted on have an outcome (a partial index of them).
    ['response_outcome', filters.outcome],
    ['file_category', filters.fileCategory],
    ['destination_category', filters.destinationCategory],
    ['channel', filters.channel],
    ['severity_rank', order === 'riskiest' ? undefined : severityRanks(filters)],
    ['trusted', filters.trusted === undefined ? undefined : [filters.trusted ? 1 : 0]],
  ];
  for (const [column, values] of candidates) {
    if (!values) continue;
    const unique = [...new Set(values)];
    return column === 'indicator' ? { kind: 'indicator', values: unique as string[] } : { kind: 'column', column, values: unique };
  }
  return { kind: 'time' };
}

const LIKE_ESCAPE = '\\';
export const likePattern = (text: string) => `%${text.toLowerCase().replace(/[\\%_]/g, (c) => LIKE_ESCAPE + c)}%`;

/**
 * The filters other than the driver. Their columns are wrapped in a no-op (`|| ''`, `+ 0`) so
 * neither engine's planner drives the query by their index instead of the one chosen.
 *
 * But when the time index drives on PostgreSQL, the score and time ranges are left bare: the
 * planner cannot tell how many rows a wrapped range keeps, guessed few, and so planned a scan of
 * every month and a sort instead of reading the time index until the page is full. Bare, its
 * statistics tell, the months outside a received range are skipped, and the time index is read.
 */
function conditions(eb: Eb, filters: EventFilters, driver: Driver, postgres: boolean): Expression<SqlBool>[] {
  const text = (column: Column) => sql<string>`(${sql.ref(`events.${column}`)} || '')`;
  const bare = postgres && driver.kind === 'time';
  const int = (column: 'severity_rank' | 'score' | 'trusted' | 'observed_at' | 'received_at') =>
    bare && column !== 'severity_rank' && column !== 'trusted' ? sql.ref<number>(`events.${column}`) : sql<number>`(${sql.ref(`events.${column}`)} + 0)`;
  const out: Expression<SqlBool>[] = [];
  const within = (column: Column, values: readonly (string | number)[] | undefined) => {
    if (!values) return;
    if (driver.kind === 'column' && driver.column === column) return;
    out.push(
      INT_COLUMNS.includes(column) ? eb(int(column as 'severity_rank' | 'trusted'), 'in', values as number[]) : eb(text(column), 'in', values as string[]),
    );
  };
  within('user_email', filters.user);
  within('host', filters.host);
  within('service_id', filters.serviceId);
  within('file_extension', filters.extension);
  within('file_category', filters.fileCategory);
  within('destination_category', filters.destinationCategory);
  within('channel', filters.channel);
  within('severity_rank', severityRanks(filters));
  within('response_outcome', filters.outcome);
  within('trusted', filters.trusted === undefined ? undefined : [filters.trusted ? 1 : 0]);
  if (filters.indicator && driver.kind !== 'indicator') {
    const wanted = filters.indicator;
    out.push(
      eb.exists(eb.selectFrom('event_indicators as x').select('x.event_seq').whereRef('x.event_seq', '=', 'events.seq').where('x.indicator', 'in', wanted)),
    );
  }
  if (filters.minScore !== undefined) out.push(eb(int('score'), '>=', filters.minScore));
  if (filters.maxScore !== undefined) out.push(eb(int('score'), '<=', filters.maxScore));
  // No index leads with the file name, so it needs no wrapping (and the scan is ~15% faster without).
  if (filters.fileName !== undefined) out.push(sql<SqlBool>`${sql.ref('events.file_name')} like ${likePattern(filters.fileName)} escape ${LIKE_ESCAPE}`);
  if (filters.observedFrom !== undefined) out.push(eb(int('observed_at'), '>=', filters.observedFrom));
  if (filters.observedTo !== undefined) out.push(eb(int('observed_at'), '<', filters.observedTo));
  if (filters.receivedFrom !== undefined) out.push(eb(int('received_at'), '>=', filters.receivedFrom));
  if (filters.receivedTo !== undefined) out.push(eb(int('received_at'), '<', filters.receivedTo));
  return out;
}

/**
 * Where the scan starts: after the cursor, and below what the time filters imply for sort_at
 * (sort_at ≤ observed_at, and sort_at ≤ received_at + skew), so the scan starts at the right place.
 */
function upperBound(filters: EventFilters, after: SearchPosition | undefined): { s: number; q: number } | undefined {
  const bounds: { s: number; q: number }[] = [];
  if (after) bounds.push({ s: after.s, q: after.q });
  if (filters.observedTo !== undefined) bounds.push({ s: filters.observedTo, q: 0 });
  if (filters.receivedTo !== undefined) bounds.push({ s: filters.receivedTo + MAX_CLOCK_SKEW_MS, q: 0 });
  return bounds.reduce<{ s: number; q: number } | undefined>((min, b) => (!min || b.s < min.s || (b.s === min.s && b.q < min.q) ? b : min), undefined);
}

export interface SearchPage {
  rows: SearchRow[];
  /** Where the next page starts; undefined at the end. */
  next: SearchPosition | undefined;
}

type Key = { seq: number; sort_at: number; score?: number };
/** Negative when `a` is listed before `b`. */
const COMPARE: Record<SearchOrder, (a: Key, b: Key) => number> = {
  newest: (a, b) => Number(b.sort_at) - Number(a.sort_at) || Number(b.seq) - Number(a.seq),
  oldest: (a, b) => Number(a.sort_at) - Number(b.sort_at) || Number(a.seq) - Number(b.seq),
  riskiest: (a, b) => Number(b.score) - Number(a.score) || COMPARE.newest(a, b),
};

/**
 * One page of a search. `after` is the position a previous page returned (its `m` bounds the
 * snapshot); it must have been returned for the same `order`.
 */
export async function searchEvents(
  db: Kysely<ConsoleDatabase>,
  filters: EventFilters,
  limit: number,
  after?: SearchPosition,
  order: SearchOrder = 'newest',
): Promise<SearchPage> {
  const postgres = engineOf(db) === 'postgres';
  if (after && ((after.o ?? 'newest') !== order || (order === 'riskiest') !== (after.r !== undefined))) {
    throw new HttpError(400, `invalid cursor: it continues a search in another order than ${order}; pass it back with the order it came from`);
  }
  let maxSeq = after?.m;
  let snapshot = after?.x;
  if (maxSeq === undefined) {
    // One statement: the highest seq and the snapshot it was read in.
    const first = await db
      .selectFrom('events')
      .select((eb) => eb.fn.max('seq').as('m'))
      .$if(postgres, (q) => q.select(sql<string>`pg_current_snapshot()::text`.as('x')))
      .executeTakeFirst();
    maxSeq = Number(first?.m ?? 0);
    snapshot = postgres ? compactSnapshot((first as { x: string }).x) : undefined;
  }
  if (!maxSeq) return { rows: [], next: undefined };
  // A snapshot means PostgreSQL's; SQLite has none to look it up in (pg_visible_in_snapshot was a 500 there).
  if (postgres !== (snapshot !== undefined)) throw new HttpError(400, 'invalid cursor: pass back the nextCursor of a previous answer unchanged');
  // Spelled so that PostgreSQL's planner can weigh it. A transaction below the snapshot's xmin had
  // ended when the snapshot was taken, so an event of it that this statement sees is visible in the
  // snapshot: nearly every event, as the column's statistics tell. The bare function got a default
  // third of the rows, and with the seq bound's third the planner expected a ninth of a filter's
  // matches, too few to fill a page, so it read them all and sorted them (docs/scaling.md).
  const visible =
    snapshot &&
    sql<SqlBool>`(${sql.ref('events.ingest_xact')} < ${snapshotXmin(snapshot)}::xid8 or pg_visible_in_snapshot(${sql.ref('events.ingest_xact')}, ${pgSnapshot(snapshot)}::pg_snapshot))`;
  const driver = chooseDriver(filters, order);
  // Newest first, the cursor and the time filters bound the scan's start together; in the other
  // orders the time filters bound sort_at alone (below what they imply), and the cursor its key.
  const upper = upperBound(filters, order === 'newest' ? after : undefined);
  const wanted = limit + 1;

  const scan = (value: string | number | undefined, part?: { from: number; below: boolean }) => {
    const viaIndicators = driver.kind === 'indicator';
    const s = viaIndicators ? 'ei.sort_at' : 'events.sort_at';
    const q = viaIndicators ? 'ei.event_seq' : 'events.seq';
    // Typed as the join in both cases; without the indicator table no `ei.` column is referenced.
    let query = (viaIndicators
      ? db
          .selectFrom('event_indicators as ei')
          .innerJoin('events', 'events.seq', 'ei.event_seq')
          .where('ei.indicator', '=', value as string)
      : db.selectFrom('events')) as unknown as Base;
    if (driver.kind === 'column') query = query.where(`events.${driver.column}`, '=', value!);
    const direction = order === 'oldest' ? 'asc' : 'desc';
    // Keys only: a scan that an index covers never reads the rows (the event JSON) it skips.
    return query
      .select([`${q} as seq`, `${s} as sort_at`])
      .$if(order === 'riskiest', (qb) => qb.select('events.score as score'))
      .where((eb) => {
        const all = conditions(eb, filters, driver, postgres);
        // SQLite commits in seq order: the highest seq is the bound. On PostgreSQL the snapshot bounds
        // the listing alone (every event visible in it has a seq up to m, read in it); a seq bound
        // there, wrapped (bare, its planner once took it to the primary key and read the whole
        // table), cost a default third in the planner's estimate of the matches (see `visible`).
        if (!postgres) all.push(eb(q, '<=', maxSeq));
        if (visible) all.push(visible);
        if (order === 'newest' && upper) all.push(eb(eb.refTuple(s, q), '<', eb.tuple(upper.s, upper.q)));
        if (order !== 'newest' && upper) {
          // Riskiest reads the score index: on SQLite a bare sort_at bound could lead its planner to the time index instead.
          const at = order === 'riskiest' && !postgres ? sql<number>`(${sql.ref(s)} + 0)` : sql.ref<number>(s);
          all.push(eb(at, '<', upper.s));
        }
        if (order === 'oldest' && after) all.push(eb(eb.refTuple(s, q), '>', eb.tuple(after.s, after.q)));
        if (order === 'riskiest' && after) all.push(eb(eb.refTuple('events.score', s, q), '<', eb.tuple(after.r!, after.s, after.q)));
        if (part) all.push(eb(s, part.below ? '<' : '>=', part.from));
        return eb.and(all);
      })
      .$if(order === 'riskiest', (qb) => qb.orderBy('events.score', 'desc'))
      .orderBy(s, direction)
      .orderBy(q, direction)
      .limit(wanted)
      .execute() as Promise<Key[]>;
  };

  let keys: Key[];
  if (order === 'newest' && driver.kind === 'time' && postgres && filters.observedFrom !== undefined) {
    // An event observed in the range sorts at or after its start, but for one a browser clock far
    // ahead sorted at its receipt (sort_at < observed_at). So the range is read in two parts: the
    // time index from the range's end down to its start, which the planner sees bounded on both
    // sides (it read the whole range through the observed-time index and sorted it), and only
    // when that leaves the page short, the few such events below the start.
    keys = await scan(undefined, { from: filters.observedFrom, below: false });
    if (keys.length < wanted) keys = [...keys, ...(await scan(undefined, { from: filters.observedFrom, below: true }))].slice(0, wanted);
  } else if (driver.kind === 'time') {
    keys = await scan(undefined);
  } else {
    // One ordered scan per value, merged; an event with two of the wanted indicators comes once.
    const bySeq = new Map<number, Key>();
    for (const value of driver.values) for (const k of await scan(value)) bySeq.set(Number(k.seq), k);
    keys = [...bySeq.values()].sort(COMPARE[order]).slice(0, wanted);
  }
  const page = keys.slice(0, limit).map((k) => Number(k.seq));
  const found = page.length ? await db.selectFrom('events').select(ROW_COLUMNS).where('seq', 'in', page).execute() : [];
  const bySeq = new Map(found.map((r) => [Number(r.seq), r]));
  // An event deleted (by retention) between the two reads is left out.
  const rows = page.map((seq) => bySeq.get(seq)).filter((r): r is SearchRow => r !== undefined);
  const last = keys[limit - 1];
  return {
    rows,
    next:
      keys.length > limit && last
        ? {
            m: maxSeq,
            s: Number(last.sort_at),
            q: Number(last.seq),
            ...(snapshot && { x: snapshot }),
            ...(order !== 'newest' && { o: order }),
            ...(order === 'riskiest' && { r: Number(last.score) }),
          }
        : undefined,
  };
}
