'use client';
// The task list's live updates (useLiveTasks), loaded after the page:
// the /tasks page's first-load JS stays within its budget.

import type { Task } from '@/lib/api';
import type { PagedList } from '@/lib/usePagedList';
import { useLiveTasks } from './useLiveTasks';

export default function LiveTasks(p: { list: PagedList<Task>; replace: (t: Task) => void; remove: (t: Task) => void }) {
  useLiveTasks(p.list, p.replace, p.remove);
  return null;
}
