// The heading of /tasks: where the sidebar points.  Pure.

import type { TaskList } from '../../lib/api';
import type { Filters } from './filters';

export function placeTitle(f: Filters, lists: TaskList[]): string {
  if (f.view === 'today') return 'Today';
  if (f.view === 'upcoming') return 'Upcoming';
  if (f.list) return lists.find((l) => l.id === f.list)?.name ?? (f.list === 'inbox' ? 'Inbox' : 'List');
  if (f.labels.length) return f.labels.map((l) => '#' + l).join(' ');
  return 'All tasks';
}
