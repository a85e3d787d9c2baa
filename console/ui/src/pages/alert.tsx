/** `/alerts/{id}`: triage one alert — state, assignee, notes — beside the events it groups. */
import { useState } from 'preact/hooks';
import { api } from '../api';
import { FileName, LoadState, Page, RoleNote, SeverityBadge, Table, useLoad, when } from '../components';
import { NoticeLine, Options, submitted, useChange } from '../forms';
import { Link } from '../router';
import { can, ROLE_NEEDED, useSession } from '../session';
import { ALERT_STATES, STATE_LABELS, type Alert } from './alerts';
import type { ApiEvent } from './event';

type AlertDetail = Alert & { notes: { at: string; author: string; text: string }[]; events: ApiEvent[]; eventsNextCursor: string | null };

export function AlertDetail(props: { id: string }) {
  const { user } = useSession();
  const state = useLoad(() => api<AlertDetail>(`/api/v1/alerts/${encodeURIComponent(props.id)}`), props.id);
  const [saving, setSaving] = useState(false);
  const { notice, setNotice, run } = useChange(state.reload);
  const a = state.data;
  const editable = can.triage(user.role);
  const submit = async (e: Event) => {
    const { form, text } = submitted(e);
    if (!a) return;
    const body: Record<string, unknown> = {};
    if (text('state') !== a.state) body.state = text('state');
    const assignee = text('assignee');
    if (assignee !== (a.assignee ?? '')) body.assignee = assignee || null;
    if (text('note')) body.note = text('note');
    if (!Object.keys(body).length) return setNotice({ ok: false, text: 'Nothing changed.' });
    setSaving(true);
    if (await run(() => api(`/api/v1/alerts/${encodeURIComponent(a.id)}`, { method: 'PATCH', body }), 'Saved.')) form.reset();
    setSaving(false);
  };
  return (
    <Page title={a ? `Alert: ${a.ruleName}` : 'Alert'}>
      <LoadState state={state} what="the alert" />
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
                  <Options values={ALERT_STATES} labels={STATE_LABELS} />
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
            <NoticeLine notice={notice} />
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
            <Table caption="Grouped events (newest first)" columns={['Observed', 'File', 'Destination', 'Severity']}>
              {a.events.map((e) => (
                <tr key={e.id}>
                  <td>
                    <Link href={`/events/${e.id}`}>{when(e.observedAt)}</Link>
                  </td>
                  <td class="filename">
                    <FileName name={e.file.name} />
                  </td>
                  <td>{e.destination.serviceName ?? e.destination.host}</td>
                  <td>
                    <SeverityBadge severity={e.risk.severity} />
                  </td>
                </tr>
              ))}
            </Table>
          </div>
        </>
      )}
    </Page>
  );
}
