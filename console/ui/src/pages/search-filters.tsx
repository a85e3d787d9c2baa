/** The forensic search's filter form: every filter of GET /api/v1/events, read from and written to the URL. */
import { qs } from '../api';
import { CHANNELS, DESTINATION_CATEGORIES, FILE_CATEGORIES, SEVERITIES } from '../identifiers';
import { OUTCOME_WORDS, RESPONSE_OUTCOMES } from '../response';
import { Link, navigate } from '../router';

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
/** A filter of many values from a fixed list, kept in the URL as the API takes it: `outcome=warned,blocked`. */
const OUTCOME = 'outcome';
export const FILTER_KEYS = [
  ...TEXT_FILTERS.map((f) => f[0]),
  ...DATE_FILTERS.map((f) => f[0]),
  ...SELECT_FILTERS.map((f) => f[0]),
  'minScore',
  'maxScore',
  OUTCOME,
];

const toLocalInput = (iso: string | null) => {
  if (!iso || Number.isNaN(Date.parse(iso))) return '';
  const d = new Date(iso);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
};

export function filtersOf(query: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of FILTER_KEYS) {
    const v = query.get(k);
    if (v) out[k] = v;
  }
  return out;
}

/** `limit` and `order` (the server's order) are kept when the filters change. */
export function Filters(props: { filters: Record<string, string>; limit?: string; order?: string }) {
  const submit = (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    const next: Record<string, string> = {};
    for (const k of FILTER_KEYS) {
      const raw = k === OUTCOME ? form.getAll(k).map(String).join(',') : String(form.get(k) ?? '').trim();
      if (!raw) continue;
      next[k] = DATE_FILTERS.some((d) => d[0] === k) ? new Date(raw).toISOString() : raw;
    }
    navigate(`/events${qs({ ...next, limit: props.limit, order: props.order })}`);
  };
  const f = props.filters;
  const outcomes = new Set((f[OUTCOME] ?? '').split(','));
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
          {/* The current filter as each option's `selected`: Preact sets no defaultValue on a select (see Options, ../forms.tsx). */}
          <select name={k}>
            <option value="" selected={!f[k]}>
              any
            </option>
            {values.map((v) => (
              <option key={v} value={v} selected={v === f[k]}>
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
      {/* One list box, one Tab stop: the filter form stays a short walk for keyboard users. */}
      <label>
        Response outcome (any of)
        <select name={OUTCOME} multiple size={RESPONSE_OUTCOMES.length}>
          {RESPONSE_OUTCOMES.map((o) => (
            <option key={o} value={o} selected={outcomes.has(o)}>
              {OUTCOME_WORDS[o]}
            </option>
          ))}
        </select>
      </label>
      <div class="form-actions">
        <button type="submit">Search</button>
        <Link class="button secondary" href="/events">
          Clear
        </Link>
      </div>
    </form>
  );
}
