'use client';
// /trash: the tasks deleted in the last 30 days (GET /api/tasks?trash=true),
// a page at a time; each can be restored (POST /api/tasks/{id}/restore: back
// in its list) or deleted forever (asked first).  The sidebar of /tasks
// links here.

import Link from 'next/link';
import { lazy, Suspense, useState } from 'react';
import { api, ApiError, errorText, isSessionRedirect, type Task } from '@/lib/api';
import { formatDateTime } from '@/lib/dates';
import { usePagedList } from '@/lib/usePagedList';
import LoadError from '../LoadError';
import listStyles from '../List.module.css';
import Protected from '../Protected';
import { useToast } from '../Toast';
import { taskPath } from './useTaskMutations';
import styles from './Trash.module.css';

const DeleteDialog = lazy(() => import('./DeleteDialog'));

export default function TrashScreen() {
  return <Protected optimistic>{() => <Trash />}</Protected>;
}

// before a row goes: the focus to the next row's first button (else the
// one before, else the heading)
function leave(id: string) {
  const li = document.getElementById('trashed-' + id);
  const to = (li?.nextElementSibling ?? li?.previousElementSibling)?.querySelector<HTMLElement>('button') ?? document.getElementById('trash-title');
  requestAnimationFrame(() => to?.focus());
}

function Trash() {
  const list = usePagedList<Task>('/api/tasks?trash=true&limit=20');
  const { items, setItems, state } = list;
  const [toast, announce] = useToast();
  const [busy, setBusy] = useState<Record<string, boolean>>({});
  const [rowError, setRowError] = useState<Record<string, string>>({});
  const [deleting, setDeleting] = useState<Task | null>(null);
  const drop = (t: Task) => setItems((old) => old.filter((o) => o.id !== t.id));

  const restore = async (t: Task) => {
    setBusy((b) => ({ ...b, [t.id]: true }));
    setRowError((r) => ({ ...r, [t.id]: '' }));
    try {
      await api(taskPath(t.id) + '/restore', { method: 'POST' });
      leave(t.id);
      drop(t);
      announce(`“${t.title}” restored: it is back in your tasks.`);
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) {
        leave(t.id);
        drop(t);
        announce(`“${t.title}” is no longer in the trash.`);
      } else if (!isSessionRedirect(e)) setRowError((r) => ({ ...r, [t.id]: errorText(e) }));
    } finally {
      setBusy((b) => ({ ...b, [t.id]: false }));
    }
  };

  return (
    <div className={styles.trash}>
      <div className="page-head">
        <h1 id="trash-title" tabIndex={-1}>
          Trash
        </h1>
        <Link href="/tasks" className="btn">
          Back to tasks
        </Link>
      </div>
      <p className="hint">Deleted tasks stay here for 30 days, then they are gone for good. A restored task goes back to its list.</p>
      {state === 'loading' && (
        <p className="loading" role="status">
          <span className="spinner" aria-hidden="true" />
          Loading the trash…
        </p>
      )}
      {state === 'error' && <LoadError what="the trash" error={list.error} retryable={list.retryable} onRetry={list.reload} />}
      {state === 'ready' && items.length === 0 && (
        <div className="empty">
          <h2>The trash is empty</h2>
          <p>Tasks you delete come here first, so that you can change your mind.</p>
        </div>
      )}
      {state === 'ready' && items.length > 0 && (
        <ul className={listStyles.dense} aria-label="Deleted tasks">
          {items.map((t) => (
            <li key={t.id} id={'trashed-' + t.id} className={`trashed ${styles.row}`} data-task-id={t.id}>
              <div className={styles.main}>
                <h2 className={`trashed-title ${styles.title}`}>{t.title}</h2>
                <p className={styles.meta}>
                  {t.dueDate ? 'Due ' + formatDateTime(t.dueDate, true) : 'No due date'}
                  {t.status === 'completed' ? ', completed' : ''}
                </p>
                {rowError[t.id] && (
                  <p className="field-error" role="alert">
                    {rowError[t.id]}
                  </p>
                )}
              </div>
              <div className={styles.actions}>
                <button type="button" className="btn small" disabled={busy[t.id]} onClick={() => restore(t)}>
                  Restore<span className="sr-only"> “{t.title}”</span>
                </button>
                <button type="button" className="btn small danger" disabled={busy[t.id]} onClick={() => setDeleting(t)}>
                  Delete forever<span className="sr-only"> “{t.title}”</span>
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
      {state === 'ready' && list.cursor && (
        <div className={listStyles.more}>
          <button type="button" className="btn" onClick={list.loadMore} disabled={list.more}>
            {list.more ? 'Loading…' : 'Load more'}
          </button>
          {list.moreError && (
            <p className="field-error" role="alert">
              Could not load more. {list.moreError}
            </p>
          )}
        </div>
      )}
      {toast}
      {deleting && (
        <Suspense fallback={null}>
          <DeleteDialog
            task={deleting}
            onDeleted={(t) => {
              setDeleting(null);
              leave(t.id);
              drop(t);
              announce(`“${t.title}” deleted for good.`);
            }}
            onClose={() => setDeleting(null)}
            onChanged={(t) => setItems((old) => old.map((o) => (o.id === t.id ? t : o)))}
          />
        </Suspense>
      )}
    </div>
  );
}
