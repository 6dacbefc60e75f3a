'use client';
// The list part of /tasks: loading, the error with a retry, the empty
// states (no tasks at all / none for these filters), the tasks and "Load
// more".

import Link from 'next/link';
import type { Task, TaskStatus } from '@/lib/api';
import type { PagedList } from '@/lib/usePagedList';
import LoadError from '../LoadError';
import listStyles from '../List.module.css';
import { useSession } from '@/lib/session';
import { openDialog, setQuery } from '../query';
import TaskRow from './TaskRow';
import { CLEAR_FILTERS, isFiltered, type Filters } from './filters';

export default function TaskList({
  list,
  filters,
  now,
  busy,
  rowError,
  onStatus,
  onDelete,
}: {
  list: PagedList<Task>;
  filters: Filters;
  now: Date;
  busy: Record<string, TaskStatus>;
  rowError: Record<string, string>;
  onStatus: (t: Task, s: TaskStatus) => void;
  onDelete: (t: Task) => void;
}) {
  const { items, state } = list;
  return (
    <>
      {state === 'loading' && (
        <p className="loading" role="status">
          <span className="spinner" aria-hidden="true" />
          Loading tasks…
        </p>
      )}
      {state === 'error' && <LoadError what="your tasks" error={list.error} retryable={list.retryable} onRetry={list.reload} />}
      {state === 'ready' && items.length === 0 && <NoTasks filters={filters} />}
      {state === 'ready' && items.length > 0 && (
        <ul className={listStyles.dense} aria-label="Your tasks">
          {items.map((t) => (
            <TaskRow key={t.id} task={t} now={now} sending={busy[t.id]} error={rowError[t.id]} onStatus={onStatus} onDelete={onDelete} />
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
    </>
  );
}

// why a place of the sidebar shows no task
function emptyPlace(f: Filters): string {
  if (f.view === 'today') return 'Nothing is due today or overdue.';
  if (f.view === 'upcoming') return 'Nothing is due in the next 7 days.';
  const what = f.list ? 'This list has no tasks' : 'No task has this label';
  return f.done ? what + '.' : what + ' left to do. Completed tasks are hidden: choose “Show completed” to see them.';
}

function NoTasks({ filters }: { filters: Filters }) {
  const somewhere = filters.list || filters.labels.length || filters.view;
  return (
    <div className="empty">
      {isFiltered(filters) ? (
        <>
          <h2>No tasks match these filters</h2>
          <p>{filters.q ? 'Try other words, or another status or due range.' : 'Try another status or due range.'}</p>
          <button type="button" className="btn" onClick={() => setQuery(CLEAR_FILTERS)}>
            Clear filters
          </button>
        </>
      ) : somewhere ? (
        <>
          <h2>Nothing to do here</h2>
          <p>{emptyPlace(filters)}</p>
        </>
      ) : (
        <>
          <h2>No tasks yet</h2>
          <p>
            Write down the first thing you need to do: choose <strong>New task</strong>, give it a title and, if it has a deadline, a
            due date. You can mark it in progress or complete with one click.
          </p>
          <Reminders />
          <button type="button" className="btn primary" onClick={() => openDialog({ new: '1' })}>
            Create your first task
          </button>
        </>
      )}
    </div>
  );
}

// what happens when a task falls due, as this user's settings have it
function Reminders() {
  const { user } = useSession();
  if (!user) return null;
  const { email, sms } = user.notificationPreferences;
  const ways = ['in the app', ...(email ? ['by email'] : []), ...(sms ? ['by SMS'] : [])];
  const said = ways.length === 1 ? ways[0] : ways.slice(0, -1).join(', ') + ' and ' + ways.at(-1);
  return (
    <p className="reminders">
      Before a task is due, you get its reminders {said}. Choose when in the task; the defaults and the channels are in your{' '}
      <Link href="/profile">profile</Link>.
    </p>
  );
}
