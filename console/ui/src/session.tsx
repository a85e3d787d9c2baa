/**
 * Who is signed in, and the sign-in page. The session is the console's HttpOnly cookie; this code
 * only keeps the CSRF token the console hands out with it. The role decides which controls a page
 * shows, but the console checks the same role on every request (a forged request gets 403).
 */
import { createContext } from 'preact';
import { useContext, useState } from 'preact/hooks';
import { api, ApiError, setCsrfToken } from './api';
import type { ApiAnswer } from './api-types';

type SessionAnswer = ApiAnswer<'/api/v1/session'>;
export type SessionUser = SessionAnswer['user'];
export type Role = SessionUser['role'];

export interface SessionState {
  user: SessionUser | null;
  /** The console offers single sign-on (its 401 says `oidc: true`). */
  oidc: boolean;
}

export const SessionContext = createContext<{ user: SessionUser; signOut: () => Promise<void> } | null>(null);

export function useSession() {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in page');
  return session;
}

const ANALYSTS: readonly Role[] = ['analyst', 'admin'];
/** What a role may change, as the console's access table has it (console/http/access.ts). */
export const can = {
  triage: (r: Role) => ANALYSTS.includes(r),
  editWatchlistMembers: (r: Role) => ANALYSTS.includes(r),
  editRiskSettings: (r: Role) => ANALYSTS.includes(r),
  editRules: (r: Role) => ANALYSTS.includes(r),
  editProfiles: (r: Role) => ANALYSTS.includes(r),
  readAudit: (r: Role) => ANALYSTS.includes(r),
  admin: (r: Role) => r === 'admin',
};

export const ROLE_NEEDED = { analyst: 'Needs the analyst or admin role.', admin: 'Needs the admin role.' };

export async function loadSession(): Promise<SessionState> {
  try {
    const answer = await api<SessionAnswer>('/api/v1/session');
    setCsrfToken(answer.csrfToken);
    return { user: answer.user, oidc: false };
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return whoami();
    if (error instanceof ApiError && error.status === 401) return { user: null, oidc: await offersOidc() };
    throw error;
  }
}

/** Whether the console offers single sign-on: GET /api/v1/sign-in says so (or the 401 of the session). */
async function offersOidc(): Promise<boolean> {
  const res = await fetch('/api/v1/sign-in', { credentials: 'same-origin' }).catch(() => null);
  const body = res?.ok ? ((await res.json().catch(() => ({}))) as { oidc?: unknown }) : {};
  return body.oidc === true || (typeof body.oidc === 'object' && body.oidc !== null);
}

/** A console without sessions: a credential the browser already sends (an API key in a header). */
async function whoami(): Promise<SessionState> {
  try {
    const me = await api<{ name: string; role: Role }>('/api/v1/whoami');
    return { user: { email: me.name, role: me.role }, oidc: false };
  } catch {
    return { user: null, oidc: false };
  }
}

/** Why single sign-on was refused: the console redirects to `/?signInError=<code>` (docs/console.md, Sign-in). */
export const SIGN_IN_ERRORS: Record<string, string> = {
  expired: 'The single sign-on took too long, was already used, or came back to another browser. Please sign in again.',
  denied: 'Your identity provider did not let you sign in (cancelled, or this console is not allowed for you).',
  invalid: "Your identity provider's answer could not be verified. Please try again, or ask your administrator.",
  no_email: 'Your identity provider did not give a verified email address.',
  no_role: 'Your account has no role in this console. Ask your administrator to add you to a group that maps to one.',
  conflict: 'This email belongs to another account here (a local account, or another identity). Sign in with that account instead.',
  disabled: 'Your account is disabled in this console. Ask an administrator.',
  unavailable: 'The identity provider could not be reached. Try again later, or sign in with email and password.',
};

/** The refusal in the address bar, as a sentence (unknown codes get a generic one; the code is never rendered as markup). */
function signInErrorFromUrl(): string | null {
  const code = new URLSearchParams(window.location.search).get('signInError');
  if (code === null) return null;
  return Object.hasOwn(SIGN_IN_ERRORS, code) ? SIGN_IN_ERRORS[code]! : 'Single sign-on failed. Please try again.';
}

export function SignIn(props: { oidc: boolean; onSignedIn: (user: SessionUser) => void }) {
  const [error, setError] = useState<string | null>(signInErrorFromUrl);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    setBusy(true);
    setError(null);
    try {
      const answer = await api<SessionAnswer>('/api/v1/session', { method: 'POST', body: { email: form.get('email'), password: form.get('password') } });
      setCsrfToken(answer.csrfToken);
      if (new URLSearchParams(window.location.search).has('signInError')) window.history.replaceState(null, '', '/');
      props.onSignedIn(answer.user);
    } catch (err) {
      setError(err instanceof ApiError && err.status === 401 ? 'Wrong email or password.' : (err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="signin" id="main">
      <h1>Upwatch console</h1>
      <form onSubmit={(e) => void submit(e)} aria-label="Sign in">
        <label>
          Email
          <input name="email" type="email" autoComplete="username" required maxLength={320} />
        </label>
        <label>
          Password
          <input name="password" type="password" autoComplete="current-password" required maxLength={1024} />
        </label>
        {error && (
          <p role="alert" class="error">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          Sign in
        </button>
      </form>
      {props.oidc && (
        <p>
          <a class="button secondary" href="/auth/oidc/login">
            Sign in with SSO
          </a>
        </p>
      )}
    </main>
  );
}
