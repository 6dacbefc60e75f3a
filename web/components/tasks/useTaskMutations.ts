'use client';
// What the task list does to its tasks in place: the one-click status
// change (with its busy row and its error under the row), replacing a task
// with a newer version, removing one.

import { useCallback, useState } from 'react';
import { api, ApiError, errorText, isSessionRedirect, notificationsChanged, type Task, type TaskStatus } from '@/lib/api';
import { formatDateTime } from '@/lib/dates';

export const taskPath = (id: string) => '/api/tasks/' + encodeURIComponent(id);

const STATUS_TEXT: Record<TaskStatus, string> = { pending: 'pending', in_progress: 'in progress', completed: 'completed' };

type PerTask<V> = Record<string, V>;

const without = <V,>(r: PerTask<V>, id: string): PerTask<V> => {
  const next = { ...r };
  delete next[id];
  return next;
};

export function useTaskMutations(
  setItems: React.Dispatch<React.SetStateAction<Task[]>>,
  announce: (text: string) => void,
  // the sidebar's counts moved (a task completed or reopened)
  onCounts: () => void,
) {
  // the status being sent, per task
  const [busy, setBusy] = useState<PerTask<TaskStatus>>({});
  const [rowError, setRowError] = useState<PerTask<string>>({});

  const replace = useCallback((t: Task) => setItems((old) => old.map((o) => (o.id === t.id ? t : o))), [setItems]);
  const remove = useCallback((t: Task) => setItems((old) => old.filter((o) => o.id !== t.id)), [setItems]);

  const changeStatus = async (t: Task, status: TaskStatus) => {
    const fail = (text: string) => setRowError((r) => ({ ...r, [t.id]: text }));
    setBusy((b) => ({ ...b, [t.id]: status }));
    setRowError((r) => without(r, t.id));
    try {
      const d = await api<{ task: Task }>(taskPath(t.id), {
        method: 'PATCH',
        body: { status },
        headers: { 'If-Match': `"${t.version}"` },
      });
      replace(d.task);
      onCounts();
      if (status === 'completed') notificationsChanged();
      // a repeating task comes back pending, due at its next date
      announce(
        status === 'completed' && d.task.status !== 'completed' && d.task.dueDate
          ? `“${t.title}” is done; next due ${formatDateTime(d.task.dueDate, true)}.`
          : `“${t.title}” is now ${STATUS_TEXT[status]}.`,
      );
    } catch (e) {
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
    } finally {
      setBusy((b) => without(b, t.id));
    }
  };

  return { busy, rowError, changeStatus, replace, remove };
}
