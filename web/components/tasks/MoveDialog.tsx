'use client';
// "#" on /tasks (or "Move…" of the bulk actions): the lists to move the
// tasks to; typing filters them and Enter takes the first one left.

import { useState } from 'react';
import type { Task, TaskList } from '@/lib/api';
import Dialog from '../Dialog';
import styles from './Power.module.css';

export default function MoveDialog({
  tasks,
  lists,
  onMove,
  onClose,
}: {
  tasks: Task[];
  lists: TaskList[];
  onMove: (listId: string) => void;
  onClose: () => void;
}) {
  const [text, setText] = useState('');
  const shown = lists.filter((l) => l.name.toLowerCase().includes(text.trim().toLowerCase()));
  const what = tasks.length === 1 ? `“${tasks[0].title}”` : `${tasks.length} tasks`;
  return (
    <Dialog title="Move to a list" onClose={onClose} narrow>
      <p className={styles.moving}>Moving {what}.</p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (shown[0]) onMove(shown[0].id);
        }}
      >
        <div className="field">
          <label htmlFor="move-filter">List</label>
          <input
            id="move-filter"
            type="text"
            autoComplete="off"
            value={text}
            onChange={(e) => setText(e.target.value)}
            aria-describedby="move-filter-hint"
            data-autofocus
          />
          <p className="hint" id="move-filter-hint">
            Type to narrow the lists; Enter moves to the first.
          </p>
        </div>
      </form>
      {shown.length ? (
        <ul className={styles.lists} aria-label="Lists">
          {shown.map((l) => (
            <li key={l.id}>
              <button type="button" className={`btn small ghost ${styles.listButton}`} onClick={() => onMove(l.id)}>
                <span className={styles.dot} style={{ background: l.color }} aria-hidden="true" />
                {l.name}
                {tasks.every((t) => t.listId === l.id) && <span className={styles.here}> ({tasks.length === 1 ? 'where it is' : 'where they are'})</span>}
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <p role="status">No list is called “{text.trim()}”.</p>
      )}
    </Dialog>
  );
}
