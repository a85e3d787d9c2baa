/**
 * `/events`: forensic search. Every filter of the API lives in the query string (a search is a link
 * to share); the console pages on the server (nextCursor), "Load more" appends the next page to the
 * same table, and the table renders only the rows in view (virtual-table.tsx), so thousands of
 * loaded rows cost the DOM of a screenful.
 *
 * Two kinds of sort, both in the URL: the Observed and Score headers choose the server's order
 * (`order=oldest|riskiest`, newest by default), which orders every matching event and starts again
 * from page one; the User, File and Destination headers (`sort=`) order the rows already loaded.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, qs } from '../api';
import type { ApiAnswer } from '../api-types';
import { bytes, ErrorBox, FileName, LoadState, Page, SeverityBadge, useLoad, when } from '../components';
import { shownFileName } from '../file-name';
import { markRendered } from '../marks';
import { outcomeWords } from '../response';
import { Link, navigate } from '../router';
import { VirtualTable, type Column } from '../virtual-table';
import type { ApiEvent } from './event';
import { Filters, filtersOf } from './search-filters';

type Answer = ApiAnswer<'/api/v1/events'>;
export const PAGE_SIZES = ['100', '250', '500'];

/** The server's orders (GET /api/v1/events `order`), as the caption says them. */
const ORDERS = { newest: 'newest first', oldest: 'oldest first', riskiest: 'highest score first, then newest' } as const;
type Order = keyof typeof ORDERS;
/** Sorts of the loaded rows, A to Z. */
type SortKey = 'user' | 'file' | 'destination';
const destinationOf = (e: ApiEvent) => e.destination.serviceName ?? e.destination.host;
const SORTS: Record<SortKey, (a: ApiEvent, b: ApiEvent) => number> = {
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
      {/* A cell cut to one line keeps its whole text on hover (and in the DOM, for screen readers); the name's end always shows. */}
      <td class="filename" title={shownFileName(e.file.name).text}>
        <FileName name={e.file.name} />{' '}
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
  // The order and the sort are in the URL too (`order=riskiest`, `sort=file`), so a shared search opens in the same order.
  const orderParam = props.query.get('order');
  const order: Order = orderParam && Object.hasOwn(ORDERS, orderParam) ? (orderParam as Order) : 'newest';
  const orderQuery = order === 'newest' ? undefined : order;
  const key = qs({ ...filters, order: orderQuery, cursor, limit });
  const sortParam = props.query.get('sort');
  const sort = sortParam && Object.hasOwn(SORTS, sortParam) ? (sortParam as SortKey) : undefined;
  const setSort = (k: SortKey) => navigate(`/events${qs({ ...filters, order: orderQuery, cursor, limit: limitParam, sort: k })}`, { replace: true });
  // Another order is another listing: its first page (a cursor continues only the order it came from).
  const setOrder = (o: Order) => navigate(`/events${qs({ ...filters, order: o === 'newest' ? undefined : o, limit: limitParam })}`);
  const load = (from?: string) => api<Answer>(`/api/v1/events${qs({ ...filters, order: orderQuery, cursor: from, limit })}`);
  const state = useLoad(() => load(cursor), key);
  const more = useMorePages(key, load);
  const loaded = useMemo(() => {
    const rows = state.data ? [...state.data.events, ...more.events] : [];
    return sort ? rows.sort(SORTS[sort]) : rows;
  }, [state.data, more.events, sort]);
  const nextCursor = more.next !== undefined ? more.next : (state.data?.nextCursor ?? null);
  useEffect(() => {
    if (state.data) markRendered('search');
  }, [state.data]);
  const column = (k: SortKey, label: string, width: string): Column => ({
    width,
    sort: sort === k ? 'ascending' : 'none',
    heading: (
      <button type="button" class="sort" title="Sort the loaded rows" onClick={() => setSort(k)}>
        {label}
      </button>
    ),
  });
  // The server's order shows while no sort of the loaded rows hides it.
  const timeOrder = sort ? undefined : order === 'newest' ? 'descending' : order === 'oldest' ? 'ascending' : undefined;
  const serverColumn = (label: string, width: string, shown: Column['sort'], next: Order): Column => ({
    width,
    sort: shown ?? 'none',
    heading: (
      <button type="button" class="sort" title="Order every matching event (from the first page)" onClick={() => setOrder(next)}>
        {label}
      </button>
    ),
  });
  const exportHref = (format: string) => `/api/v1/events/export${qs({ ...filters, order: orderQuery, format })}`;
  const pageSize = (
    <label class="page-size">
      Rows per page{' '}
      <select value={limit} onChange={(e) => navigate(`/events${qs({ ...filters, order: orderQuery, limit: (e.currentTarget as HTMLSelectElement).value })}`)}>
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
      <Filters key={key} filters={filters} limit={limitParam} order={orderQuery} />
      <LoadState state={state} what="events" always />
      {state.data && (
        <div class="card">
          <VirtualTable
            class="events"
            caption={
              `${loaded.length} event${loaded.length === 1 ? '' : 's'} loaded${cursor ? ' (from a later page)' : ''}${nextCursor ? ', more on the server' : ''}; ` +
              `${sort ? `the loaded rows sorted by ${sort}` : ORDERS[order]}. ` +
              'Observed and Score order every matching event on the server; User, File and Destination sort the loaded rows.'
            }
            columns={[
              serverColumn('Observed', '17%', timeOrder, timeOrder === 'descending' ? 'oldest' : 'newest'),
              column('user', 'User', '17%'),
              column('file', 'File', '22%'),
              column('destination', 'Destination', '16%'),
              serverColumn('Score', '7%', !sort && order === 'riskiest' ? 'descending' : undefined, 'riskiest'),
              { heading: 'Severity', width: '9%' },
              { heading: 'Outcome', width: '12%' },
            ]}
            rows={loaded}
            rowKey={(e) => e.id}
            cells={(e) => <Cells e={e} />}
          />
          {more.error && <ErrorBox error={more.error} />}
          <nav class="pager" aria-label="Pages">
            {cursor && <Link href={`/events${qs({ ...filters, order: orderQuery, limit, sort })}`}>First page</Link>}
            {nextCursor && (
              <button type="button" class="secondary" disabled={more.loading} onClick={() => void more.loadFrom(nextCursor)}>
                {more.loading ? 'Loading…' : `Load ${limit} more`}
              </button>
            )}
            {nextCursor && <Link href={`/events${qs({ ...filters, order: orderQuery, limit, cursor: nextCursor, sort })}`}>Next page</Link>}
            {pageSize}
          </nav>
        </div>
      )}
    </Page>
  );
}
