/**
 * `/settings/destinations`: the long tail (issue 16, item 4). The hosts receiving uploads nothing
 * named, in a window the URL keeps (`?days=`, `?offset=`), and for admins a form that makes one a
 * custom destination in one step (synced to browsers, audited); the host then leaves the list.
 * Titles come from the pages people uploaded to: shown as text, never as markup.
 */
import { useState } from 'preact/hooks';
import { api, ApiError, qs } from '../api';
import type { ApiAnswer } from '../api-types';
import { LoadState, Page, RoleNote, Table, useLoad, when } from '../components';
import { NoticeLine, Options, submitted, useChange } from '../forms';
import { DESTINATION_CATEGORIES } from '../identifiers';
import { Link, navigate } from '../router';
import { can, ROLE_NEEDED, useSession } from '../session';

type Answer = ApiAnswer<'/api/v1/destinations/unclassified'>;
type UnnamedHost = Answer['hosts'][number];

const WINDOWS = ['7', '30', '90', '365'];
const PAGE_SIZE = 100;
const TITLE_SHOWN = 160;
const CATEGORIES = DESTINATION_CATEGORIES.filter((c) => c !== 'unknown');
const DAY = 86_400_000;

/** "files.tiny-host.io" (domain "tiny-host.io") → "Tiny-host": a starting point the admin edits. */
export function suggestedName(row: Pick<UnnamedHost, 'host' | 'domain'>): string {
  const label = row.domain.split('.')[0] ?? '';
  if (!/[a-z]/.test(label)) return row.host;
  return label.charAt(0).toUpperCase() + label.slice(1);
}

/** A 400's reasons said with its message (a host the pattern rules refuse, an IPv6 address, …). */
function withIssues(err: unknown): never {
  const issues = err instanceof ApiError ? err.details.issues : undefined;
  if (!Array.isArray(issues) || !issues.length) throw err;
  throw new Error(
    `${(err as Error).message}: ${issues.map((i: { path?: string; message?: string }) => (i.path ? `${i.path}: ${i.message ?? ''}` : (i.message ?? ''))).join('; ')}`,
  );
}

function NameForm(props: { row: UnnamedHost; onDone: (text: string) => void; onCancel: () => void }) {
  const { notice, run } = useChange();
  const { row } = props;
  const submit = (e: Event) => {
    const { text } = submitted(e);
    const body = { host: row.host, name: text('name'), category: text('category') };
    const done = `${row.host} is now the custom destination ${body.name} (${body.category}): browsers use it from their next settings sync.`;
    void run(() => api('/api/v1/destinations/custom', { method: 'POST', body }).catch(withIssues)).then((ok) => ok && props.onDone(done));
  };
  return (
    <div class="card">
      <h2>Make custom destination for {row.host}</h2>
      <form class="inline" onSubmit={submit} aria-label={`Make custom destination for ${row.host}`}>
        <label>
          Name
          <input name="name" required maxLength={128} defaultValue={suggestedName(row)} autoFocus />
        </label>
        <label>
          Category
          {/* The empty first option makes the choice explicit: `required` refuses it (HTML's placeholder label option). */}
          <select name="category" required>
            <option value="">Choose…</option>
            <Options values={CATEGORIES} />
          </select>
        </label>
        <button type="submit">Make custom destination</button>
        <button type="button" class="secondary" onClick={props.onCancel}>
          Cancel
        </button>
      </form>
      <p class="muted">Matches {row.host} and its subdomains. Past uploads keep their category; new ones get this one.</p>
      <NoticeLine notice={notice} />
    </div>
  );
}

export function Destinations(props: { query: URLSearchParams }) {
  const { user } = useSession();
  const days = WINDOWS.includes(props.query.get('days') ?? '') ? props.query.get('days')! : '30';
  const offset = Math.max(0, Number.parseInt(props.query.get('offset') ?? '0', 10) || 0);
  const key = qs({ days, offset });
  const state = useLoad(
    () => api<Answer>(`/api/v1/destinations/unclassified${qs({ since: new Date(Date.now() - Number(days) * DAY).toISOString(), limit: PAGE_SIZE, offset })}`),
    key,
  );
  const [chosen, setChosen] = useState<UnnamedHost | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const admin = can.admin(user.role);
  const pageUrl = (o: number) => `/settings/destinations${qs({ days, offset: o || undefined })}`;
  const named = (text: string) => {
    setChosen(null);
    setDone(text);
    state.reload();
  };
  const data = state.data;
  return (
    <Page title="Destinations">
      <p>
        Hosts that received uploads no catalog service or custom destination names (category <code>other</code> or <code>unknown</code>), most uploads first.
        Naming one adds a custom destination to the synced policy: every browser classifies uploads to it from its next settings sync.
      </p>
      <form class="filters card inline" aria-label="Window" onSubmit={(e) => e.preventDefault()}>
        <label>
          Uploads in the last
          <select value={days} onChange={(e) => navigate(`/settings/destinations${qs({ days: (e.currentTarget as HTMLSelectElement).value })}`)}>
            {WINDOWS.map((d) => (
              <option key={d} value={d}>
                {d} days
              </option>
            ))}
          </select>
        </label>
      </form>
      {!admin && <RoleNote text={`Read only: making a custom destination ${ROLE_NEEDED.admin.toLowerCase()}`} />}
      <NoticeLine notice={done ? { ok: true, text: done } : null} />
      {chosen && <NameForm key={chosen.host} row={chosen} onDone={named} onCancel={() => setChosen(null)} />}
      <LoadState state={state} what="unnamed destinations" always />
      {data && (
        <div class="card">
          <Table
            caption={`${data.total} hosts nobody named since ${when(data.since)}${data.truncated ? ' (the most used only)' : ''}`}
            columns={['Host', 'Uploads', 'People', 'Last seen', 'Sample title', admin && 'Name it']}
          >
            {data.hosts.map((h) => (
              <tr key={h.host}>
                <td>
                  <Link href={`/events${qs({ host: h.host })}`}>{h.host}</Link>
                </td>
                <td class="num">{h.uploads}</td>
                <td class="num">{h.users}</td>
                <td>{when(h.lastSeen)}</td>
                <td title={h.sampleTitle ?? undefined}>
                  {h.sampleTitle === null ? '—' : h.sampleTitle.length > TITLE_SHOWN ? `${h.sampleTitle.slice(0, TITLE_SHOWN)}…` : h.sampleTitle}
                </td>
                {admin && (
                  <td>
                    <button type="button" class="secondary" aria-label={`Make custom destination for ${h.host}`} onClick={() => setChosen(h)}>
                      Make custom destination
                    </button>
                  </td>
                )}
              </tr>
            ))}
            {data.hosts.length === 0 && (
              <tr>
                <td colSpan={admin ? 6 : 5} class="muted">
                  Every upload in this window went to a named destination.
                </td>
              </tr>
            )}
          </Table>
          <p>
            {offset > 0 && <Link href={pageUrl(Math.max(0, offset - PAGE_SIZE))}>Previous {PAGE_SIZE}</Link>}{' '}
            {data.nextOffset !== null && <Link href={pageUrl(data.nextOffset)}>Next {PAGE_SIZE}</Link>}
          </p>
        </div>
      )}
    </Page>
  );
}
