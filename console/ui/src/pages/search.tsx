/**
 * `/events`: forensic search. Every filter of the API lives in the query string (a search is a link
 * to share); the console pages on the server (nextCursor) and the table shows one page at a time.
 */
import { useState } from 'preact/hooks';
import { api, qs } from '../api';
import { bytes, ErrorBox, Loading, Page, SeverityBadge, useLoad, when } from '../components';
import { CHANNELS, DESTINATION_CATEGORIES, FILE_CATEGORIES, SEVERITIES } from '../identifiers';
import { Link, navigate } from '../router';
import type { ApiEvent } from './event';

const TEXT_FILTERS: [string, string, string?][] = [
  ['user', 'User email(s)', 'a@example.com, b@example.com'],
  ['fileName', 'File name contains'],
  ['extension', 'Extension(s)', 'pdf, xlsx'],
  ['serviceId', 'Service id(s)', 'google_drive'],
  ['host', 'Host(s)'],
  ['indicator', 'Indicator(s)', 'off_hours'],
];
const DATE_FILTERS: [string, string][] = [
  ['observedFrom', 'Observed from'],
  ['observedTo', 'Observed before'],
  ['receivedFrom', 'Received from'],
  ['receivedTo', 'Received before'],
];
const SELECT_FILTERS: [string, string, string[]][] = [
  ['minSeverity', 'Lowest severity', SEVERITIES],
  ['destinationCategory', 'Destination category', DESTINATION_CATEGORIES],
  ['fileCategory', 'File category', FILE_CATEGORIES],
  ['channel', 'Channel', CHANNELS],
  ['trusted', 'Trusted activity', ['true', 'false']],
];
export const FILTER_KEYS = [...TEXT_FILTERS.map((f) => f[0]), ...DATE_FILTERS.map((f) => f[0]), ...SELECT_FILTERS.map((f) => f[0]), 'minScore', 'maxScore'];

type SortKey = 'time' | 'score' | 'user' | 'file' | 'destination';
const SORTS: Record<SortKey, (a: ApiEvent, b: ApiEvent) => number> = {
  time: () => 0,
  score: (a, b) => b.risk.score - a.risk.score,
  user: (a, b) => (a.user.email ?? '').localeCompare(b.user.email ?? ''),
  file: (a, b) => a.file.name.localeCompare(b.file.name),
  destination: (a, b) => (a.destination.serviceName ?? a.destination.host).localeCompare(b.destination.serviceName ?? b.destination.host),
};

const toLocalInput = (iso: string | null) => {
  if (!iso || Number.isNaN(Date.parse(iso))) return '';
  const d = new Date(iso);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
};

function filtersOf(query: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of FILTER_KEYS) {
    const v = query.get(k);
    if (v) out[k] = v;
  }
  return out;
}

function Filters(props: { filters: Record<string, string> }) {
  const submit = (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    const next: Record<string, string> = {};
    for (const k of FILTER_KEYS) {
      const raw = String(form.get(k) ?? '').trim();
      if (!raw) continue;
      next[k] = DATE_FILTERS.some((d) => d[0] === k) ? new Date(raw).toISOString() : raw;
    }
    navigate(`/events${qs(next)}`);
  };
  const f = props.filters;
  return (
    <form class="filters card" onSubmit={submit} aria-label="Search filters">
      {TEXT_FILTERS.map(([k, label, placeholder]) => (
        <label key={k}>
          {label}
          <input name={k} defaultValue={f[k] ?? ''} placeholder={placeholder} maxLength={k === 'fileName' ? 256 : 4096} />
        </label>
      ))}
      {SELECT_FILTERS.map(([k, label, values]) => (
        <label key={k}>
          {label}
          <select name={k} defaultValue={f[k] ?? ''}>
            <option value="">any</option>
            {values.map((v) => (
              <option key={v} value={v}>
                {v}
              </option>
            ))}
          </select>
        </label>
      ))}
      <label>
        Lowest score
        <input name="minScore" type="number" min={0} max={10000} defaultValue={f.minScore ?? ''} />
      </label>
      <label>
        Highest score
        <input name="maxScore" type="number" min={0} max={10000} defaultValue={f.maxScore ?? ''} />
      </label>
      {DATE_FILTERS.map(([k, label]) => (
        <label key={k}>
          {label}
          <input name={k} type="datetime-local" defaultValue={toLocalInput(f[k] ?? null)} />
        </label>
      ))}
      <div class="form-actions">
        <button type="submit">Search</button>
        <Link class="button secondary" href="/events">
          Clear
        </Link>
      </div>
    </form>
  );
}

export function Search(props: { query: URLSearchParams }) {
  const filters = filtersOf(props.query);
  const cursor = props.query.get('cursor') ?? undefined;
  const key = qs({ ...filters, cursor });
  const [sort, setSort] = useState<SortKey>('time');
  const state = useLoad(() => api<{ events: ApiEvent[]; nextCursor: string | null }>(`/api/v1/events${qs({ ...filters, cursor, limit: 100 })}`), key);
  const events = state.data ? [...state.data.events].sort(SORTS[sort]) : [];
  const header = (k: SortKey, label: string) => (
    <th scope="col" aria-sort={sort === k ? (k === 'user' || k === 'file' || k === 'destination' ? 'ascending' : 'descending') : 'none'}>
      <button type="button" class="sort" onClick={() => setSort(k)}>
        {label}
      </button>
    </th>
  );
  const exportHref = (format: string) => `/api/v1/events/export${qs({ ...filters, format })}`;
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
      <Filters key={key} filters={filters} />
      {state.error && <ErrorBox error={state.error} />}
      {state.loading && <Loading what="events" />}
      {state.data && (
        <div class="card">
          <table class="events">
            <caption>
              {events.length} event{events.length === 1 ? '' : 's'} on this page{cursor ? ' (a later page)' : ''}, newest first unless sorted by a column
              (sorting orders this page).
            </caption>
            <thead>
              <tr>
                {header('time', 'Observed')}
                {header('user', 'User')}
                {header('file', 'File')}
                {header('destination', 'Destination')}
                {header('score', 'Score')}
                <th scope="col">Severity</th>
              </tr>
            </thead>
            <tbody>
              {events.map((e) => (
                <tr key={e.id}>
                  <td>
                    <Link href={`/events/${e.id}`}>{when(e.observedAt)}</Link>
                  </td>
                  <td>{e.user.email ? <Link href={`/users/${encodeURIComponent(e.user.email)}`}>{e.user.email}</Link> : <span class="muted">unknown</span>}</td>
                  <td class="filename">
                    {e.file.name}{' '}
                    <span class="muted">
                      ({e.file.category}, {bytes(e.file.size)})
                    </span>
                  </td>
                  <td>
                    {e.destination.serviceName ?? e.destination.host} <span class="muted">({e.destination.category})</span>
                  </td>
                  <td class="num">{e.risk.score}</td>
                  <td>
                    <SeverityBadge severity={e.risk.severity} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <nav class="pager" aria-label="Pages">
            {cursor && <Link href={`/events${qs(filters)}`}>First page</Link>}
            {state.data.nextCursor && <Link href={`/events${qs({ ...filters, cursor: state.data.nextCursor })}`}>Next page</Link>}
          </nav>
        </div>
      )}
    </Page>
  );
}
