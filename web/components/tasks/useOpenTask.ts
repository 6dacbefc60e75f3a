'use client';
// ?task=<id>: the task for the dialog, taken from the list when it is
// there, else fetched; a task that is gone leaves the URL with a message.

import { useEffect, useRef, useState } from 'react';
import { api, ApiError, errorText, type Task } from '@/lib/api';
import type { ListState } from '@/lib/usePagedList';
import { closeDialog } from '../query';
import { taskPath } from './useTaskMutations';

export function useOpenTask(openId: string | null, items: Task[], state: ListState) {
  const [opened, setOpened] = useState<Task | null>(null);
  const [openError, setOpenError] = useState<string | null>(null);
  // the dialog edits the task as it was when it was opened (or the list
  // loaded): a later change of the list, such as saving that very task,
  // must not swap the task under an open form.  So the list is read
  // through a ref, not a dependency of the effect below.
  const listed = useRef(items);
  useEffect(() => {
    listed.current = items;
  });

  useEffect(() => {
    if (!openId) {
      setOpened(null);
      return;
    }
    setOpenError(null);
    const inList = listed.current.find((t) => t.id === openId);
    if (inList) {
      setOpened(inList);
      return;
    }
    if (state === 'loading') return;
    let alive = true;
    api<{ task: Task }>(taskPath(openId))
      .then((d) => alive && setOpened(d.task))
      .catch((e: unknown) => {
        if (!alive) return;
        setOpenError(e instanceof ApiError && e.status === 404 ? 'This task no longer exists.' : errorText(e));
        closeDialog({ task: null, edit: null });
      });
    return () => {
      alive = false;
    };
  }, [openId, state]);

  return { opened: openId ? opened : null, openError };
}
