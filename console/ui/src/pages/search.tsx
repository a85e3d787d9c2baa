/**
 * `/events`: forensic search. Every filter of the API lives in the query string (a search is a link
 * to share); the console pages on the server (nextCursor), "Load more" appends the next page to the
 * same table, and the table renders only the rows in view (virtual-table.tsx), so thousands of
 * loaded rows cost the DOM of a screenful.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, qs } from '../api';
import type { ApiAnswer } from '../api-types';
import { bytes, ErrorBox, LoadState, Page, SeverityBadge, useLoad, when } from '../components';
import { markRendered } from '../marks';
import { outcomeWords } from '../response';
import { Link, navigate } from '../router';
import { VirtualTable, type Column } from '../virtual-table';
import type { ApiEvent } from './event';
import { Filters, filtersOf } from './search-filters';

type Answer = ApiAnswer<'/api/v1/events'>;
export const PAGE_SIZES = ['100', '250', '500'];

type SortKey = 'time' | 'score' | 'user' | 'file' | 'destination';
const ASCENDING: readonly SortKey[] = ['user', 'file', 'destination'];
const destinationOf = (e: ApiEvent) => e.destination.serviceName ?? e.destination.host;
const SORTS: Record<SortKey, (a: ApiEvent, b: ApiEvent) => number> = {
  time: () => 0,
  score: (a, b) => b.risk.score - a.risk.score,
  user: (a, b) => (a.user.email ?? '').localeCompare(b.user.email ?? ''),
  file: (a, b) => a.file.name.localeCompare(b.file.name),
  destination: (a, b) => destinationOf(a).localeCompare(destinationOf(b)),
};

function Cells(props: { e: ApiEvent }) {
  const e = props.e;
  return (
    <>
      <td>
        <Link href={`/events/${e.id}`}>{when(e.observedAt)}</Link>
      </td>
      <td>{e.user.email ? <Link href={`/users/${encodeURIComponent(e.user.email)}`}>{e.user.email}</Link> : <span class="muted">unknown</span>}</td>
      {/* A cell cut to one line keeps its whole text on hover (and in the DOM, for screen readers). */}
      <td class="filename" title={e.file.name}>
        {e.file.name}{' '}
        <span class="muted">
          ({e.file.category}, {bytes(e.file.size)})
        </span>
      </td>
      <td title={e.destination.url}>
        {destinationOf(e)} <span class="muted">({e.destination.category})</span>
      </td>
      <td class="num">{e.risk.score}</td>
      <td>
        <SeverityBadge severity={e.risk.severity} />
      </td>
      <td>{e.response ? outcomeWords(e.response.outcome) : <span class="muted">—</span>}</td>
    </>
  );
}

/** The pages loaded after the first, for one search (`key`); another search starts empty. */
function useMorePages(key: string, load: (cursor: string) => Promise<Answer>) {
  const [more, setMore] = useState<{ key: string; events: ApiEvent[]; next?: string | null; loading: boolean; error?: string }>({
    key,
    events: [],
    loading: false,
  });
  const current = more.key === key ? more : { key, events: [], loading: false };
  const loadFrom = async (cursor: string) => {
    setMore({ ...current, loading: true });
    try {
      const page = await load(cursor);
      setMore({ key, events: [...current.events, ...page.events], next: page.nextCursor, loading: false });
    } catch (err) {
      setMore({ ...current, loading: false, error: (err as Error).message });
    }
  };
  return { ...current, loadFrom };
}

export function Search(props: { query: URLSearchParams }) {
  const filters = filtersOf(props.query);
  const cursor = props.query.get('cursor') ?? undefined;
  const limit = PAGE_SIZES.find((s) => s === props.query.get('limit')) ?? PAGE_SIZES[0]!;
  const limitParam = limit === PAGE_SIZES[0] ? undefined : limit;
  const key = qs({ ...filters, cursor, limit });
  // The sort is in the URL too (`sort=score`), so a shared search opens in the same order.
  const sortParam = props.query.get('sort') as SortKey | null;
  const sort: SortKey = sortParam && Object.hasOwn(SORTS, sortParam) ? sortParam : 'time';
  const setSort = (k: SortKey) => navigate(`/events${qs({ ...filters, cursor, limit: limitParam, sort: k === 'time' ? undefined : k })}`, { replace: true });
  const load = (from?: string) => api<Answer>(`/api/v1/events${qs({ ...filters, cursor: from, limit })}`);
  const state = useLoad(() => load(cursor), key);
  const more = useMorePages(key, load);
  const loaded = useMemo(() => (state.data ? [...state.data.events, ...more.events].sort(SORTS[sort]) : []), [state.data, more.events, sort]);
  const nextCursor = more.next !== undefined ? more.next : (state.data?.nextCursor ?? null);
  useEffect(() => {
    if (state.data) markRendered('search');
  }, [state.data]);
  const column = (k: SortKey, label: string, width: string): Column => ({
    width,
    sort: sort === k ? (ASCENDING.includes(k) ? 'ascending' : 'descending') : 'none',
    heading: (
      <button type="button" class="sort" onClick={() => setSort(k)}>
        {label}
      </button>
    ),
  });
  const exportHref = (format: string) => `/api/v1/events/export${qs({ ...filters, format })}`;
  const pageSize = (
    <label class="page-size">
      Rows per page{' '}
      <select value={limit} onChange={(e) => navigate(`/events${qs({ ...filters, limit: (e.currentTarget as HTMLSelectElement).value })}`)}>
        {PAGE_SIZES.map((s) => (
          <option key={s}>{s}</option>
        ))}
      </select>
    </label>
  );
  return (
    <Page
      title="Forensic search"
      actions={
        <div class="actions">
          <a class="button secondary" href={exportHref('csv')} download>
            Export CSV
          </a>
          <a class="button secondary" href={exportHref('ndjson')} download>
            Export NDJSON
          </a>
        </div>
      }
    >
      <Filters key={key} filters={filters} limit={limit === PAGE_SIZES[0] ? undefined : limit} />
      <LoadState state={state} what="events" always />
      {state.data && (
        <div class="card">
          <VirtualTable
            class="events"
            caption={`${loaded.length} event${loaded.length === 1 ? '' : 's'} loaded${cursor ? ' (from a later page)' : ''}${nextCursor ? ', more on the server' : ''}; newest first unless sorted by a column (sorting orders the loaded rows).`}
            columns={[
              column('time', 'Observed', '17%'),
              column('user', 'User', '17%'),
              column('file', 'File', '22%'),
              column('destination', 'Destination', '16%'),
              column('score', 'Score', '7%'),
              { heading: 'Severity', width: '9%' },
              { heading: 'Outcome', width: '12%' },
            ]}
            rows={loaded}
            rowKey={(e) => e.id}
            cells={(e) => <Cells e={e} />}
          />
          {more.error && <ErrorBox error={more.error} />}
          <nav class="pager" aria-label="Pages">
            {cursor && <Link href={`/events${qs({ ...filters, limit, sort: sortParam ?? undefined })}`}>First page</Link>}
            {nextCursor && (
              <button type="button" class="secondary" disabled={more.loading} onClick={() => void more.loadFrom(nextCursor)}>
                {more.loading ? 'Loading…' : `Load ${limit} more`}
              </button>
            )}
            {nextCursor && <Link href={`/events${qs({ ...filters, limit, cursor: nextCursor, sort: sortParam ?? undefined })}`}>Next page</Link>}
            {pageSize}
          </nav>
        </div>
      )}
    </Page>
  );
}
