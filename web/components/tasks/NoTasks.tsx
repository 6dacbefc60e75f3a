'use client';
// Why the list of /tasks is empty: no task at all (the first steps and
// what reminders this user gets), none for these filters (clear them), or
// none in this place of the sidebar.

import Link from 'next/link';
import { useSession } from '@/lib/session';
import { openDialog, setQuery } from '../query';
import { CLEAR_FILTERS, isFiltered, type Filters } from './filters';

// why a place of the sidebar shows no task
function emptyPlace(f: Filters): string {
  if (f.view === 'today') return 'Nothing is due today or overdue.';
  if (f.view === 'upcoming') return 'Nothing is due in the next 7 days.';
  const what = f.list ? 'This list has no tasks' : 'No task has this label';
  return f.done ? what + '.' : what + ' left to do. Completed tasks are hidden: choose “Show completed” to see them.';
}

export default function NoTasks({ filters }: { filters: Filters }) {
  const somewhere = filters.list || filters.labels.length || filters.view;
  return (
    <div className="empty">
      {isFiltered(filters) ? (
        <>
          <h2>No tasks match these filters</h2>
          <p>{filters.q ? 'Try other words, or another status or due range.' : 'Try another status or due range.'}</p>
          <button type="button" className="btn" onClick={() => setQuery(CLEAR_FILTERS)}>
            Clear filters
          </button>
        </>
      ) : somewhere ? (
        <>
          <h2>Nothing to do here</h2>
          <p>{emptyPlace(filters)}</p>
        </>
      ) : (
        <>
          <h2>No tasks yet</h2>
          <p>
            Write down the first thing you need to do: choose <strong>New task</strong>, give it a title and, if it has a deadline, a
            due date. You can mark it in progress or complete with one click.
          </p>
          <Reminders />
          <button type="button" className="btn primary" onClick={() => openDialog({ new: '1' })}>
            Create your first task
          </button>
        </>
      )}
    </div>
  );
}

// what happens when a task falls due, as this user's settings have it
function Reminders() {
  const { user } = useSession();
  if (!user) return null;
  const { email, sms } = user.notificationPreferences;
  const ways = ['in the app', ...(email ? ['by email'] : []), ...(sms ? ['by SMS'] : [])];
  const said = ways.length === 1 ? ways[0] : ways.slice(0, -1).join(', ') + ' and ' + ways.at(-1);
  return (
    <p className="reminders">
      Before a task is due, you get its reminders {said}. Choose when in the task; the defaults and the channels are in your{' '}
      <Link href="/profile">profile</Link>.
    </p>
  );
}
