'use client';
// /tasks: the sidebar (lists, labels, Today, Upcoming), the search box and
// the list of the filters in the query string, a page at a time;
// ?task=<id> shows a task, ?task=<id>&edit=1 and ?new=1 open the form
// (the dialogs load when first opened).  The quick-add bar, the keyboard
// shortcuts, the bulk actions on the selected tasks and the live updates
// of other tabs (Power) load just after the page.  Deleting moves a task to the trash, with an "Undo".
// Filters that make no sense (a date before 1970, an end before the
// start) are shown as errors and never sent: the list stays as it was.

import { useSearchParams } from 'next/navigation';
import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { notificationsChanged, type Page, type Task } from '@/lib/api';
import { usePagedList } from '@/lib/usePagedList';
import Sidebar from '../lists/Sidebar';
import Protected from '../Protected';
import { useToast } from '../Toast';
import { closeDialog, openDialog, setQuery } from '../query';
import FilterBar from './FilterBar';
import SearchBox from './SearchBox';
import TaskList from './TaskList';
import { apiQuery, filterProblems, filtersQuery, readFilters } from './filters';
import { placeTitle } from './placeTitle';
import styles from './TasksScreen.module.css';
import { useOpenTask } from './useOpenTask';
import { useSidebarData } from './useSidebarData';
import { focusTask, useTaskMutations } from './useTaskMutations';

// React's own lazy loading (next/dynamic would add its loader to the page)
const TaskDialog = lazy(() => import('../TaskDialog'));
const TaskDetail = lazy(() => import('./TaskDetail'));
const Power = lazy(() => import('./Power'));

export default function TasksScreen() {
  return <Protected optimistic>{() => <Tasks />}</Protected>;
}

function Tasks() {
  const q = useSearchParams();
  const filters = readFilters(q);
  const filterKey = filtersQuery(filters);
  // "overdue" is relative to the time the filter was chosen, so the query
  // stays the same until the filters change
  const problems = filterProblems(filters);
  const valid = Object.keys(problems).length === 0;
  const lastValid = useRef(filterKey);
  if (valid) lastValid.current = filterKey;
  const sentKey = valid ? filterKey : lastValid.current;
  const url = useMemo(() => '/api/tasks?' + apiQuery(readFilters(new URLSearchParams(sentKey)), new Date()), [sentKey]);
  const openId = q.get('task');
  const editing = q.get('edit') === '1';
  const creating = q.get('new') === '1';
  const closeTask = () => closeDialog({ task: null, new: null, edit: null });

  const [now, setNow] = useState(() => new Date());
  const list = usePagedList<Task, Page<Task>>(url, {
    onPage: (p, first) => {
      if (first) setNow(new Date());
      else if (p.items.length) focusTask(p.items[0].id);
    },
  });
  const [toast, announce] = useToast();
  const sidebar = useSidebarData();
  const [drawer, setDrawer] = useState(false);
  const drawerButton = useRef<HTMLButtonElement>(null);
  const closeDrawer = useCallback(() => {
    setDrawer(false);
    if (getComputedStyle(drawerButton.current!).display !== 'none') drawerButton.current?.focus();
  }, []);
  const m = useTaskMutations(list, announce, sidebar.refresh);
  const { replace } = m;
  const { opened, openError } = useOpenTask(openId, list.items, list.state);
  // the ids of the selected tasks, in the order chosen
  const [selected, setSelected] = useState<string[]>([]);

  // the chips' "overdue / due today" move with the clock
  useEffect(() => {
    const t = setInterval(() => setNow(new Date()), 60_000);
    return () => clearInterval(t);
  }, []);

  const onSaved = (t: Task, created: boolean) => {
    closeTask();
    sidebar.refresh();
    if (created) {
      announce(`Task “${t.title}” created.`);
      list.reload();
    } else {
      replace(t);
      // completed (a repeating task: moved on, its lastCompletedAt new)
      if ((t.status === 'completed' && opened?.status !== 'completed') || (t.lastCompletedAt && t.lastCompletedAt !== opened?.lastCompletedAt)) notificationsChanged();
      announce(`Task “${t.title}” saved.`);
    }
  };

  return (
    <div className={styles.layout}>
      <Sidebar filters={filters} data={sidebar} open={drawer} onClose={closeDrawer} onListsChanged={list.reload} />
      {drawer && <div className={styles.backdrop} onClick={closeDrawer} aria-hidden="true" />}
      <div className={styles.content}>
        <div className="page-head">
          <button
            ref={drawerButton}
            type="button"
            className={`btn ${styles.drawerButton}`}
            aria-expanded={drawer}
            aria-controls="sidebar"
            onClick={() => setDrawer(true)}
          >
            <span aria-hidden="true">☰</span>
            <span className={styles.drawerWord}>Lists</span>
          </button>
          <h1 className={styles.title}>{placeTitle(filters, sidebar.lists)}</h1>
          <SearchBox value={filters.q} error={problems.q} />
          <button type="button" id="new-task" className="btn primary" onClick={() => openDialog({ new: '1', task: null, edit: null })}>
            <span aria-hidden="true">+</span> New task
          </button>
        </div>

        <Suspense fallback={<div className={styles.quickSlot} />}>
          <Power list={list} filters={filters} sidebar={sidebar} announce={announce} m={m} selected={selected} setSelected={setSelected} />
        </Suspense>

        <FilterBar filters={filters} problems={problems} />

        {openError && (
          <p className="banner error" role="alert">
            {openError}
          </p>
        )}

        <TaskList
          list={list}
          filters={filters}
          now={now}
          busy={m.busy}
          rowError={m.rowError}
          selected={selected}
          onStatus={m.changeStatus}
          onDelete={m.trash}
          onSelect={(t) => setSelected((s) => (s.includes(t.id) ? s.filter((x) => x !== t.id) : [...s, t.id]))}
        />

        {toast}

        <Suspense fallback={null}>
          {opened && !creating && !editing && <TaskDetail task={opened} now={now} onEdit={() => setQuery({ edit: '1' })} onClose={closeTask} />}
          {(creating || (opened && editing)) && (
            <TaskDialog
              key={opened && !creating ? opened.id + ':' + opened.version : 'new'}
              task={creating ? null : opened}
              onSaved={onSaved}
              onClose={closeTask}
              onChanged={replace}
              lists={sidebar.lists}
              labels={sidebar.labels}
              listId={filters.list}
            />
          )}
        </Suspense>
      </div>
    </div>
  );
}
