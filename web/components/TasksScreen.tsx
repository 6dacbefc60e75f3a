'use client';

import { useSearchParams } from 'next/navigation';
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, ApiError, errorText, notificationsChanged, type Page, type Task, type TaskStatus } from '@/lib/api';
import { dayEnd, dayStart, localDay, toApi } from '@/lib/dates';
import { DueChip, StatusBadge } from './Badges';
import Dialog from './Dialog';
import Protected from './Protected';
import { useToast } from './Toast';
import TaskDialog from './TaskDialog';
import { setQuery } from './query';

const PAGE = 20;

type StatusFilter = 'all' | 'open' | TaskStatus;
type DueFilter = 'any' | 'overdue' | 'today' | 'week' | 'custom';

interface Filters {
  status: StatusFilter;
  due: DueFilter;
  from: string;
  to: string;
  sort: 'updated' | 'due';
}

function readFilters(q: URLSearchParams): Filters {
  const status = q.get('status') as StatusFilter;
  const due = q.get('due') as DueFilter;
  return {
    status: ['open', 'pending', 'in_progress', 'completed'].includes(status) ? status : 'all',
    due: ['overdue', 'today', 'week', 'custom'].includes(due) ? due : 'any',
    from: q.get('from') ?? '',
    to: q.get('to') ?? '',
    sort: q.get('sort') === 'due' ? 'due' : 'updated',
  };
}

function apiQuery(f: Filters): string {
  const p = new URLSearchParams();
  let status = f.status === 'all' ? '' : f.status === 'open' ? 'pending,in_progress' : f.status;
  const now = new Date();
  const today = localDay(now);
  if (f.due === 'overdue') {
    p.set('dueTo', toApi(now));
    if (!status) status = 'pending,in_progress';
  } else if (f.due === 'today') {
    p.set('dueFrom', dayStart(today)!);
    p.set('dueTo', dayEnd(today)!);
  } else if (f.due === 'week') {
    const end = new Date(now);
    end.setDate(end.getDate() + 6);
    p.set('dueFrom', dayStart(today)!);
    p.set('dueTo', dayEnd(localDay(end))!);
  } else if (f.due === 'custom') {
    const from = f.from && dayStart(f.from);
    const to = f.to && dayEnd(f.to);
    if (from) p.set('dueFrom', from);
    if (to) p.set('dueTo', to);
  }
  if (status) p.set('status', status);
  if (f.sort === 'due') p.set('sort', 'due');
  p.set('limit', String(PAGE));
  return p.toString();
}

const filtered = (f: Filters) => f.status !== 'all' || f.due !== 'any';

export default function TasksScreen() {
  return <Protected optimistic>{() => <Tasks />}</Protected>;
}

function Tasks() {
  const q = useSearchParams();
  const filters = readFilters(q);
  const key = apiQuery(filters);
  const openId = q.get('task');
  const creating = q.get('new') === '1';

  const [items, setItems] = useState<Task[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [state, setState] = useState<'loading' | 'ready' | 'error'>('loading');
  const [error, setError] = useState<string | null>(null);
  const [more, setMore] = useState(false);
  const [moreError, setMoreError] = useState<string | null>(null);
  const [reloads, setReloads] = useState(0);
  const [now, setNow] = useState(() => new Date());
  const [busy, setBusy] = useState<Record<string, boolean>>({});
  const [rowError, setRowError] = useState<Record<string, string>>({});
  const [toast, announce] = useToast();
  const [deleting, setDeleting] = useState<Task | null>(null);
  const [opened, setOpened] = useState<Task | null>(null);
  const [openError, setOpenError] = useState<string | null>(null);
  const listRef = useRef<HTMLUListElement>(null);

  // the chips' "overdue / due today" move with the clock
  useEffect(() => {
    const t = setInterval(() => setNow(new Date()), 60_000);
    return () => clearInterval(t);
  }, []);

  useEffect(() => {
    const ac = new AbortController();
    setState('loading');
    setError(null);
    setMoreError(null);
    api<Page<Task>>('/api/tasks?' + key, { signal: ac.signal })
      .then((d) => {
        setItems(d.items);
        setCursor(d.nextCursor);
        setState('ready');
        setNow(new Date());
      })
      .catch((e) => {
        if (ac.signal.aborted || (e instanceof ApiError && e.status === 401)) return;
        setError(errorText(e));
        setState('error');
      });
    return () => ac.abort();
  }, [key, reloads]);

  // ?task=<id>: the task in a dialog, from the list or fetched
  useEffect(() => {
    if (!openId) {
      setOpened(null);
      return;
    }
    setOpenError(null);
    const inList = items.find((t) => t.id === openId);
    if (inList) {
      setOpened(inList);
      return;
    }
    if (state === 'loading') return;
    let alive = true;
    api<{ task: Task }>('/api/tasks/' + encodeURIComponent(openId))
      .then((d) => alive && setOpened(d.task))
      .catch((e) => {
        if (!alive) return;
        setOpenError(e instanceof ApiError && e.status === 404 ? 'That task does not exist any more.' : errorText(e));
        setQuery({ task: null });
      });
    return () => {
      alive = false;
    };
    // items change when a task is saved: the open one is replaced anyway
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [openId, state]);

  const loadMore = async () => {
    if (!cursor) return;
    setMore(true);
    setMoreError(null);
    try {
      const d = await api<Page<Task>>('/api/tasks?' + key + '&cursor=' + encodeURIComponent(cursor));
      setItems((old) => {
        const seen = new Set(old.map((t) => t.id));
        return old.concat(d.items.filter((t) => !seen.has(t.id)));
      });
      setCursor(d.nextCursor);
      if (d.items.length) {
        // keyboard users land on the first new task
        const first = d.items[0].id;
        requestAnimationFrame(() => document.getElementById('task-' + first)?.querySelector<HTMLElement>('.task-title a')?.focus());
      }
    } catch (e) {
      setMoreError(errorText(e));
    } finally {
      setMore(false);
    }
  };

  const replace = useCallback((t: Task) => setItems((old) => old.map((o) => (o.id === t.id ? t : o))), []);

  const changeStatus = async (t: Task, status: TaskStatus) => {
    setBusy((b) => ({ ...b, [t.id]: true }));
    setRowError(({ [t.id]: _, ...rest }) => rest);
    try {
      const d = await api<{ task: Task }>('/api/tasks/' + encodeURIComponent(t.id), {
        method: 'PATCH',
        body: { status },
        headers: { 'If-Match': `"${t.version}"` },
      });
      replace(d.task);
      if (status === 'completed') notificationsChanged();
      announce(`“${t.title}” is now ${status === 'completed' ? 'completed' : status === 'in_progress' ? 'in progress' : 'pending'}.`);
    } catch (e) {
      if (e instanceof ApiError && e.status === 412) {
        try {
          replace((await api<{ task: Task }>('/api/tasks/' + encodeURIComponent(t.id))).task);
          setRowError((r) => ({ ...r, [t.id]: 'This task had been changed elsewhere; it now shows the latest version. Try again.' }));
        } catch (e2) {
          setRowError((r) => ({ ...r, [t.id]: errorText(e2) }));
        }
      } else if (e instanceof ApiError && e.status === 404) {
        setItems((old) => old.filter((o) => o.id !== t.id));
        announce(`“${t.title}” no longer exists.`);
      } else if (!(e instanceof ApiError && e.status === 401)) {
        setRowError((r) => ({ ...r, [t.id]: errorText(e) }));
      }
    } finally {
      setBusy(({ [t.id]: _, ...rest }) => rest);
    }
  };

  const onSaved = (t: Task, created: boolean) => {
    setQuery({ task: null, new: null });
    if (created) {
      announce(`Task “${t.title}” created.`);
      setReloads((n) => n + 1);
    } else {
      replace(t);
      if (t.status === 'completed' && opened?.status !== 'completed') notificationsChanged();
      announce(`Task “${t.title}” saved.`);
    }
  };

  const onDeleted = (t: Task) => {
    setDeleting(null);
    setItems((old) => old.filter((o) => o.id !== t.id));
    announce(`Task “${t.title}” deleted.`);
    requestAnimationFrame(() => document.getElementById('new-task')?.focus());
  };

  const isFiltered = filtered(filters);
  const dialogTask = openId ? opened : null;

  return (
    <>
      <div className="page-head">
        <h1>Tasks</h1>
        <button type="button" id="new-task" className="btn primary" onClick={() => setQuery({ new: '1', task: null }, true)}>
          <span aria-hidden="true">+</span> New task
        </button>
      </div>

      <FilterBar filters={filters} />

      {openError && (
        <p className="banner error" role="alert">
          {openError}
        </p>
      )}

      {state === 'loading' && (
        <p className="loading" role="status">
          <span className="spinner" aria-hidden="true" />
          Loading tasks…
        </p>
      )}
      {state === 'error' && (
        <div className="panel" role="alert">
          <p>Could not load your tasks: {error}</p>
          <button type="button" className="btn" onClick={() => setReloads((n) => n + 1)}>
            Try again
          </button>
        </div>
      )}
      {state === 'ready' && items.length === 0 && (
        <div className="empty">
          {isFiltered ? (
            <>
              <h2>No tasks match these filters</h2>
              <p>Try another status or due range.</p>
              <button type="button" className="btn" onClick={() => setQuery({ status: null, due: null, from: null, to: null })}>
                Clear filters
              </button>
            </>
          ) : (
            <>
              <h2>No tasks yet</h2>
              <p>
                Write down the first thing you need to do: choose <strong>New task</strong>, give it a title and, if it has a deadline,
                a due date. You get a reminder when it is due within 24 hours, and you can mark it in progress or complete with one
                click.
              </p>
              <button type="button" className="btn primary" onClick={() => setQuery({ new: '1' }, true)}>
                Create your first task
              </button>
            </>
          )}
        </div>
      )}
      {state === 'ready' && items.length > 0 && (
        <ul className="tasks" ref={listRef} aria-label="Your tasks">
          {items.map((t) => (
            <TaskRow
              key={t.id}
              task={t}
              now={now}
              busy={!!busy[t.id]}
              error={rowError[t.id]}
              onStatus={changeStatus}
              onDelete={setDeleting}
            />
          ))}
        </ul>
      )}
      {state === 'ready' && cursor && (
        <div className="more">
          <button type="button" className="btn" onClick={loadMore} disabled={more}>
            {more ? 'Loading…' : 'Load more'}
          </button>
          {moreError && (
            <p className="field-error" role="alert">
              Could not load more: {moreError}
            </p>
          )}
        </div>
      )}

      {toast}

      {(creating || dialogTask) && (
        <TaskDialog
          key={dialogTask ? dialogTask.id + ':' + dialogTask.version : 'new'}
          task={creating ? null : dialogTask}
          onSaved={onSaved}
          onClose={() => setQuery({ task: null, new: null })}
        />
      )}
      {deleting && <DeleteDialog task={deleting} onDeleted={onDeleted} onClose={() => setDeleting(null)} onChanged={replace} />}
    </>
  );
}

function FilterBar({ filters }: { filters: Filters }) {
  return (
    <form className="filters" aria-label="Filter and sort tasks" onSubmit={(e) => e.preventDefault()}>
      <div className="field">
        <label htmlFor="f-status">Status</label>
        <select id="f-status" value={filters.status} onChange={(e) => setQuery({ status: e.target.value === 'all' ? null : e.target.value })}>
          <option value="all">All</option>
          <option value="open">Not completed</option>
          <option value="pending">Pending</option>
          <option value="in_progress">In progress</option>
          <option value="completed">Completed</option>
        </select>
      </div>
      <div className="field">
        <label htmlFor="f-due">Due</label>
        <select id="f-due" value={filters.due} onChange={(e) => setQuery({ due: e.target.value === 'any' ? null : e.target.value })}>
          <option value="any">Any time</option>
          <option value="overdue">Overdue</option>
          <option value="today">Today</option>
          <option value="week">Next 7 days</option>
          <option value="custom">Between dates…</option>
        </select>
      </div>
      {filters.due === 'custom' && (
        <>
          <div className="field">
            <label htmlFor="f-from">From</label>
            <input id="f-from" type="date" value={filters.from} max={filters.to || undefined} onChange={(e) => setQuery({ from: e.target.value })} />
          </div>
          <div className="field">
            <label htmlFor="f-to">To</label>
            <input id="f-to" type="date" value={filters.to} min={filters.from || undefined} onChange={(e) => setQuery({ to: e.target.value })} />
          </div>
        </>
      )}
      <div className="field">
        <label htmlFor="f-sort">Sort by</label>
        <select id="f-sort" value={filters.sort} onChange={(e) => setQuery({ sort: e.target.value === 'due' ? 'due' : null })}>
          <option value="updated">Last updated</option>
          <option value="due">Due date</option>
        </select>
      </div>
    </form>
  );
}

function preview(s: string): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > 160 ? one.slice(0, 157).trimEnd() + '…' : one;
}

function TaskRow({
  task: t,
  now,
  busy,
  error,
  onStatus,
  onDelete,
}: {
  task: Task;
  now: Date;
  busy: boolean;
  error?: string;
  onStatus: (t: Task, s: TaskStatus) => void;
  onDelete: (t: Task) => void;
}) {
  const done = t.status === 'completed';
  const title = <span className="sr-only"> “{t.title}”</span>;
  return (
    <li id={'task-' + t.id} className={'task' + (done ? ' done' : '')} data-task-id={t.id} data-status={t.status}>
      <div className="task-main">
        <h2 className="task-title">
          <a
            href={'?task=' + encodeURIComponent(t.id)}
            onClick={(e) => {
              e.preventDefault();
              setQuery({ task: t.id, new: null }, true);
            }}
          >
            {t.title}
          </a>
        </h2>
        <div className="task-meta">
          <StatusBadge status={t.status} />
          <DueChip due={t.dueDate} completed={done} now={now} />
        </div>
        {t.description && <p className="task-desc">{preview(t.description)}</p>}
        {error && (
          <p className="field-error" role="alert">
            {error}
          </p>
        )}
      </div>
      <div className="task-actions">
        {t.status === 'pending' && (
          <button type="button" className="btn small" disabled={busy} onClick={() => onStatus(t, 'in_progress')}>
            Start{title}
          </button>
        )}
        {!done ? (
          <button type="button" className="btn small success" disabled={busy} onClick={() => onStatus(t, 'completed')}>
            <span aria-hidden="true">✓ </span>Complete{title}
          </button>
        ) : (
          <button type="button" className="btn small" disabled={busy} onClick={() => onStatus(t, 'pending')}>
            Reopen{title}
          </button>
        )}
        <button type="button" className="btn small ghost" disabled={busy} onClick={() => setQuery({ task: t.id, new: null }, true)}>
          Edit{title}
        </button>
        <button type="button" className="btn small ghost danger" disabled={busy} onClick={() => onDelete(t)}>
          Delete{title}
        </button>
      </div>
    </li>
  );
}

function DeleteDialog({
  task,
  onDeleted,
  onClose,
  onChanged,
}: {
  task: Task;
  onDeleted: (t: Task) => void;
  onClose: () => void;
  onChanged: (t: Task) => void;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [version, setVersion] = useState(task.version);
  const del = async () => {
    setBusy(true);
    setError(null);
    try {
      await api('/api/tasks/' + encodeURIComponent(task.id), { method: 'DELETE', headers: { 'If-Match': `"${version}"` } });
      onDeleted(task);
    } catch (e) {
      setBusy(false);
      if (e instanceof ApiError && e.status === 404) onDeleted(task);
      else if (e instanceof ApiError && e.status === 412) {
        try {
          const latest = (await api<{ task: Task }>('/api/tasks/' + encodeURIComponent(task.id))).task;
          onChanged(latest);
          setVersion(latest.version);
          setError('This task was changed somewhere else in the meantime. Delete it anyway?');
        } catch (e2) {
          setError(errorText(e2));
        }
      } else if (!(e instanceof ApiError && e.status === 401)) setError(errorText(e));
    }
  };
  const title = task.title;
  return (
    <Dialog title="Delete task?" onClose={onClose} className="narrow">
      <p>
        Delete <strong>“{title}”</strong>? This cannot be undone.
      </p>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <div className="actions">
        <button type="button" className="btn danger-solid" onClick={del} disabled={busy}>
          {busy ? 'Deleting…' : 'Delete'}
        </button>
        <button type="button" className="btn" onClick={onClose} disabled={busy} data-autofocus>
          Cancel
        </button>
      </div>
    </Dialog>
  );
}
