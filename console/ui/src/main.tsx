/** Boots the console UI: theme, session, then the page the URL names. */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, setCsrfToken } from './api';
import { ErrorBox, Loading } from './components';
import { applyStoredTheme, Layout } from './layout';
import { match, useLocation, type Location } from './router';
import { loadSession, SessionContext, SignIn, type SessionState, type SessionUser } from './session';
import { Dashboard } from './pages/dashboard';
import { Search } from './pages/search';
import { EventDetail } from './pages/event';
import { UserProfile } from './pages/user';
import { Alerts } from './pages/alerts';
import { AlertDetail } from './pages/alert';
import { Watchlists } from './pages/watchlists';
import { RiskSettings } from './pages/risk';
import { Policy } from './pages/policy';
import { Rules } from './pages/rules';
import { Destinations } from './pages/destinations';
import { Audit } from './pages/audit';
import { Credentials, Users } from './pages/admin';
import './style.css';

type Params = Record<string, string>;
const ROUTES: [string, (p: Params, loc: Location) => preact.JSX.Element][] = [
  ['/', (_p, loc) => <Dashboard query={loc.query} />],
  ['/events', (_p, loc) => <Search query={loc.query} />],
  ['/events/:id', (p) => <EventDetail id={p.id!} />],
  ['/users/:email', (p) => <UserProfile email={p.email!} />],
  ['/alerts', (_p, loc) => <Alerts query={loc.query} />],
  ['/alerts/:id', (p) => <AlertDetail id={p.id!} />],
  ['/watchlists', (_p, loc) => <Watchlists query={loc.query} />],
  ['/settings/risk', () => <RiskSettings />],
  ['/settings/policy', () => <Policy />],
  ['/settings/rules', () => <Rules />],
  ['/settings/destinations', (_p, loc) => <Destinations query={loc.query} />],
  ['/audit', (_p, loc) => <Audit query={loc.query} />],
  ['/admin/credentials', () => <Credentials />],
  ['/admin/users', () => <Users />],
];

function Routed(props: { location: Location }) {
  for (const [pattern, page] of ROUTES) {
    const params = match(pattern, props.location.path);
    if (params) return page(params, props.location);
  }
  return <ErrorBox error="No such page." />;
}

// Asked while the first render happens, not after it: the page's own data waits on the answer.
const firstSession = loadSession().then(
  (session) => ({ session, error: null }),
  (e: Error) => ({ session: null, error: e.message }),
);

function App() {
  const location = useLocation();
  const [session, setSession] = useState<SessionState | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    void firstSession.then((first) => (first.session ? setSession(first.session) : setError(first.error)));
    const signedOut = () => setSession((s) => (s?.user ? { user: null, oidc: s.oidc } : s));
    window.addEventListener('upwatch:signed-out', signedOut);
    return () => window.removeEventListener('upwatch:signed-out', signedOut);
  }, []);
  // Focus the new page's heading so keyboard and screen-reader users land on it.
  useEffect(() => {
    document.getElementById('page-title')?.focus({ preventScroll: true });
  }, [location.path]);
  if (error) return <ErrorBox error={error} />;
  if (!session) return <Loading what="the console" />;
  if (!session.user) return <SignIn oidc={session.oidc} onSignedIn={(user: SessionUser) => setSession({ user, oidc: session.oidc })} />;
  const signOut = async () => {
    await api('/api/v1/session', { method: 'DELETE' }).catch(() => undefined);
    setCsrfToken(null);
    setSession({ user: null, oidc: session.oidc });
  };
  return (
    <SessionContext.Provider value={{ user: session.user, signOut }}>
      <Layout path={location.path}>
        <Routed location={location} />
      </Layout>
    </SessionContext.Provider>
  );
}

applyStoredTheme();
render(<App />, document.getElementById('app')!);
