'use client';
// The sidebar's lists and labels, with their counts: loaded once, and
// again (quietly, the old ones shown meanwhile) after any change that
// moves a count.

import { useCallback, useEffect, useState } from 'react';
import { api, errorText, isSessionRedirect, type Label, type TaskList } from '@/lib/api';

export interface SidebarData {
  lists: TaskList[];
  labels: Label[];
  error: string | null;
  refresh: () => void;
  setLists: React.Dispatch<React.SetStateAction<TaskList[]>>;
}

export function useSidebarData(): SidebarData {
  const [lists, setLists] = useState<TaskList[]>([]);
  const [labels, setLabels] = useState<Label[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [asks, setAsks] = useState(0);

  useEffect(() => {
    let alive = true;
    Promise.all([api<{ items: TaskList[] }>('/api/lists'), api<{ items: Label[] }>('/api/labels')])
      .then(([l, b]) => {
        if (!alive) return;
        setLists(l.items);
        setLabels(b.items);
        setError(null);
      })
      .catch((e: unknown) => {
        if (alive && !isSessionRedirect(e)) setError(errorText(e));
      });
    return () => {
      alive = false;
    };
  }, [asks]);

  const refresh = useCallback(() => setAsks((n) => n + 1), []);
  return { lists, labels, error, refresh, setLists };
}
