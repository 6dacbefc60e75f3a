'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { lazy, Suspense, useState } from 'react';
import { api, ApiError, errorText, markSession } from '@/lib/api';
import { clearAllDrafts } from '@/lib/drafts';
import { useSession } from '@/lib/session';
import Bell from './Bell';
import styles from './Header.module.css';

// pages for people who are not logged in; elsewhere the nav waits for the user
const PUBLIC = ['/', '/login', '/register'];

const ZoneNudge = lazy(() => import('./ZoneNudge'));

// the browser's zone when it is not the profile's (and was not kept)
function otherZone(profile: string | undefined): string | null {
  try {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    return profile && zone && zone !== profile && localStorage.getItem('tm_zone_kept') !== zone + '|' + profile ? zone : null;
  } catch {
    return null;
  }
}

export default function Header() {
  const { user } = useSession();
  const path = usePathname().replace(/\.html$/, '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const logout = async () => {
    setBusy(true);
    setError(null);
    try {
      await api('/api/users/logout', { method: 'POST', anonymous: true });
    } catch (e) {
      // 401: no session left to end (the cookies went already)
      if (!(e instanceof ApiError && e.status === 401)) {
        setBusy(false);
        setError(errorText(e));
        return;
      }
    }
    markSession(false);
    clearAllDrafts();
    // a full load: nothing of this user stays in memory
    location.assign('/login?reason=loggedout');
  };

  const link = (href: string, text: string) => (
    <Link href={href} className={styles.link} aria-current={path === href ? 'page' : undefined}>
      {text}
    </Link>
  );

  // the profile has its own offer
  const zone = user && path !== '/profile' ? otherZone(user.timeZone) : null;

  return (
    <>
      <header className={styles.header}>
        <a className={styles.skip} href="#main">
          Skip to content
        </a>
        <div className={styles.bar}>
          <Link href={user ? '/tasks' : '/'} className={styles.brand}>
            <svg width="22" height="22" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
              <rect x="1" y="1" width="14" height="14" rx="3.5" fill="var(--accent)" />
              <path d="M4.5 8.3l2.3 2.2 4.7-5" fill="none" stroke="var(--on-accent)" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round" />
            </svg>
            <span className={styles.brandText}>taskmgr</span>
          </Link>
          {user ? (
            <nav aria-label="Main" className={styles.nav}>
              {link('/tasks', 'Tasks')}
              <Bell current={path === '/notifications'} />
              {link('/profile', 'Profile')}
              <button type="button" className={styles.link} onClick={logout} disabled={busy}>
                {busy ? 'Logging out…' : 'Log out'}
              </button>
            </nav>
          ) : PUBLIC.includes(path) ? (
            <nav aria-label="Account" className={styles.nav}>
              {link('/login', 'Log in')}
              {link('/register', 'Register')}
            </nav>
          ) : null}
        </div>
        {error && (
          <p className="banner error" role="alert">
            Could not log out. {error}
          </p>
        )}
      </header>
      {zone && (
        <Suspense fallback={null}>
          <ZoneNudge browser={zone} profile={user!.timeZone!} />
        </Suspense>
      )}
    </>
  );
}
