/** `/audit`: the append-only audit log, filterable by action, actor and target (in the URL). */
import { api, qs } from '../api';
import { ErrorBox, Loading, Page, useLoad, when } from '../components';
import { Link, navigate } from '../router';

interface Entry {
  seq: number;
  at: string;
  actor: string;
  action: string;
  target: string;
  before: unknown;
  after: unknown;
}

const brief = (v: unknown) => (v === null || v === undefined ? '' : JSON.stringify(v).slice(0, 300));

export function Audit(props: { query: URLSearchParams }) {
  const filters = { action: props.query.get('action') ?? '', actor: props.query.get('actor') ?? '', target: props.query.get('target') ?? '' };
  const cursor = props.query.get('cursor') ?? undefined;
  const key = qs({ ...filters, cursor });
  const state = useLoad(() => api<{ entries: Entry[]; nextCursor: string | null }>(`/api/v1/audit${qs({ ...filters, cursor, limit: 100 })}`), key);
  const submit = (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    navigate(
      `/audit${qs({ action: String(form.get('action') ?? '').trim(), actor: String(form.get('actor') ?? '').trim(), target: String(form.get('target') ?? '').trim() })}`,
    );
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
      {state.error && <ErrorBox error={state.error} />}
      {state.loading && <Loading what="the audit log" />}
      {state.data && (
        <div class="card">
          <table>
            <caption>Changes, newest first</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Actor</th>
                <th scope="col">Action</th>
                <th scope="col">Target</th>
                <th scope="col">Before → after</th>
              </tr>
            </thead>
            <tbody>
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
            </tbody>
          </table>
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
