/** `/alerts`: the triage queue, filtered by state, severity, rule and user in the query string. */
import { api, qs } from '../api';
import type { ApiAnswer } from '../api-types';
import { LoadState, Page, SeverityBadge, useLoad, when } from '../components';
import { SEVERITIES } from '../identifiers';
import { Options } from '../forms';
import { Link, navigate } from '../router';
import { VirtualTable } from '../virtual-table';

export const ALERT_STATES = ['OPEN', 'PENDING', 'CLOSED_TP', 'CLOSED_FP'] as const;
export const STATE_LABELS: Record<string, string> = {
  OPEN: 'Open',
  PENDING: 'Pending',
  CLOSED_TP: 'Closed: true positive',
  CLOSED_FP: 'Closed: false positive',
};

/** An alert as GET /api/v1/alerts lists it. */
export type Alert = ApiAnswer<'/api/v1/alerts'>['alerts'][number];

export function Alerts(props: { query: URLSearchParams }) {
  const filters = {
    state: props.query.get('state') ?? 'OPEN,PENDING',
    minSeverity: props.query.get('minSeverity') ?? undefined,
    ruleId: props.query.get('ruleId') ?? undefined,
    user: props.query.get('user') ?? undefined,
    cursor: props.query.get('cursor') ?? undefined,
  };
  const key = qs(filters);
  const state = useLoad(() => api<ApiAnswer<'/api/v1/alerts'>>(`/api/v1/alerts${qs({ ...filters, limit: 100 })}`), key);
  const rules = useLoad(() => api<ApiAnswer<'/api/v1/alert-rules'>>('/api/v1/alert-rules'), 'rules');
  // Every filter of GET /api/v1/alerts but the polling ones, in the URL: a queue is a link to share.
  const apply = (form: HTMLFormElement) => {
    const data = new FormData(form);
    const text = (k: string) => String(data.get(k) ?? '').trim();
    navigate(`/alerts${qs({ state: text('state'), minSeverity: text('minSeverity'), ruleId: text('ruleId'), user: text('user').toLowerCase() })}`);
  };
  const change = (e: Event) => apply((e.currentTarget as HTMLSelectElement).form!);
  const submit = (e: Event) => {
    e.preventDefault();
    apply(e.currentTarget as HTMLFormElement);
  };
  const ruleIds = rules.data?.rules.map((r) => r.id) ?? [];
  return (
    <Page title="Alerts">
      <form class="filters card inline" aria-label="Alert filters" onSubmit={submit}>
        <label>
          State
          <select name="state" value={filters.state} onChange={change}>
            <option value="OPEN,PENDING">Open or pending</option>
            <Options values={ALERT_STATES} labels={STATE_LABELS} />
            <option value={ALERT_STATES.join(',')}>Any</option>
          </select>
        </label>
        <label>
          Lowest severity
          <select name="minSeverity" value={filters.minSeverity ?? ''} onChange={change}>
            <option value="">any</option>
            <Options values={SEVERITIES} />
          </select>
        </label>
        <label>
          Rule
          {/* The rule in the URL stays an option while the rules load (or if it is gone). */}
          <select name="ruleId" value={filters.ruleId ?? ''} onChange={change}>
            <option value="">any</option>
            <Options
              values={filters.ruleId && !ruleIds.includes(filters.ruleId) ? [...ruleIds, filters.ruleId] : ruleIds}
              labels={Object.fromEntries(rules.data?.rules.map((r) => [r.id, r.name]) ?? [])}
            />
          </select>
        </label>
        <label>
          User email
          {/* Keyed by the filter: another URL (back, a link) shows its own email; a select keeps its focus. */}
          <input key={filters.user ?? ''} name="user" type="email" defaultValue={filters.user ?? ''} maxLength={320} placeholder="a@example.com" />
        </label>
        <button type="submit">Filter</button>
      </form>
      <LoadState state={state} what="alerts" always />
      {state.data && (
        <div class="card">
          <VirtualTable
            caption={`${state.data.alerts.length} alert${state.data.alerts.length === 1 ? '' : 's'}, newest first`}
            columns={[
              { heading: 'Alert', width: '20%' },
              { heading: 'User', width: '19%' },
              { heading: 'Severity', width: '10%' },
              { heading: 'State', width: '13%' },
              { heading: 'Assignee', width: '13%' },
              { heading: 'Events', width: '7%' },
              { heading: 'Last event', width: '18%' },
            ]}
            rows={state.data.alerts}
            rowKey={(a) => a.id}
            cells={(a) => (
              <>
                <td>
                  <Link href={`/alerts/${a.id}`}>{a.ruleName}</Link>
                </td>
                <td>{a.user ?? <span class="muted">unknown</span>}</td>
                <td>
                  <SeverityBadge severity={a.severity} />
                </td>
                <td>{STATE_LABELS[a.state] ?? a.state}</td>
                <td>{a.assignee ?? '—'}</td>
                <td class="num">{a.eventCount}</td>
                <td>{when(a.lastEventAt)}</td>
              </>
            )}
          />
          {state.data.nextCursor && (
            <nav class="pager" aria-label="Pages">
              <Link href={`/alerts${qs({ ...filters, cursor: state.data.nextCursor })}`}>Next page</Link>
            </nav>
          )}
        </div>
      )}
    </Page>
  );
}
