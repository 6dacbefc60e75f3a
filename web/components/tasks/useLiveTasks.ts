'use client';
// Live updates of the task list (issue 14): a row changed in another tab
// or device changes here without a reload (read again when the event
// carries no task: a snooze); a new one reloads the page of the list (its
// place depends on the sort); a deleted one goes.

import { useState } from 'react';
import { api, type Task } from '@/lib/api';
import { useLiveEvents } from '@/lib/events';
import type { PagedList } from '@/lib/usePagedList';

export function useLiveTasks(list: PagedList<Task>, replace: (t: Task) => void, remove: (t: Task) => void): void {
  useLiveEvents((e) => {
    if (e.event !== 'task') return;
    const { op, id, task } = e.data;
    const known = list.items.some((t) => t.id === id);
    if (op === 'deleted') remove({ id } as Task);
    else if (known && task) replace(task as Task);
    else if (known) api<{ task: Task }>(`/api/tasks/${id}`).then((r) => replace(r.task), () => {});
    else if (op === 'created' && !known) list.reload();
  });
}

/** true once the task open in a dialog was changed elsewhere (a newer version) */
export function useChangedElsewhere(id: string | undefined, version: number): boolean {
  const [changed, setChanged] = useState(false);
  useLiveEvents((e) => {
    if (e.event === 'task' && id && e.data.id === id && (e.data.version ?? Infinity) > version) setChanged(true);
  });
  return changed;
}
