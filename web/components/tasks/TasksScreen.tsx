'use client';
// /tasks: the list of the filters in the query string, a page at a time;
// ?task=<id> and ?new=1 open the task dialog.

import { useSearchParams } from 'next/navigation';
import { useEffect, useMemo, useState } from 'react';
import { notificationsChanged, type Page, type Task } from '@/lib/api';
import { usePagedList } from '@/lib/usePagedList';
import Protected from '../Protected';
import TaskDialog from '../TaskDialog';
import { useToast } from '../Toast';
import { setQuery } from '../query';
import DeleteDialog from './DeleteDialog';
import FilterBar from './FilterBar';
import TaskList from './TaskList';
import { apiQuery, filtersQuery, readFilters } from './filters';
import { useOpenTask } from './useOpenTask';
import { useTaskMutations } from './useTaskMutations';

export default function TasksScreen() {
  return <Protected optimistic>{() => <Tasks />}</Protected>;
}

// keyboard users land on the first task of a page they loaded
const focusTask = (id: string) =>
  requestAnimationFrame(() => document.getElementById('task-' + id)?.querySelector<HTMLElement>('.task-title a')?.focus());

function Tasks() {
  const q = useSearchParams();
  const filters = readFilters(q);
  const filterKey = filtersQuery(filters);
  // "overdue" is relative to the time the filter was chosen, so the query
  // stays the same until the filters change
  const url = useMemo(() => '/api/tasks?' + apiQuery(readFilters(new URLSearchParams(filterKey)), new Date()), [filterKey]);
  const openId = q.get('task');
  const creating = q.get('new') === '1';

  const [now, setNow] = useState(() => new Date());
  const list = usePagedList<Task, Page<Task>>(url, {
    onPage: (p, first) => {
      if (first) setNow(new Date());
      else if (p.items.length) focusTask(p.items[0].id);
    },
  });
  const [toast, announce] = useToast();
  const { busy, rowError, changeStatus, replace, remove } = useTaskMutations(list.setItems, announce);
  const { opened, openError } = useOpenTask(openId, list.items, list.state);
  const [deleting, setDeleting] = useState<Task | null>(null);

  // the chips' "overdue / due today" move with the clock
  useEffect(() => {
    const t = setInterval(() => setNow(new Date()), 60_000);
    return () => clearInterval(t);
  }, []);

  const onSaved = (t: Task, created: boolean) => {
    setQuery({ task: null, new: null });
    if (created) {
      announce(`Task “${t.title}” created.`);
      list.reload();
    } else {
      replace(t);
      if (t.status === 'completed' && opened?.status !== 'completed') notificationsChanged();
      announce(`Task “${t.title}” saved.`);
    }
  };

  const onDeleted = (t: Task) => {
    setDeleting(null);
    remove(t);
    announce(`Task “${t.title}” deleted.`);
    requestAnimationFrame(() => document.getElementById('new-task')?.focus());
  };

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

      <TaskList list={list} filters={filters} now={now} busy={busy} rowError={rowError} onStatus={changeStatus} onDelete={setDeleting} />

      {toast}

      {(creating || opened) && (
        <TaskDialog
          key={opened ? opened.id + ':' + opened.version : 'new'}
          task={creating ? null : opened}
          onSaved={onSaved}
          onClose={() => setQuery({ task: null, new: null })}
        />
      )}
      {deleting && <DeleteDialog task={deleting} onDeleted={onDeleted} onClose={() => setDeleting(null)} onChanged={replace} />}
    </>
  );
}
