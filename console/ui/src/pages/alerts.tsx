/** `/alerts`: the triage queue, filtered by state and severity in the query string. */
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
    cursor: props.query.get('cursor') ?? undefined,
  };
  const key = qs(filters);
  const state = useLoad(() => api<ApiAnswer<'/api/v1/alerts'>>(`/api/v1/alerts${qs({ ...filters, limit: 100 })}`), key);
  const change = (e: Event) => {
    const form = new FormData((e.currentTarget as HTMLSelectElement).form!);
    navigate(`/alerts${qs({ state: String(form.get('state') ?? ''), minSeverity: String(form.get('minSeverity') ?? '') })}`);
  };
  return (
    <Page title="Alerts">
      <form class="filters card inline" aria-label="Alert filters" onSubmit={(e) => e.preventDefault()}>
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
      </form>
      <LoadState state={state} what="alerts" always />
      {state.data && (
        <div class="card">
          <VirtualTable
            caption={`${state.data.alerts.length} alerts, newest first`}
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
