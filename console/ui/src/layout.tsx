/** The frame of every page: skip link, navigation by section, theme toggle, who is signed in. */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { Link } from './router';
import { can, useSession } from './session';

type Theme = 'light' | 'dark' | 'system';

export function applyStoredTheme(): void {
  const stored = localStorage.getItem('upwatch-theme');
  if (stored === 'light' || stored === 'dark') document.documentElement.dataset.theme = stored;
}

function ThemeToggle() {
  const [theme, setTheme] = useState<Theme>(() => (localStorage.getItem('upwatch-theme') as Theme | null) ?? 'system');
  const change = (next: Theme) => {
    setTheme(next);
    if (next === 'system') {
      localStorage.removeItem('upwatch-theme');
      delete document.documentElement.dataset.theme;
    } else {
      localStorage.setItem('upwatch-theme', next);
      document.documentElement.dataset.theme = next;
    }
  };
  return (
    <label class="theme">
      Theme{' '}
      <select value={theme} onChange={(e) => change((e.currentTarget as HTMLSelectElement).value as Theme)}>
        <option value="system">System</option>
        <option value="light">Light</option>
        <option value="dark">Dark</option>
      </select>
    </label>
  );
}

const NAV: { href: string; label: string; show?: (role: Parameters<typeof can.admin>[0]) => boolean }[] = [
  { href: '/', label: 'Risk exposure' },
  { href: '/events', label: 'Forensic search' },
  { href: '/alerts', label: 'Alerts' },
  { href: '/watchlists', label: 'Watchlists' },
  { href: '/settings/risk', label: 'Risk settings' },
  { href: '/settings/rules', label: 'Rules' },
  { href: '/settings/policy', label: 'Policy' },
  { href: '/settings/destinations', label: 'Destinations' },
  { href: '/audit', label: 'Audit log', show: can.readAudit },
  { href: '/admin/credentials', label: 'Credentials', show: can.admin },
  { href: '/admin/users', label: 'Users', show: can.admin },
];

export function Layout(props: { path: string; children: ComponentChildren }) {
  const { user, signOut } = useSession();
  const current = (href: string) => (href === '/' ? props.path === '/' : props.path === href || props.path.startsWith(`${href}/`));
  return (
    <div class="shell">
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="topbar">
        <span class="brand">Upwatch</span>
        <div class="who">
          <span>
            {user.name ?? user.email} <span class="muted">({user.role.replace('_', '-')})</span>
          </span>
          <ThemeToggle />
          <button type="button" class="secondary" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <nav aria-label="Sections" class="sidenav">
        <ul>
          {NAV.filter((n) => !n.show || n.show(user.role)).map((n) => (
            <li key={n.href}>
              <Link href={n.href} aria-current={current(n.href) ? 'page' : undefined}>
                {n.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" class="content" tabIndex={-1}>
        {props.children}
      </main>
    </div>
  );
}
