/**
 * The long tail (issue 16, item 4): hosts that receive uploads the extension could not name — no
 * catalog or custom service matched, so the upload is `other` (a real host) or `unknown` — so an
 * admin can name the ones that matter to the company (./custom.ts).
 *
 * Uploads to a catalog service whose category is `other` (a business application that matters as a
 * source) and uploads to trusted destinations are named already and are not listed; neither are
 * hosts a custom destination of the current synced policy covers (events keep the category they
 * were given, so without this a host would stay listed after it was named).
 *
 * Cost: the counting runs in the database on a partial index of exactly these uploads (migration
 * 0010), read in time order from `since`, so it reads only the window's unnamed uploads and never
 * the events' bodies; the sample titles are one read of at most a page of events by key.
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import { z } from 'zod';
import { CustomDestinations, type CustomDestination } from '../../src/core/destinations/catalog';
import { HostIndex, registrableDomain } from '../../src/core/destinations/host-index';
import { engineOf } from '../db/engine';
import type { ConsoleDatabase } from '../db/schema';

/**
 * Matches migration 0010's index predicate word for word: SQLite uses a partial index only when the
 * query's WHERE has its terms as they are written there (literals, not bound parameters).
 */
const UNNAMED_UPLOAD = sql<boolean>`destination_category in ('other', 'unknown') and service_id is null and trusted = 0`;

/** Hosts counted in one answer at most: beyond it the answer says `truncated` (the least used go). */
export const MAX_HOSTS_COUNTED = 20_000;

export const UnclassifiedHost = z.object({
  host: z.string(),
  /** The host's registrable domain (public suffix list), for naming. */
  domain: z.string(),
  uploads: z.number().int(),
  /** Distinct people named by the events (events without a user are not counted here). */
  users: z.number().int(),
  lastSeen: z.iso.datetime(),
  /** The tab title of the host's latest upload: page-controlled text, returned as it was stored. */
  sampleTitle: z.string().nullable(),
});
export type UnclassifiedHost = z.infer<typeof UnclassifiedHost>;

export interface UnclassifiedQuery {
  since: number;
  limit: number;
  offset: number;
}

export interface UnclassifiedPage {
  hosts: UnclassifiedHost[];
  /** Hosts in the window after those custom destinations cover (up to MAX_HOSTS_COUNTED). */
  total: number;
  truncated: boolean;
}

/** The custom destinations of a synced policy (stored settings were validated when written). */
export function customDestinationsOf(settings: Record<string, unknown>): CustomDestination[] {
  const parsed = CustomDestinations.safeParse(settings.customDestinations ?? []);
  return parsed.success ? parsed.data : [];
}

/**
 * True when a host pattern of a custom destination names this host (or a domain above it). A
 * pattern with a path covers only part of a host, so the host stays listed.
 */
export function coveredBy(custom: readonly CustomDestination[]): (host: string) => boolean {
  const patterns = custom.map((d) => ({ id: d.id, name: d.name ?? d.id, category: d.category ?? 'other', hosts: d.hosts ?? [] }));
  if (!patterns.some((p) => p.hosts.length)) return () => false;
  const index = new HostIndex(patterns);
  return (host) => index.lookup(host, '') !== undefined;
}

interface CountRow {
  host: string;
  uploads: number | string | bigint;
  users: number | string | bigint;
  last_seen: number | string | bigint;
  sample_seq: number | string | bigint;
}

function titleOf(body: string): string | null {
  try {
    const title = (JSON.parse(body) as { destination?: { tabTitle?: unknown } }).destination?.tabTitle;
    return typeof title === 'string' ? title : null;
  } catch {
    return null;
  }
}

/**
 * Per host since `since`: uploads, people, the latest time and the latest event; most used first.
 * SQLite is told the index: its statistics hold one average per value, so `service_id is null`
 * looks as rare as one service's uploads and it would walk that index and read every event from
 * it (bench/console-long-tail.ts). PostgreSQL's histograms find the partial index on their own.
 * `indexHint: false` is the query without the hint, for the benchmark's baseline.
 */
export function hostCounts(db: Kysely<ConsoleDatabase>, since: number, options: { indexHint?: boolean } = {}): RawBuilder<CountRow> {
  const hint = (options.indexHint ?? true) && engineOf(db) === 'sqlite';
  const indexHint = hint ? sql`indexed by events_unnamed_uploads` : sql``;
  return sql<CountRow>`select host, count(*) as uploads, count(distinct user_email) as users, max(sort_at) as last_seen, max(seq) as sample_seq
    from events ${indexHint}
    where ${UNNAMED_UPLOAD} and sort_at >= ${since} and host <> ''
    group by host
    order by uploads desc, host
    limit ${MAX_HOSTS_COUNTED + 1}`;
}

export async function listUnclassifiedHosts(
  db: Kysely<ConsoleDatabase>,
  custom: readonly CustomDestination[],
  query: UnclassifiedQuery,
): Promise<UnclassifiedPage> {
  const { rows: counted } = await hostCounts(db, query.since).execute(db);
  const truncated = counted.length > MAX_HOSTS_COUNTED;
  const covered = coveredBy(custom);
  const listed = counted.slice(0, MAX_HOSTS_COUNTED).filter((r) => !covered(r.host));
  const page = listed.slice(query.offset, query.offset + query.limit);

  const samples = new Map<number, string | null>();
  if (page.length) {
    const rows = await db
      .selectFrom('events')
      .select(['seq', 'body'])
      .where(
        'seq',
        'in',
        page.map((r) => Number(r.sample_seq)),
      )
      // Lets PostgreSQL skip the partitions before the window.
      .where('sort_at', '>=', query.since)
      .execute();
    for (const row of rows) samples.set(Number(row.seq), titleOf(row.body));
  }
  return {
    hosts: page.map((r) => ({
      host: r.host,
      domain: registrableDomain(r.host),
      uploads: Number(r.uploads),
      users: Number(r.users),
      lastSeen: new Date(Number(r.last_seen)).toISOString(),
      sampleTitle: samples.get(Number(r.sample_seq)) ?? null,
    })),
    total: listed.length,
    truncated,
  };
}
