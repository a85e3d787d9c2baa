/** `/admin/credentials` and `/admin/users`: admins only (the console refuses everyone else anyway). */
import { useState } from 'preact/hooks';
import { api } from '../api';
import { ErrorBox, Loading, Page, RoleNote, useLoad, when } from '../components';
import { can, ROLE_NEEDED, useSession } from '../session';

interface Credential {
  name: string;
  role: string;
  prefix: string;
  createdAt: string;
  createdBy: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}
const ROLES = ['ingest', 'read_only', 'analyst', 'admin'];

export function Credentials() {
  const { user } = useSession();
  const allowed = can.admin(user.role);
  const state = useLoad(() => (allowed ? api<{ credentials: Credential[] }>('/api/v1/credentials') : Promise.resolve(null)), 'credentials');
  const [secret, setSecret] = useState<{ name: string; secret: string } | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  if (!allowed) return <Page title="Credentials">{<RoleNote text={ROLE_NEEDED.admin} />}</Page>;
  const create = async (e: Event) => {
    e.preventDefault();
    const formEl = e.currentTarget as HTMLFormElement;
    const form = new FormData(formEl);
    try {
      const answer = await api<{ credential: Credential; secret: string }>('/api/v1/credentials', {
        method: 'POST',
        body: { name: String(form.get('name')).trim(), role: form.get('role') },
      });
      setSecret({ name: answer.credential.name, secret: answer.secret });
      setMessage(null);
      formEl.reset();
      state.reload();
    } catch (err) {
      setMessage({ ok: false, text: (err as Error).message });
    }
  };
  const revoke = async (name: string) => {
    if (!window.confirm(`Revoke ${name}? Anything using it stops at once.`)) return;
    try {
      await api(`/api/v1/credentials/${encodeURIComponent(name)}`, { method: 'DELETE' });
      setMessage({ ok: true, text: `Revoked ${name}.` });
      state.reload();
    } catch (err) {
      setMessage({ ok: false, text: (err as Error).message });
    }
  };
  return (
    <Page title="Credentials">
      <p>Ingest tokens for browsers, API keys for people and automation. A secret is shown once, when it is created.</p>
      <form class="card inline" onSubmit={(e) => void create(e)} aria-label="New credential">
        <label>
          Name
          <input name="name" required maxLength={64} pattern="[\w.@:\-]+" />
        </label>
        <label>
          Role
          <select name="role" defaultValue="read_only">
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
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
      {message && (
        <p role={message.ok ? 'status' : 'alert'} class={message.ok ? 'ok' : 'error'}>
          {message.text}
        </p>
      )}
      {state.error && <ErrorBox error={state.error} />}
      {state.loading && !state.data && <Loading what="credentials" />}
      {state.data && (
        <div class="card">
          <table>
            <caption>Credentials</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Role</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">State</th>
              </tr>
            </thead>
            <tbody>
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
                      <button type="button" class="secondary" aria-label={`Revoke ${c.name}`} onClick={() => void revoke(c.name)}>
                        Revoke
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Page>
  );
}

interface Account {
  email: string;
  name: string | null;
  role: 'read_only' | 'analyst' | 'admin';
  kind: 'local' | 'oidc';
  createdAt: string;
  createdBy: string;
  lastSignInAt: string | null;
  disabled: boolean;
}
const PEOPLE_ROLES = ['read_only', 'analyst', 'admin'] as const;

/** `/admin/users`: the console's accounts (GET/POST/PATCH /api/v1/accounts). */
export function Users() {
  const { user } = useSession();
  const allowed = can.admin(user.role);
  const state = useLoad(() => (allowed ? api<{ accounts: Account[] }>('/api/v1/accounts?limit=500') : Promise.resolve(null)), 'accounts');
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  if (!allowed) return <Page title="Users">{<RoleNote text={ROLE_NEEDED.admin} />}</Page>;
  const act = async (run: () => Promise<unknown>, done: string) => {
    try {
      await run();
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
    const email = String(form.get('email')).trim();
    const name = String(form.get('name') ?? '').trim();
    void act(async () => {
      await api('/api/v1/accounts', { method: 'POST', body: { email, role: form.get('role'), password: form.get('password'), ...(name && { name }) } });
      formEl.reset();
    }, `Created ${email}. Give them the initial password by a separate channel; they can change it later.`);
  };
  const patch = (email: string, body: Record<string, unknown>, done: string) =>
    act(() => api(`/api/v1/accounts/${encodeURIComponent(email)}`, { method: 'PATCH', body }), done);
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
            {PEOPLE_ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </label>
        <label>
          Initial password
          <input name="password" type="password" autoComplete="new-password" required minLength={12} maxLength={1024} />
        </label>
        <button type="submit">Create account</button>
      </form>
      {message && (
        <p role={message.ok ? 'status' : 'alert'} class={message.ok ? 'ok' : 'error'}>
          {message.text}
        </p>
      )}
      {state.error && <ErrorBox error={state.error} />}
      {state.loading && !state.data && <Loading what="accounts" />}
      {state.data && (
        <div class="card">
          <table>
            <caption>Accounts</caption>
            <thead>
              <tr>
                <th scope="col">Email</th>
                <th scope="col">Kind</th>
                <th scope="col">Role</th>
                <th scope="col">Last sign-in</th>
                <th scope="col">State</th>
              </tr>
            </thead>
            <tbody>
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
                        {PEOPLE_ROLES.map((r) => (
                          <option key={r} value={r}>
                            {r}
                          </option>
                        ))}
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
            </tbody>
          </table>
        </div>
      )}
    </Page>
  );
}
