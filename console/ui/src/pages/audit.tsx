/** `/audit`: the append-only audit log, filterable by action, actor and target (in the URL). */
import { api, qs } from '../api';
import type { ApiAnswer } from '../api-types';
import { LoadState, Page, Table, useLoad, when } from '../components';
import { submitted } from '../forms';
import { Link, navigate } from '../router';

const brief = (v: unknown) => (v === null || v === undefined ? '' : JSON.stringify(v).slice(0, 300));

export function Audit(props: { query: URLSearchParams }) {
  const filters = { action: props.query.get('action') ?? '', actor: props.query.get('actor') ?? '', target: props.query.get('target') ?? '' };
  const cursor = props.query.get('cursor') ?? undefined;
  const key = qs({ ...filters, cursor });
  const state = useLoad(() => api<ApiAnswer<'/api/v1/audit'>>(`/api/v1/audit${qs({ ...filters, cursor, limit: 100 })}`), key);
  const submit = (e: Event) => {
    const { text } = submitted(e);
    navigate(`/audit${qs({ action: text('action'), actor: text('actor'), target: text('target') })}`);
  };
  return (
    <Page title="Audit log">
      <form class="filters card inline" onSubmit={submit} aria-label="Audit filters" key={key}>
        <label>
          Action
          <input name="action" defaultValue={filters.action} maxLength={64} placeholder="risk_settings.updated" />
        </label>
        <label>
          Actor
          <input name="actor" defaultValue={filters.actor} maxLength={128} />
        </label>
        <label>
          Target
          <input name="target" defaultValue={filters.target} maxLength={512} />
        </label>
        <button type="submit">Filter</button>
      </form>
      <LoadState state={state} what="the audit log" always />
      {state.data && (
        <div class="card">
          <Table caption="Changes, newest first" columns={['When', 'Actor', 'Action', 'Target', 'Before → after']}>
            {state.data.entries.map((e) => (
              <tr key={e.seq}>
                <td>{when(e.at)}</td>
                <td>{e.actor}</td>
                <td>{e.action}</td>
                <td>{e.target}</td>
                <td class="json-cell">
                  <code>{brief(e.before)}</code> → <code>{brief(e.after)}</code>
                </td>
              </tr>
            ))}
          </Table>
          {state.data.nextCursor && (
            <nav class="pager" aria-label="Pages">
              <Link href={`/audit${qs({ ...filters, cursor: state.data.nextCursor })}`}>Next page</Link>
            </nav>
          )}
        </div>
      )}
    </Page>
  );
}
