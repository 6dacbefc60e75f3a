'use client';

import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import { useState } from 'react';
import { api, ApiError, errorText, isSessionRedirect, notificationsChanged, NOTIFICATIONS_CHANGED, type Notification } from '@/lib/api';
import { ago, formatDateTime } from '@/lib/dates';
import { usePagedList } from '@/lib/usePagedList';
import { CheckIcon, ClockIcon } from './Icons';
import LoadError from './LoadError';
import listStyles from './List.module.css';
import styles from './Notifications.module.css';
import Protected from './Protected';
import { useToast } from './Toast';
import { setQuery } from './query';

const PAGE = 20;

interface List {
  items: Notification[];
  nextCursor: string | null;
  unreadCount: number;
}

// the server writes instants in UTC: show them in the reader's time
const localTimes = (s: string) => s.replace(/\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z\b/g, (iso) => formatDateTime(iso));

export default function NotificationsScreen() {
  return <Protected optimistic>{() => <Notifications />}</Protected>;
}

function Notifications() {
  const unreadOnly = useSearchParams().get('unread') === '1';
  const [unread, setUnread] = useState(0);
  const [now, setNow] = useState(() => new Date());
  const list = usePagedList<Notification, List>(`/api/notifications?limit=${PAGE}${unreadOnly ? '&unread=true' : ''}`, {
    absentOn404: true,
    onPage: (p, first) => {
      setUnread(p.unreadCount);
      if (first) setNow(new Date());
    },
  });
  const { items, setItems, cursor, setCursor, state } = list;
  const [busy, setBusy] = useState<Record<string, boolean>>({});
  const [allBusy, setAllBusy] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);
  const [toast, announce] = useToast();

  const act = async (n: Notification, what: 'read' | 'unread' | 'delete') => {
    setBusy((b) => ({ ...b, [n.id]: true }));
    setActionError(null);
    try {
      const path = '/api/notifications/' + encodeURIComponent(n.id);
      if (what === 'delete') {
        await api(path, { method: 'DELETE' });
        setItems((old) => old.filter((o) => o.id !== n.id));
        if (!n.read) setUnread((u) => Math.max(0, u - 1));
        announce('Notification deleted.');
      } else {
        const d = await api<{ notification: Notification }>(path, { method: 'PATCH', body: { read: what === 'read' } });
        setItems((old) => old.map((o) => (o.id === n.id ? d.notification : o)).filter((o) => !unreadOnly || !o.read));
        if (n.read !== d.notification.read) setUnread((u) => Math.max(0, u + (d.notification.read ? -1 : 1)));
        announce(what === 'read' ? 'Marked as read.' : 'Marked as unread.');
      }
      window.dispatchEvent(new Event(NOTIFICATIONS_CHANGED));
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) {
        setItems((old) => old.filter((o) => o.id !== n.id));
        announce('That notification is gone.');
      } else if (!isSessionRedirect(e)) setActionError(errorText(e));
    } finally {
      setBusy((b) => {
        const next = { ...b };
        delete next[n.id];
        return next;
      });
    }
  };

  const readAll = async () => {
    setAllBusy(true);
    setActionError(null);
    try {
      // a request marks at most 500: ask again while some remain
      for (let i = 0; i < 100; i++) {
        const r = await api<{ remaining?: boolean } | null>('/api/notifications/read-all', { method: 'POST' });
        if (!r?.remaining) break;
      }
      setItems((old) => (unreadOnly ? [] : old.map((o) => ({ ...o, read: true }))));
      if (unreadOnly) setCursor(null);
      setUnread(0);
      notificationsChanged();
      announce('All notifications marked as read.');
    } catch (e) {
      if (!isSessionRedirect(e)) setActionError(errorText(e));
    } finally {
      setAllBusy(false);
    }
  };

  // opening the task marks its notification read, on the way
  const open = (n: Notification) => {
    if (!n.read) {
      api('/api/notifications/' + encodeURIComponent(n.id), { method: 'PATCH', body: { read: true } })
        .then(notificationsChanged)
        .catch(() => undefined);
    }
  };

  return (
    <>
      <div className="page-head">
        <h1>Notifications</h1>
        {state === 'ready' && (
          <button type="button" className="btn" onClick={readAll} disabled={allBusy || unread === 0}>
            {allBusy ? 'Marking…' : 'Mark all as read'}
          </button>
        )}
      </div>
      <div className={styles.show} role="group" aria-label="Show">
        <div className={styles.segmented}>
          <button type="button" className="btn small" aria-pressed={!unreadOnly} onClick={() => setQuery({ unread: null })}>
            All
          </button>
          <button type="button" className="btn small" aria-pressed={unreadOnly} onClick={() => setQuery({ unread: '1' })}>
            Unread{state === 'ready' ? ` (${unread})` : ''}
          </button>
        </div>
      </div>
      {(actionError || list.moreError) && (
        <p className="banner error" role="alert">
          {actionError || list.moreError}
        </p>
      )}
      {state === 'loading' && (
        <p className="loading" role="status">
          <span className="spinner" aria-hidden="true" />
          Loading notifications…
        </p>
      )}
      {state === 'absent' && (
        <div className="empty">
          <h2>Notifications are not available yet</h2>
          <p>This server does not offer notifications yet. Your tasks work as usual.</p>
        </div>
      )}
      {state === 'error' && <LoadError what="your notifications" error={list.error} retryable={list.retryable} onRetry={list.reload} />}
      {state === 'ready' && items.length === 0 && (
        <div className="empty">
          <h2>{unreadOnly ? 'Nothing unread' : 'No notifications yet'}</h2>
          <p>
            {unreadOnly
              ? 'You have read everything.'
              : 'You get one when a task is due within 24 hours and when you complete a task.'}
          </p>
        </div>
      )}
      {state === 'ready' && items.length > 0 && (
        <ul className={listStyles.list} aria-label="Notifications, newest first">
          {items.map((n) => (
            <li key={n.id} className={`notification ${styles.notification}${n.read ? '' : ` unread ${styles.unread}`}`} data-type={n.type} data-read={String(n.read)}>
              <span className={`${styles.type} ${styles[n.type]}`}>
                {n.type === 'task_due' ? <ClockIcon /> : <CheckIcon />}
                {n.type === 'task_due' ? 'Reminder' : 'Completed'}
              </span>
              <div className={styles.body}>
                <Link href={'/tasks?task=' + encodeURIComponent(n.taskId)} onClick={() => open(n)} className={`ntitle ${styles.title}`}>
                  {!n.read && <span className="sr-only">Unread: </span>}
                  {n.taskTitle || 'Task'}
                </Link>
                <p className={styles.message}>{localTimes(n.message)}</p>
                <p className="hint">
                  <time dateTime={n.createdAt} title={formatDateTime(n.createdAt)}>
                    {ago(n.createdAt, now)}
                  </time>
                  {!n.read && (
                    <span className={styles.unreadMark}>
                      <span aria-hidden="true"> · ● </span>Unread
                    </span>
                  )}
                </p>
              </div>
              <div className={listStyles.actions}>
                <button type="button" className="btn small ghost" disabled={!!busy[n.id]} onClick={() => act(n, n.read ? 'unread' : 'read')}>
                  {n.read ? 'Mark unread' : 'Mark read'}
                  <span className="sr-only"> “{n.taskTitle}”</span>
                </button>
                <button type="button" className="btn small ghost danger" disabled={!!busy[n.id]} onClick={() => act(n, 'delete')}>
                  Delete<span className="sr-only"> notification about “{n.taskTitle}”</span>
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
      {state === 'ready' && cursor && (
        <div className={listStyles.more}>
          <button type="button" className="btn" onClick={list.loadMore} disabled={list.more}>
            {list.more ? 'Loading…' : 'Load more'}
          </button>
        </div>
      )}
      {toast}
    </>
  );
}
