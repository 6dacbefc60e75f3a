'use client';
// The list part of /tasks: loading, the error with a retry, the empty
// states (no tasks at all / none for these filters), the tasks and "Load
// more".

import type { Task, TaskStatus } from '@/lib/api';
import type { PagedList } from '@/lib/usePagedList';
import listStyles from '../List.module.css';
import { setQuery } from '../query';
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
  busy: Record<string, boolean>;
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
      {state === 'error' && (
        <div className="panel" role="alert">
          <p>Could not load your tasks: {list.error}</p>
          <button type="button" className="btn" onClick={list.reload}>
            Try again
          </button>
        </div>
      )}
      {state === 'ready' && items.length === 0 && <NoTasks filtered={isFiltered(filters)} />}
      {state === 'ready' && items.length > 0 && (
        <ul className={listStyles.list} aria-label="Your tasks">
          {items.map((t) => (
            <TaskRow key={t.id} task={t} now={now} busy={!!busy[t.id]} error={rowError[t.id]} onStatus={onStatus} onDelete={onDelete} />
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
              Could not load more: {list.moreError}
            </p>
          )}
        </div>
      )}
    </>
  );
}

function NoTasks({ filtered }: { filtered: boolean }) {
  return (
    <div className="empty">
      {filtered ? (
        <>
          <h2>No tasks match these filters</h2>
          <p>Try another status or due range.</p>
          <button type="button" className="btn" onClick={() => setQuery(CLEAR_FILTERS)}>
            Clear filters
          </button>
        </>
      ) : (
        <>
          <h2>No tasks yet</h2>
          <p>
            Write down the first thing you need to do: choose <strong>New task</strong>, give it a title and, if it has a deadline, a
            due date. You get a reminder when it is due within 24 hours, and you can mark it in progress or complete with one click.
          </p>
          <button type="button" className="btn primary" onClick={() => setQuery({ new: '1' }, true)}>
            Create your first task
          </button>
        </>
      )}
    </div>
  );
}
