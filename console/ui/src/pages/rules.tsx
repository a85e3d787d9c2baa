/** `/settings/rules`: alert rules — what each matches, on or off, and a new rule. */
import { useState } from 'preact/hooks';
import { api } from '../api';
import { ErrorBox, Loading, Page, RoleNote, SEVERITIES, useLoad, when } from '../components';
import { can, ROLE_NEEDED, useSession } from '../session';

interface Rule {
  id: string;
  name: string;
  enabled: boolean;
  conditions: Record<string, unknown>;
  updatedAt: string;
}

const describe = (c: Record<string, unknown>) =>
  Object.entries(c)
    .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : String(v)}`)
    .join('; ') || 'every event';

export function Rules() {
  const { user } = useSession();
  const state = useLoad(() => api<{ rules: Rule[] }>('/api/v1/alert-rules'), 'rules');
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const editable = can.editRules(user.role);
  const run = async (what: () => Promise<unknown>, done: string) => {
    try {
      await what();
      setMessage({ ok: true, text: done });
      state.reload();
    } catch (err) {
      setMessage({ ok: false, text: (err as Error).message });
    }
  };
  const create = (e: Event) => {
    e.preventDefault();
    const formEl = e.currentTarget as HTMLFormElement;
    const form = new FormData(formEl);
    const conditions: Record<string, unknown> = { minSeverity: String(form.get('minSeverity')) };
    const watchlists = String(form.get('watchlists') ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (watchlists.length) conditions.watchlists = watchlists;
    void run(() => api('/api/v1/alert-rules', { method: 'POST', body: { name: String(form.get('name')).trim(), conditions } }), 'Rule created.').then(() =>
      formEl.reset(),
    );
  };
  return (
    <Page title="Alert rules">
      <p>A rule raises an alert per person when an ingested event meets every condition. Response rules are not part of this console yet.</p>
      {state.error && <ErrorBox error={state.error} />}
      {state.loading && !state.data && <Loading what="rules" />}
      {message && (
        <p role={message.ok ? 'status' : 'alert'} class={message.ok ? 'ok' : 'error'}>
          {message.text}
        </p>
      )}
      {state.data && (
        <div class="card">
          <table>
            <caption>{state.data.rules.length} rules</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Matches</th>
                <th scope="col">Updated</th>
                <th scope="col">Enabled</th>
              </tr>
            </thead>
            <tbody>
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
            </tbody>
          </table>
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
            <select name="minSeverity" defaultValue="high">
              {SEVERITIES.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </label>
          <label>
            Watchlists (ids, optional)
            <input name="watchlists" placeholder="departing" maxLength={2000} />
          </label>
          <button type="submit">Create rule</button>
        </form>
      ) : (
        <RoleNote text={`Read only: creating and changing rules ${ROLE_NEEDED.analyst.toLowerCase()}`} />
      )}
    </Page>
  );
}
