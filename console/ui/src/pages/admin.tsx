/** `/admin/credentials` and `/admin/users`: admins only (the console refuses everyone else anyway). */
import { useState } from 'preact/hooks';
import { api } from '../api';
import type { ApiAnswer } from '../api-types';
import { LoadState, Page, RoleNote, Table, useLoad, when } from '../components';
import { NoticeLine, Options, submitted, useChange } from '../forms';
import { can, ROLE_NEEDED, useSession } from '../session';

const ROLES = ['ingest', 'read_only', 'analyst', 'admin'];

export function Credentials() {
  const { user } = useSession();
  const allowed = can.admin(user.role);
  const state = useLoad(() => (allowed ? api<ApiAnswer<'/api/v1/credentials'>>('/api/v1/credentials') : Promise.resolve(null)), 'credentials');
  const [secret, setSecret] = useState<{ name: string; secret: string } | null>(null);
  const { notice, run } = useChange(state.reload);
  if (!allowed) return <Page title="Credentials">{<RoleNote text={ROLE_NEEDED.admin} />}</Page>;
  const create = (e: Event) => {
    const { form, text } = submitted(e);
    const name = text('name');
    void run(async () => {
      const answer = await api<ApiAnswer<'/api/v1/credentials', 'post'>>('/api/v1/credentials', { method: 'POST', body: { name, role: text('role') } });
      setSecret({ name: answer.credential.name, secret: answer.secret });
      form.reset();
    }, `Created ${name}.`);
  };
  const revoke = (name: string) => {
    if (!window.confirm(`Revoke ${name}? Anything using it stops at once.`)) return;
    void run(() => api(`/api/v1/credentials/${encodeURIComponent(name)}`, { method: 'DELETE' }), `Revoked ${name}.`);
  };
  return (
    <Page title="Credentials">
      <p>Ingest tokens for browsers, API keys for people and automation. A secret is shown once, when it is created.</p>
      <form class="card inline" onSubmit={create} aria-label="New credential">
        <label>
          Name
          <input name="name" required maxLength={64} pattern="[\w.@:\-]+" />
        </label>
        <label>
          Role
          <select name="role" defaultValue="read_only">
            <Options values={ROLES} />
          </select>
        </label>
        <button type="submit">Create credential</button>
      </form>
      {secret && (
        <div class="card" role="status">
          <p>
            Secret of <strong>{secret.name}</strong> (copy it now; it is not shown again):
          </p>
          <code class="secret">{secret.secret}</code>
        </div>
      )}
      <NoticeLine notice={notice} />
      <LoadState state={state} what="credentials" />
      {state.data && (
        <div class="card">
          <Table caption="Credentials" columns={['Name', 'Role', 'Created', 'Last used', 'State']}>
            {state.data.credentials.map((c) => (
              <tr key={c.name}>
                <td>
                  {c.name} <span class="muted">({c.prefix}…)</span>
                </td>
                <td>{c.role}</td>
                <td>
                  {when(c.createdAt)} by {c.createdBy}
                </td>
                <td>{when(c.lastUsedAt)}</td>
                <td>
                  {c.revokedAt ? (
                    `revoked ${when(c.revokedAt)}`
                  ) : (
                    <button type="button" class="secondary" aria-label={`Revoke ${c.name}`} onClick={() => revoke(c.name)}>
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </Table>
        </div>
      )}
    </Page>
  );
}

const PEOPLE_ROLES = ['read_only', 'analyst', 'admin'] as const;

/** `/admin/users`: the console's accounts (GET/POST/PATCH /api/v1/accounts). */
export function Users() {
  const { user } = useSession();
  const allowed = can.admin(user.role);
  const state = useLoad(() => (allowed ? api<ApiAnswer<'/api/v1/accounts'>>('/api/v1/accounts?limit=500') : Promise.resolve(null)), 'accounts');
  const { notice, run } = useChange(state.reload);
  if (!allowed) return <Page title="Users">{<RoleNote text={ROLE_NEEDED.admin} />}</Page>;
  const create = (e: Event) => {
    const { form, text } = submitted(e);
    const email = text('email');
    const name = text('name');
    // The password as typed: spaces at either end are part of it.
    const password = String(new FormData(form).get('password') ?? '');
    void run(async () => {
      await api('/api/v1/accounts', { method: 'POST', body: { email, role: text('role'), password, ...(name && { name }) } });
      form.reset();
    }, `Created ${email}. Give them the initial password by a separate channel; they can change it later.`);
  };
  const patch = (email: string, body: Record<string, unknown>, done: string) =>
    run(() => api(`/api/v1/accounts/${encodeURIComponent(email)}`, { method: 'PATCH', body }), done);
  return (
    <Page title="Users">
      <p>People who sign in to this console, each with a role. People who sign in with single sign-on get the role their identity provider's group maps to.</p>
      <form class="card inline" onSubmit={create} aria-label="New account">
        <label>
          Email
          <input name="email" type="email" required maxLength={320} />
        </label>
        <label>
          Name
          <input name="name" maxLength={200} />
        </label>
        <label>
          Role
          <select name="role" defaultValue="read_only">
            <Options values={PEOPLE_ROLES} />
          </select>
        </label>
        <label>
          Initial password
          <input name="password" type="password" autoComplete="new-password" required minLength={12} maxLength={1024} />
        </label>
        <button type="submit">Create account</button>
      </form>
      <NoticeLine notice={notice} />
      <LoadState state={state} what="accounts" />
      {state.data && (
        <div class="card">
          <Table caption="Accounts" columns={['Email', 'Kind', 'Role', 'Last sign-in', 'State']}>
            {state.data.accounts.map((a) => (
              <tr key={a.email}>
                <td>
                  {a.email}
                  {a.name && <span class="muted"> ({a.name})</span>}
                </td>
                <td>{a.kind}</td>
                <td>
                  {a.kind === 'local' && a.email !== user.email ? (
                    <select
                      aria-label={`Role of ${a.email}`}
                      value={a.role}
                      onChange={(e) =>
                        void patch(
                          a.email,
                          { role: (e.currentTarget as HTMLSelectElement).value },
                          `${a.email} is now ${(e.currentTarget as HTMLSelectElement).value}.`,
                        )
                      }
                    >
                      <Options values={PEOPLE_ROLES} />
                    </select>
                  ) : (
                    a.role
                  )}
                </td>
                <td>{when(a.lastSignInAt)}</td>
                <td>
                  {a.email === user.email ? (
                    'you'
                  ) : (
                    <button
                      type="button"
                      class="secondary"
                      aria-label={`${a.disabled ? 'Enable' : 'Disable'} ${a.email}`}
                      onClick={() => void patch(a.email, { disabled: !a.disabled }, `${a.disabled ? 'Enabled' : 'Disabled'} ${a.email}.`)}
                    >
                      {a.disabled ? 'Enable' : 'Disable'}
                    </button>
                  )}
                  {a.disabled && <span class="muted"> disabled</span>}
                </td>
              </tr>
            ))}
          </Table>
        </div>
      )}
    </Page>
  );
}
