/** `/watchlists`: every watchlist and, for the chosen one (`?id=`), its members — add and remove. */
import { api, qs } from '../api';
import type { ApiAnswer } from '../api-types';
import { ErrorBox, LoadState, Page, RoleNote, Table, useLoad, when } from '../components';
import { NoticeLine, submitted, useChange } from '../forms';
import { Link } from '../router';
import { can, ROLE_NEEDED, useSession } from '../session';
import { VirtualTable } from '../virtual-table';

export function Watchlists(props: { query: URLSearchParams }) {
  const { user } = useSession();
  const lists = useLoad(() => api<ApiAnswer<'/api/v1/watchlists'>>('/api/v1/watchlists'), 'all');
  const id = props.query.get('id') ?? lists.data?.watchlists[0]?.id ?? null;
  const members = useLoad(
    () => (id ? api<ApiAnswer<'/api/v1/watchlists/{id}/members'>>(`/api/v1/watchlists/${encodeURIComponent(id)}/members?limit=500`) : Promise.resolve(null)),
    id ?? '',
  );
  const { notice, run } = useChange(members.reload, lists.reload);
  const editable = can.editWatchlistMembers(user.role);
  const add = (e: Event) => {
    const { form, text } = submitted(e);
    const email = text('email');
    const body = { email, departureDate: text('departureDate') || undefined, notes: text('notes') || undefined };
    void run(() => api(`/api/v1/watchlists/${encodeURIComponent(id!)}/members`, { method: 'POST', body }), `Added ${email}.`).then((ok) => ok && form.reset());
  };
  const remove = (email: string) =>
    void run(() => api(`/api/v1/watchlists/${encodeURIComponent(id!)}/members/${encodeURIComponent(email)}`, { method: 'DELETE' }), `Removed ${email}.`);
  const current = lists.data?.watchlists.find((w) => w.id === id);
  return (
    <Page title="Watchlists">
      <LoadState state={lists} what="watchlists" />
      {lists.data && (
        <div class="card">
          <Table caption="Watchlists" columns={['Name', 'Members', 'Browsers told', 'Description']}>
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
          </Table>
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
          <NoticeLine notice={notice} />
          {members.error && <ErrorBox error={members.error} />}
          {members.data && (
            <VirtualTable
              caption={`${members.data.members.length} members, newest first`}
              columns={[
                { heading: 'Person', width: '26%' },
                { heading: 'Departure', width: '12%' },
                { heading: 'Notes', width: '26%' },
                { heading: 'Added', width: '24%' },
                ...(editable ? [{ heading: 'Remove', width: '12%' }] : []),
              ]}
              rows={members.data.members}
              rowKey={(m) => m.email}
              cells={(m) => (
                <>
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
                      <button type="button" class="secondary" aria-label={`Remove ${m.email}`} onClick={() => remove(m.email)}>
                        Remove
                      </button>
                    </td>
                  )}
                </>
              )}
            />
          )}
        </div>
      )}
      {!lists.data?.watchlists.length && lists.data && <p>No watchlists.</p>}
      {id && !current && lists.data && <ErrorBox error="No such watchlist." />}
    </Page>
  );
}
