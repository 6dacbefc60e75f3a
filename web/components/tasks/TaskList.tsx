'use client';
// The list part of /tasks: loading, the error with a retry, the empty
// states (no tasks at all / none for these filters: NoTasks), the tasks
// and "Load more".

import { lazy, Suspense } from 'react';
import type { Task, TaskStatus } from '@/lib/api';
import type { PagedList } from '@/lib/usePagedList';
import LoadError from '../LoadError';
import listStyles from '../List.module.css';
import TaskRow from './TaskRow';
import type { Filters } from './filters';

// the empty states, with their words, load when a list turns out empty
const NoTasks = lazy(() => import('./NoTasks'));

export default function TaskList({
  list,
  filters,
  now,
  busy,
  rowError,
  selected,
  onStatus,
  onDelete,
  onSelect,
}: {
  list: PagedList<Task>;
  filters: Filters;
  now: Date;
  busy: Record<string, TaskStatus>;
  rowError: Record<string, string>;
  onStatus: (t: Task, s: TaskStatus) => void;
  onDelete: (t: Task) => void;
  selected: string[];
  onSelect: (t: Task) => void;
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
      {state === 'ready' && items.length === 0 && (
        <Suspense fallback={null}>
          <NoTasks filters={filters} />
        </Suspense>
      )}
      {state === 'ready' && items.length > 0 && (
        <ul className={listStyles.dense} aria-label="Your tasks">
          {items.map((t) => (
            <TaskRow
              key={t.id}
              task={t}
              now={now}
              sending={busy[t.id]}
              error={rowError[t.id]}
              selected={selected.includes(t.id)}
              onStatus={onStatus}
              onDelete={onDelete}
              onSelect={onSelect}
            />
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
