/** `/alerts/{id}`: triage one alert — state, assignee, notes — beside the events it groups. */
import { useState } from 'preact/hooks';
import { api } from '../api';
import { ErrorBox, Loading, Page, RoleNote, SeverityBadge, useLoad, when } from '../components';
import { Link } from '../router';
import { can, ROLE_NEEDED, useSession } from '../session';
import { ALERT_STATES, STATE_LABELS, type Alert } from './alerts';
import type { ApiEvent } from './event';

type AlertDetail = Alert & { notes: { at: string; author: string; text: string }[]; events: ApiEvent[]; eventsNextCursor: string | null };

export function AlertDetail(props: { id: string }) {
  const { user } = useSession();
  const state = useLoad(() => api<AlertDetail>(`/api/v1/alerts/${encodeURIComponent(props.id)}`), props.id);
  const [saving, setSaving] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const a = state.data;
  const editable = can.triage(user.role);
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!a) return;
    const form = new FormData(e.currentTarget as HTMLFormElement);
    const body: Record<string, unknown> = {};
    const nextState = String(form.get('state'));
    if (nextState !== a.state) body.state = nextState;
    const assignee = String(form.get('assignee') ?? '').trim();
    if (assignee !== (a.assignee ?? '')) body.assignee = assignee || null;
    const note = String(form.get('note') ?? '').trim();
    if (note) body.note = note;
    if (!Object.keys(body).length) return setMessage({ ok: false, text: 'Nothing changed.' });
    setSaving(true);
    try {
      await api(`/api/v1/alerts/${encodeURIComponent(a.id)}`, { method: 'PATCH', body });
      setMessage({ ok: true, text: 'Saved.' });
      (e.currentTarget as HTMLFormElement | null)?.reset();
      state.reload();
    } catch (err) {
      setMessage({ ok: false, text: (err as Error).message });
    } finally {
      setSaving(false);
    }
  };
  return (
    <Page title={a ? `Alert: ${a.ruleName}` : 'Alert'}>
      {state.error && <ErrorBox error={state.error} />}
      {!a && state.loading && <Loading what="the alert" />}
      {a && (
        <>
          <p class="lede">
            {a.user ? <Link href={`/users/${encodeURIComponent(a.user)}`}>{a.user}</Link> : 'Unknown user'} · <SeverityBadge severity={a.severity} /> ·{' '}
            {a.eventCount} events from {when(a.firstEventAt)} to {when(a.lastEventAt)} · {STATE_LABELS[a.state] ?? a.state}
          </p>
          <form class="card triage" onSubmit={(e) => void submit(e)} aria-label="Triage">
            <h2>Triage</h2>
            {!editable && <RoleNote text={`Read only. ${ROLE_NEEDED.analyst}`} />}
            <fieldset disabled={!editable || saving}>
              <label>
                State
                <select name="state" key={`${a.state}-${a.updatedAt}`} defaultValue={a.state}>
                  {ALERT_STATES.map((s) => (
                    <option key={s} value={s}>
                      {STATE_LABELS[s]}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                Assignee (email)
                <input name="assignee" type="email" maxLength={320} key={`${a.assignee}-${a.updatedAt}`} defaultValue={a.assignee ?? ''} />
              </label>
              <label>
                Add a note
                <textarea name="note" maxLength={4000} rows={3} />
              </label>
              <button type="submit">Save triage</button>
            </fieldset>
            {message && (
              <p role={message.ok ? 'status' : 'alert'} class={message.ok ? 'ok' : 'error'}>
                {message.text}
              </p>
            )}
          </form>
          <div class="card">
            <h2>Notes</h2>
            {a.notes.length === 0 && <p class="muted">No notes yet.</p>}
            <ol class="notes">
              {a.notes.map((n, i) => (
                <li key={i}>
                  <span class="muted">
                    {when(n.at)} · {n.author}
                  </span>
                  <p class="prewrap">{n.text}</p>
                </li>
              ))}
            </ol>
          </div>
          <div class="card">
            <table>
              <caption>Grouped events (newest first)</caption>
              <thead>
                <tr>
                  <th scope="col">Observed</th>
                  <th scope="col">File</th>
                  <th scope="col">Destination</th>
                  <th scope="col">Severity</th>
                </tr>
              </thead>
              <tbody>
                {a.events.map((e) => (
                  <tr key={e.id}>
                    <td>
                      <Link href={`/events/${e.id}`}>{when(e.observedAt)}</Link>
                    </td>
                    <td class="filename">{e.file.name}</td>
                    <td>{e.destination.serviceName ?? e.destination.host}</td>
                    <td>
                      <SeverityBadge severity={e.risk.severity} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </Page>
  );
}
