'use client';
// A repeating task's next due dates: only GET /api/tasks/{id} has them
// (nextOccurrences), not the list, so they are asked for when a task that
// repeats is shown.  null while not known.

import { useEffect, useState } from 'react';
import { api, type Task } from '@/lib/api';
import { taskPath } from './useTaskMutations';

export function useNextOccurrences(t: Task | null): string[] | null {
  const [next, setNext] = useState<{ key: string; dates: string[] } | null>(null);
  const key = t?.repeat ? `${t.id}:${t.version}` : '';
  const known = t?.nextOccurrences;
  useEffect(() => {
    if (!key || known) return;
    let alive = true;
    api<{ task: Task }>(taskPath(key.slice(0, key.lastIndexOf(':'))))
      .then((d) => alive && setNext({ key, dates: d.task.nextOccurrences ?? [] }))
      .catch(() => undefined);
    return () => {
      alive = false;
    };
  }, [key, known]);
  if (!key) return null;
  return known ?? (next?.key === key ? next.dates : null);
}
