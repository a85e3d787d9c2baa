/** `/users/{email}`: a person's profile (watchlists, dates, manager, notes) and their timeline. */
import { api, qs } from '../api';
import { bytes, ErrorBox, Loading, Page, SeverityBadge, useLoad, when } from '../components';
import { SEVERITIES } from '../identifiers';
import { Link } from '../router';
import type { ApiEvent } from './event';

interface Profile {
  email: string;
  startDate: string | null;
  departureDate: string | null;
  managerEmail: string | null;
  notes: string | null;
  watchlists: { id: string; name?: string }[];
  legalHolds: { matter: string }[];
  eventsBySeverity: Record<string, number>;
  eventCount: number;
}

export function UserProfile(props: { email: string }) {
  const profile = useLoad(() => api<Profile>(`/api/v1/users/${encodeURIComponent(props.email)}`), props.email);
  const timeline = useLoad(() => api<{ events: ApiEvent[]; nextCursor: string | null }>(`/api/v1/events${qs({ user: props.email, limit: 50 })}`), props.email);
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
              <dd>{p.watchlists.length ? p.watchlists.map((w) => w.name ?? w.id).join(', ') : 'none'}</dd>
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
      <h2>Timeline</h2>
      {timeline.error && <ErrorBox error={timeline.error} />}
      {timeline.data && (
        <ol class="timeline card">
          {timeline.data.events.map((e) => (
            <li key={e.id}>
              <Link href={`/events/${e.id}`}>{when(e.observedAt)}</Link> <span class="filename">{e.file.name}</span> ({bytes(e.file.size)}) to{' '}
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
