'use client';
// The unread count: on focus, after a change this tab made, on live
// events (lib/events.ts, loaded after the page: every page's first load
// stays small), polled every 30 s only while they are off.  A server
// without the notifications API (404) or a failed poll hides the count;
// the link stays.

import Link from 'next/link';
import { useEffect, useState } from 'react';
import { api, isSessionRedirect, NOTIFICATIONS_CHANGED } from '@/lib/api';
import styles from './Header.module.css';
import { BellIcon } from './Icons';

const POLL_MS = 30_000;

export default function Bell({ current }: { current: boolean }) {
  const [count, setCount] = useState<number | null>(null);
  // null until lib/events.ts has loaded and said (no mark meanwhile)
  const [live, setLive] = useState<boolean | null>(null);

  useEffect(() => {
    let alive = true;
    let busy = false;
    const load = async () => {
      if (busy || document.visibilityState === 'hidden') return;
      busy = true;
      try {
        const d = await api<{ unreadCount: number }>('/api/notifications?unread=true&limit=1');
        if (alive) setCount(typeof d.unreadCount === 'number' ? d.unreadCount : null);
      } catch (e) {
        if (alive && !isSessionRedirect(e)) setCount(null);
      } finally {
        busy = false;
      }
    };
    const onVisible = () => {
      if (document.visibilityState === 'visible') load();
    };
    load();
    let stopPoll = () => {};
    let stopWatch = () => {};
    import('@/lib/events').then((m) => {
      if (!alive) return;
      stopPoll = m.pollWhileOffline(load, POLL_MS);
      stopWatch = m.watchLive(setLive);
    });
    window.addEventListener('focus', load);
    window.addEventListener(NOTIFICATIONS_CHANGED, load);
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      alive = false;
      stopPoll();
      stopWatch();
      window.removeEventListener('focus', load);
      window.removeEventListener(NOTIFICATIONS_CHANGED, load);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, []);

  // (bell: a name for tests and tools, not styled)
  // the name is the visible text: "Notifications 3 unread" (the words are
  // only visually hidden on phones)
  return (
    <Link href="/notifications" className={styles.link + ' bell'} aria-current={current ? 'page' : undefined} data-unread={count || ''} data-live={live === null ? undefined : live ? 'on' : 'off'}>
      <BellIcon />
      <span className={styles.navText}>Notifications</span>
      {count ? (
        <span className={styles.count}>
          {count > 99 ? '99+' : count}
          <span className="sr-only"> unread</span>
        </span>
      ) : null}
      {live === false && <span className="live-off" title="Live updates off: checking every 30 s" />}
    </Link>
  );
}
