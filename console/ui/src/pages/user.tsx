/** `/users/{email}`: a person's profile (watchlists, dates, manager, notes) and their timeline. */
import { api, qs } from '../api';
import type { ApiAnswer } from '../api-types';
import { bytes, ErrorBox, FileName, LoadState, Loading, Page, SeverityBadge, Table, useLoad, when } from '../components';
import { SEVERITIES } from '../identifiers';
import { Link } from '../router';

type Profile = ApiAnswer<'/api/v1/users/{email}'>;

/** One browser of the person and its latest health, as the server declares it. */
type BrowserStatus = ApiAnswer<'/api/v1/users/{email}/browsers'>['browsers'][number];

function storageWords(h: NonNullable<BrowserStatus['health']>): string {
  const s = h.storage;
  const lost =
    s.notKeptLocally || s.prunedForSpace
      ? ` Its own history misses ${s.notKeptLocally} event(s); ${s.prunedForSpace} older ones were removed to make room.`
      : '';
  if (s.trouble === null) return `No trouble.${lost}`;
  if (s.queueFailed)
    return `Cannot write since ${when(s.troubleSince)} (${s.trouble}): new uploads can be neither queued nor kept, so they are lost until disk space is freed.`;
  return `Cannot write since ${when(s.troubleSince)} (${s.trouble}). Events are still forwarded here; only the browser's own history is incomplete.${lost}`;
}

function deadLetterWords(h: NonNullable<BrowserStatus['health']>): string {
  const d = h.deadLetters;
  if (d.count === 0) return 'None.';
  return `${d.count} event(s) refused by the backend, kept in the browser since ${when(d.oldestAt)}${d.lastError ? ` (${d.lastError})` : ''}. They are sent again by themselves when the backend settings change (a new token or address).`;
}

function Browsers(props: { email: string }) {
  const state = useLoad(() => api<ApiAnswer<'/api/v1/users/{email}/browsers'>>(`/api/v1/users/${encodeURIComponent(props.email)}/browsers`), props.email);
  const list = state.data?.browsers;
  return (
    <>
      <LoadState state={state} what="the browsers" />
      {list && list.length === 0 && <p class="muted">No browser has reported for this person.</p>}
      {list && list.length > 0 && (
        <Table
          caption="Browsers and their delivery health"
          columns={['Browser', 'Last heard from', 'Storage on the device', 'Refused events (dead letters)', 'Dropped events']}
          class="browsers"
        >
          {list.map((b, i) => (
            <tr key={i}>
              <td>
                {[b.browser, b.browserVersion].filter(Boolean).join(' ') || 'unknown'} on {b.os ?? 'unknown'} (Upwatch {b.extensionVersion ?? '?'})
              </td>
              <td>{when(b.lastSeenAt)}</td>
              <td>{b.health ? storageWords(b.health) : 'Not reported (an Upwatch version before health reports).'}</td>
              <td>{b.health ? deadLetterWords(b.health) : '—'}</td>
              <td>{b.droppedEvents ? `${b.droppedEvents} (queue full), last ${when(b.lastDroppedAt)}` : 'None.'}</td>
            </tr>
          ))}
        </Table>
      )}
    </>
  );
}

export function UserProfile(props: { email: string }) {
  const profile = useLoad(() => api<Profile>(`/api/v1/users/${encodeURIComponent(props.email)}`), props.email);
  const timeline = useLoad(() => api<ApiAnswer<'/api/v1/events'>>(`/api/v1/events${qs({ user: props.email, limit: 50 })}`), props.email);
  const p = profile.data;
  return (
    <Page title={props.email}>
      {profile.error && <ErrorBox error={profile.error} />}
      {profile.loading && <Loading what="the profile" />}
      {p && (
        <div class="card">
          <dl class="facts">
            <div>
              <dt>Watchlists</dt>
              <dd>{p.watchlists.length ? p.watchlists.map((w) => w.watchlist).join(', ') : 'none'}</dd>
            </div>
            <div>
              <dt>Start date</dt>
              <dd>{p.startDate ?? '—'}</dd>
            </div>
            <div>
              <dt>Departure date</dt>
              <dd>{p.departureDate ?? '—'}</dd>
            </div>
            <div>
              <dt>Manager</dt>
              <dd>{p.managerEmail ?? '—'}</dd>
            </div>
            <div>
              <dt>Notes</dt>
              <dd class="prewrap">{p.notes ?? '—'}</dd>
            </div>
            <div>
              <dt>Legal holds</dt>
              <dd>{p.legalHolds.length ? p.legalHolds.map((h) => h.matter).join(', ') : 'none'}</dd>
            </div>
            <div>
              <dt>Events</dt>
              <dd>
                {p.eventCount} ({SEVERITIES.map((s) => `${p.eventsBySeverity[s] ?? 0} ${s}`).join(', ')})
              </dd>
            </div>
          </dl>
        </div>
      )}
      <h2>Browsers</h2>
      <Browsers email={props.email} />
      <h2>Timeline</h2>
      {timeline.error && <ErrorBox error={timeline.error} />}
      {timeline.data && (
        <ol class="timeline card">
          {timeline.data.events.map((e) => (
            <li key={e.id}>
              <Link href={`/events/${e.id}`}>{when(e.observedAt)}</Link> <FileName name={e.file.name} /> ({bytes(e.file.size)}) to{' '}
              {e.destination.serviceName ?? e.destination.host} <SeverityBadge severity={e.risk.severity} />
            </li>
          ))}
          {timeline.data.events.length === 0 && <li class="muted">No stored events.</li>}
        </ol>
      )}
      {timeline.data?.nextCursor && <Link href={`/events${qs({ user: props.email })}`}>All events of this person</Link>}
    </Page>
  );
}
