'use client';

import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import { useState } from 'react';
import { api, ApiError, errorText, isSessionRedirect, notificationsChanged, NOTIFICATIONS_CHANGED, type Notification, type Reminder } from '@/lib/api';
import { ago, formatDateTime, toApi } from '@/lib/dates';
import { useLiveEvents } from '@/lib/events';
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

// a due reminder again later: POST /api/notifications/{id}/snooze
const SNOOZES: { text: string; body: () => Record<string, string> }[] = [
  { text: '10 min', body: () => ({ for: 'PT10M' }) },
  { text: '1 hour', body: () => ({ for: 'PT1H' }) },
  {
    text: 'Tomorrow 9:00',
    body: () => {
      const d = new Date();
      return { until: toApi(new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1, 9, 0, 0)) };
    },
  },
];

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
  // a notification or a read in another tab or device (issue 14)
  useLiveEvents((e) => e.event !== 'task' && list.reload());
  const { items, setItems, cursor, setCursor, state } = list;
  const [busy, setBusy] = useState<Record<string, boolean>>({});
  const [allBusy, setAllBusy] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);
  // notification -> when its snoozed reminder comes
  const [snoozed, setSnoozed] = useState<Record<string, string>>({});
  const [toast, announce] = useToast();

  const act = async (n: Notification, what: 'read' | 'unread' | 'delete' | 'snooze', snooze?: Record<string, string>) => {
    setBusy((b) => ({ ...b, [n.id]: true }));
    setActionError(null);
    try {
      const path = '/api/notifications/' + encodeURIComponent(n.id);
      if (what === 'snooze') {
        // the new reminder, on its own or as {reminder}
        const d = await api<(Reminder & { taskId: string }) | { reminder: Reminder }>(path + '/snooze', { method: 'POST', body: snooze });
        const fireAt = ('reminder' in d ? d.reminder : d).fireAt;
        setSnoozed((s) => ({ ...s, [n.id]: fireAt ?? '' }));
        announce(fireAt ? `Snoozed: you will be reminded ${formatDateTime(fireAt)}.` : 'Snoozed.');
        // snoozed is dealt with: read
        if (!n.read) {
          const r = await api<{ notification: Notification }>(path, { method: 'PATCH', body: { read: true } });
          setItems((old) => old.map((o) => (o.id === n.id ? r.notification : o)).filter((o) => !unreadOnly || !o.read));
          setUnread((u) => Math.max(0, u - 1));
        }
      } else if (what === 'delete') {
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
              : 'You get one when a reminder of a task comes up and when you complete a task.'}
          </p>
        </div>
      )}
      {state === 'ready' && items.length > 0 && (
        <ul className={listStyles.list} aria-label="Notifications, newest first">
          {items.map((n) => (
            <li key={n.id} className={`notification ${styles.notification}${n.read ? '' : ` unread ${styles.unread}`}`} data-type={n.type} data-read={String(n.read)}>
              <span className={`${styles.type} ${styles[n.type]}`}>
                {n.type === 'task_completed' ? <CheckIcon /> : <ClockIcon />}
                {n.type === 'task_due' ? 'Reminder' : n.type === 'sms_paused' ? 'Texts paused' : 'Completed'}
              </span>
              <div className={styles.body}>
                <Link href={'/tasks?task=' + encodeURIComponent(n.taskId)} onClick={() => open(n)} className={`ntitle ${styles.title}`}>
                  {!n.read && <span className="sr-only">Unread: </span>}
                  {n.taskTitle || 'Task'}
                </Link>
                <p className={styles.message}>{localTimes(n.message)}</p>
                {n.type === 'task_due' && (
                  <div className={`snooze ${styles.snooze}`} role="group" aria-label={`Snooze “${n.taskTitle}”`}>
                    <span aria-hidden="true">Snooze:</span>
                    {SNOOZES.map((s) => (
                      <button key={s.text} type="button" className="btn small" disabled={!!busy[n.id]} onClick={() => act(n, 'snooze', s.body())}>
                        <span className="sr-only">Snooze </span>
                        {s.text}
                      </button>
                    ))}
                    {snoozed[n.id] !== undefined && (
                      <span className={`snoozed ${styles.snoozed}`}>
                        <ClockIcon /> {snoozed[n.id] ? `Snoozed until ${formatDateTime(snoozed[n.id])}` : 'Snoozed'}
                      </span>
                    )}
                  </div>
                )}
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
