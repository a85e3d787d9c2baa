/** `/watchlists`: every watchlist and, for the chosen one (`?id=`), its members — add and remove. */
import { useState } from 'preact/hooks';
import { api, qs } from '../api';
import { ErrorBox, Loading, Page, RoleNote, useLoad, when } from '../components';
import { Link } from '../router';
import { can, ROLE_NEEDED, useSession } from '../session';

interface Watchlist {
  id: string;
  name: string;
  description: string;
  builtIn: boolean;
  syncToBrowsers: boolean;
  memberCount: number;
}
interface Member {
  email: string;
  notes: string | null;
  departureDate: string | null;
  addedAt: string;
  addedBy: string;
}

export function Watchlists(props: { query: URLSearchParams }) {
  const { user } = useSession();
  const lists = useLoad(() => api<{ watchlists: Watchlist[] }>('/api/v1/watchlists'), 'all');
  const id = props.query.get('id') ?? lists.data?.watchlists[0]?.id ?? null;
  const members = useLoad(
    () =>
      id ? api<{ members: Member[]; nextCursor: string | null }>(`/api/v1/watchlists/${encodeURIComponent(id)}/members?limit=500`) : Promise.resolve(null),
    id ?? '',
  );
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const editable = can.editWatchlistMembers(user.role);
  const run = async (what: () => Promise<unknown>, done: string) => {
    try {
      await what();
      setMessage({ ok: true, text: done });
      members.reload();
      lists.reload();
    } catch (err) {
      setMessage({ ok: false, text: (err as Error).message });
    }
  };
  const add = (e: Event) => {
    e.preventDefault();
    const formEl = e.currentTarget as HTMLFormElement;
    const form = new FormData(formEl);
    const email = String(form.get('email')).trim();
    const departureDate = String(form.get('departureDate') ?? '') || undefined;
    const notes = String(form.get('notes') ?? '').trim() || undefined;
    void run(
      () => api(`/api/v1/watchlists/${encodeURIComponent(id!)}/members`, { method: 'POST', body: { email, departureDate, notes } }),
      `Added ${email}.`,
    ).then(() => formEl.reset());
  };
  const current = lists.data?.watchlists.find((w) => w.id === id);
  return (
    <Page title="Watchlists">
      {lists.error && <ErrorBox error={lists.error} />}
      {lists.loading && !lists.data && <Loading what="watchlists" />}
      {lists.data && (
        <div class="card">
          <table>
            <caption>Watchlists</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Members</th>
                <th scope="col">Browsers told</th>
                <th scope="col">Description</th>
              </tr>
            </thead>
            <tbody>
              {lists.data.watchlists.map((w) => (
                <tr key={w.id}>
                  <td>
                    <Link href={`/watchlists${qs({ id: w.id })}`} aria-current={w.id === id ? 'true' : undefined}>
                      {w.name}
                    </Link>
                  </td>
                  <td class="num">{w.memberCount}</td>
                  <td>{w.syncToBrowsers ? 'yes' : 'no'}</td>
                  <td>{w.description}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {current && (
        <div class="card">
          <h2>Members of {current.name}</h2>
          {editable ? (
            <form class="inline" onSubmit={add} aria-label={`Add a person to ${current.name}`}>
              <label>
                Email
                <input name="email" type="email" required maxLength={320} />
              </label>
              <label>
                Departure date
                <input name="departureDate" type="date" />
              </label>
              <label>
                Notes
                <input name="notes" maxLength={2000} />
              </label>
              <button type="submit">Add to watchlist</button>
            </form>
          ) : (
            <RoleNote text={`Read only: adding and removing people ${ROLE_NEEDED.analyst.toLowerCase()}`} />
          )}
          {message && (
            <p role={message.ok ? 'status' : 'alert'} class={message.ok ? 'ok' : 'error'}>
              {message.text}
            </p>
          )}
          {members.error && <ErrorBox error={members.error} />}
          {members.data && (
            <table>
              <caption>{members.data.members.length} members, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Person</th>
                  <th scope="col">Departure</th>
                  <th scope="col">Notes</th>
                  <th scope="col">Added</th>
                  {editable && <th scope="col">Remove</th>}
                </tr>
              </thead>
              <tbody>
                {members.data.members.map((m) => (
                  <tr key={m.email}>
                    <td>
                      <Link href={`/users/${encodeURIComponent(m.email)}`}>{m.email}</Link>
                    </td>
                    <td>{m.departureDate ?? '—'}</td>
                    <td>{m.notes ?? ''}</td>
                    <td>
                      {when(m.addedAt)} by {m.addedBy}
                    </td>
                    {editable && (
                      <td>
                        <button
                          type="button"
                          class="secondary"
                          aria-label={`Remove ${m.email}`}
                          onClick={() =>
                            void run(
                              () => api(`/api/v1/watchlists/${encodeURIComponent(id!)}/members/${encodeURIComponent(m.email)}`, { method: 'DELETE' }),
                              `Removed ${m.email}.`,
                            )
                          }
                        >
                          Remove
                        </button>
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      )}
      {!lists.data?.watchlists.length && lists.data && <p>No watchlists.</p>}
      {id && !current && lists.data && <ErrorBox error="No such watchlist." />}
    </Page>
  );
}
