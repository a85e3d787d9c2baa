/** `/settings/rules`: alert rules (what each matches, on or off, a new rule), then the response rules synced to browsers. */
import { api } from '../api';
import type { ApiAnswer } from '../api-types';
import { LoadState, Page, RoleNote, Table, useLoad, when } from '../components';
import { SEVERITIES } from '../identifiers';
import { NoticeLine, Options, submitted, useChange } from '../forms';
import { can, ROLE_NEEDED, useSession } from '../session';
import { ResponseRules } from './response-rules';

/** An alert rule; its conditions are checked by the server's own schema, which the document gives as any JSON. */
type Rule = Omit<ApiAnswer<'/api/v1/alert-rules'>['rules'][number], 'conditions'> & { conditions: Record<string, unknown> };

const describe = (c: Record<string, unknown>) =>
  Object.entries(c)
    .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : String(v)}`)
    .join('; ') || 'every event';

export function Rules() {
  const { user } = useSession();
  const state = useLoad(() => api<{ rules: Rule[] }>('/api/v1/alert-rules'), 'rules');
  const { notice, run } = useChange(state.reload);
  const editable = can.editRules(user.role);
  const create = (e: Event) => {
    const { form, text } = submitted(e);
    const conditions: Record<string, unknown> = { minSeverity: text('minSeverity') };
    const watchlists = text('watchlists')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (watchlists.length) conditions.watchlists = watchlists;
    void run(() => api('/api/v1/alert-rules', { method: 'POST', body: { name: text('name'), conditions } }), 'Rule created.').then((ok) => ok && form.reset());
  };
  return (
    <Page title="Rules">
      <h2>Alert rules</h2>
      <p>
        An alert rule raises an alert per person when an ingested event meets every condition. Response rules, below, act in the browser before the upload
        happens.
      </p>
      <LoadState state={state} what="rules" />
      <NoticeLine notice={notice} />
      {state.data && (
        <div class="card">
          <Table caption={`${state.data.rules.length} alert rules`} columns={['Name', 'Matches', 'Updated', 'Enabled']}>
            {state.data.rules.map((r) => (
              <tr key={r.id}>
                <td>{r.name}</td>
                <td>{describe(r.conditions)}</td>
                <td>{when(r.updatedAt)}</td>
                <td>
                  <label class="check">
                    <input
                      type="checkbox"
                      checked={r.enabled}
                      disabled={!editable}
                      onChange={() =>
                        void run(
                          () => api(`/api/v1/alert-rules/${encodeURIComponent(r.id)}`, { method: 'PATCH', body: { enabled: !r.enabled } }),
                          `${r.name} ${r.enabled ? 'disabled' : 'enabled'}.`,
                        )
                      }
                    />
                    <span class="sr-only">{r.name} enabled</span>
                  </label>
                </td>
              </tr>
            ))}
          </Table>
        </div>
      )}
      {editable ? (
        <form class="card inline" onSubmit={create} aria-label="New alert rule">
          <label>
            Name
            <input name="name" required maxLength={200} />
          </label>
          <label>
            Lowest severity
            <select name="minSeverity">
              <Options values={SEVERITIES} selected="high" />
            </select>
          </label>
          <label>
            Watchlists (ids, optional)
            <input name="watchlists" placeholder="departing" maxLength={2000} />
          </label>
          <button type="submit">Create rule</button>
        </form>
      ) : (
        <RoleNote text={`Read only: creating and changing alert rules ${ROLE_NEEDED.analyst.toLowerCase()}`} />
      )}
      <ResponseRules />
    </Page>
  );
}
