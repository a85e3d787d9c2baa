/** `/alerts`: the triage queue, filtered by state and severity in the query string. */
import { api, qs } from '../api';
import { ErrorBox, Loading, Page, SEVERITIES, SeverityBadge, useLoad, when } from '../components';
import { Link, navigate } from '../router';

export const ALERT_STATES = ['OPEN', 'PENDING', 'CLOSED_TP', 'CLOSED_FP'] as const;
export const STATE_LABELS: Record<string, string> = {
  OPEN: 'Open',
  PENDING: 'Pending',
  CLOSED_TP: 'Closed: true positive',
  CLOSED_FP: 'Closed: false positive',
};

export interface Alert {
  id: string;
  ruleId: string;
  ruleName: string;
  user: string | null;
  state: string;
  severity: string;
  eventCount: number;
  firstEventAt: string;
  lastEventAt: string;
  createdAt: string;
  updatedAt: string;
  assignee: string | null;
  noteCount: number;
}

export function Alerts(props: { query: URLSearchParams }) {
  const filters = {
    state: props.query.get('state') ?? 'OPEN,PENDING',
    minSeverity: props.query.get('minSeverity') ?? undefined,
    cursor: props.query.get('cursor') ?? undefined,
  };
  const key = qs(filters);
  const state = useLoad(() => api<{ alerts: Alert[]; nextCursor: string | null }>(`/api/v1/alerts${qs({ ...filters, limit: 100 })}`), key);
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
            {ALERT_STATES.map((s) => (
              <option key={s} value={s}>
                {STATE_LABELS[s]}
              </option>
            ))}
            <option value={ALERT_STATES.join(',')}>Any</option>
          </select>
        </label>
        <label>
          Lowest severity
          <select name="minSeverity" value={filters.minSeverity ?? ''} onChange={change}>
            <option value="">any</option>
            {SEVERITIES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
      </form>
      {state.error && <ErrorBox error={state.error} />}
      {state.loading && <Loading what="alerts" />}
      {state.data && (
        <div class="card">
          <table>
            <caption>{state.data.alerts.length} alerts, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Alert</th>
                <th scope="col">User</th>
                <th scope="col">Severity</th>
                <th scope="col">State</th>
                <th scope="col">Assignee</th>
                <th scope="col">Events</th>
                <th scope="col">Last event</th>
              </tr>
            </thead>
            <tbody>
              {state.data.alerts.map((a) => (
                <tr key={a.id}>
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
                </tr>
              ))}
            </tbody>
          </table>
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
