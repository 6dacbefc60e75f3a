'use client';
// What the task list does to its tasks in place: the one-click status
// change (with its busy row and its error under the row), moving a task to
// the trash, replacing a task with a newer version, removing one.  A
// completion and a trashing are announced with an "Undo" that takes them
// back through the API (the status and due date as they were; a restore).

import { useCallback, useState } from 'react';
import { api, ApiError, errorText, isSessionRedirect, notificationsChanged, type Task, type TaskStatus } from '@/lib/api';
import type { PagedList } from '@/lib/usePagedList';
import { formatDateTime } from '@/lib/dates';

export const taskPath = (id: string) => '/api/tasks/' + encodeURIComponent(id);

const STATUS_TEXT: Record<TaskStatus, string> = { pending: 'pending', in_progress: 'in progress', completed: 'completed' };

type PerTask<V> = Record<string, V>;

const without = <V,>(r: PerTask<V>, id: string): PerTask<V> => {
  const next = { ...r };
  delete next[id];
  return next;
};

const titleLink = (el: Element | null | undefined) => el?.querySelector<HTMLElement>('.task-title a');

// a task's row, focused (keyboard users land on a task they loaded, undid)
export const focusTask = (id: string) => requestAnimationFrame(() => titleLink(document.getElementById('task-' + id))?.focus());

// before rows go: the focus, if in one of them, moves to the next row that
// stays (else the one before, else the quick-add bar or "New task")
export function leaveRows(ids: string[]) {
  const gone = (el: Element | null) => !!el && ids.includes((el as HTMLElement).dataset.taskId ?? '');
  const row = document.activeElement?.closest('li.task') ?? null;
  if (!gone(row)) return;
  let n = row!.nextElementSibling;
  while (gone(n)) n = n!.nextElementSibling;
  let p = row!.previousElementSibling;
  while (gone(p)) p = p!.previousElementSibling;
  (titleLink(n) ?? titleLink(p) ?? document.getElementById('quick-add') ?? document.getElementById('new-task'))?.focus();
}

// an undo finished: the focus, if the Undo button took it away, to the task
export const refocus = (id: string) => {
  if (document.activeElement === document.body || !document.activeElement) focusTask(id);
};

export function useTaskMutations(
  list: PagedList<Task>,
  announce: (text: string, undo?: () => void) => void,
  // the sidebar's counts moved (a task completed or reopened)
  onCounts: () => void,
) {
  const { setItems } = list;
  // the status being sent, per task
  const [busy, setBusy] = useState<PerTask<TaskStatus>>({});
  const [rowError, setRowError] = useState<PerTask<string>>({});

  const replace = useCallback((t: Task) => setItems((old) => old.map((o) => (o.id === t.id ? t : o))), [setItems]);
  const remove = useCallback((t: Task) => setItems((old) => old.filter((o) => o.id !== t.id)), [setItems]);

  const failed = async (t: Task, e: unknown) => {
    const fail = (text: string) => setRowError((r) => ({ ...r, [t.id]: text }));
    if (e instanceof ApiError && e.status === 412) {
      try {
        replace((await api<{ task: Task }>(taskPath(t.id))).task);
        fail('This task was changed somewhere else; it now shows that version. Try again.');
      } catch (e2) {
        fail(errorText(e2));
      }
    } else if (e instanceof ApiError && e.status === 404) {
      remove(t);
      announce(`“${t.title}” no longer exists.`);
    } else if (!isSessionRedirect(e)) {
      fail(errorText(e));
    }
  };

  // extra: more of the task as it was (an undone completion's due date)
  const changeStatus = async (t: Task, status: TaskStatus, extra?: { dueDate?: string | null }) => {
    setBusy((b) => ({ ...b, [t.id]: status }));
    setRowError((r) => without(r, t.id));
    try {
      const d = await api<{ task: Task }>(taskPath(t.id), {
        method: 'PATCH',
        body: { status, ...extra },
        headers: { 'If-Match': `"${t.version}"` },
      });
      replace(d.task);
      onCounts();
      if (status === 'completed') notificationsChanged();
      if (extra) refocus(t.id);
      // a repeating task comes back pending, due at its next date
      const moved = status === 'completed' && d.task.status !== 'completed' && d.task.dueDate;
      announce(
        moved ? `“${t.title}” is done; next due ${formatDateTime(moved, true)}.` : `“${t.title}” is now ${STATUS_TEXT[status]}.`,
        status === 'completed' ? () => changeStatus(d.task, t.status, d.task.dueDate === t.dueDate ? {} : { dueDate: t.dueDate }) : undefined,
      );
    } catch (e) {
      await failed(t, e);
    } finally {
      setBusy((b) => without(b, t.id));
    }
  };

  const trash = async (t: Task) => {
    setRowError((r) => without(r, t.id));
    try {
      await api(taskPath(t.id), { method: 'DELETE', headers: { 'If-Match': `"${t.version}"` } });
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 404)) return failed(t, e);
    }
    const at = list.items.findIndex((o) => o.id === t.id);
    leaveRows([t.id]);
    remove(t);
    onCounts();
    announce(`“${t.title}” moved to the trash.`, async () => {
      try {
        const back = (await api<{ task: Task }>(taskPath(t.id) + '/restore', { method: 'POST' })).task;
        setItems((old) => (at < 0 ? old : [...old.slice(0, at), back, ...old.slice(at)]));
        onCounts();
        refocus(t.id);
        announce(`“${t.title}” is back.`);
      } catch (e) {
        if (!isSessionRedirect(e)) announce(`Could not restore “${t.title}”. ${errorText(e)}`);
      }
    });
  };

  return { busy, rowError, changeStatus, trash, replace, remove };
}

export type TaskMutations = ReturnType<typeof useTaskMutations>;
