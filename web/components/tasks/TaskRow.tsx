'use client';
// One task in the list: title (opens it), status and due chips, a preview
// of the description, its one-click actions and the error of the last one.

import type { Task, TaskStatus } from '@/lib/api';
import { DueChip, StatusBadge } from '../Badges';
import listStyles from '../List.module.css';
import { openDialog } from '../query';
import styles from './TaskRow.module.css';

export function preview(s: string): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > 160 ? one.slice(0, 157).trimEnd() + '…' : one;
}

export default function TaskRow({
  task: t,
  now,
  busy,
  error,
  onStatus,
  onDelete,
}: {
  task: Task;
  now: Date;
  busy: boolean;
  error?: string;
  onStatus: (t: Task, s: TaskStatus) => void;
  onDelete: (t: Task) => void;
}) {
  const done = t.status === 'completed';
  const title = <span className="sr-only"> “{t.title}”</span>;
  const open = () => openDialog({ task: t.id, new: null, edit: null });
  const edit = () => openDialog({ task: t.id, new: null, edit: '1' });
  // the plain class names (task, done, task-title, task-desc) name the parts
  // for the e2e tests and the list's focus handling; the styles are the
  // module's
  return (
    <li id={'task-' + t.id} className={`task ${styles.task}${done ? ` done ${styles.done}` : ''}`} data-task-id={t.id} data-status={t.status}>
      <div className={styles.main}>
        <h2 className={`task-title ${styles.title}`}>
          <a
            href={'?task=' + encodeURIComponent(t.id)}
            onClick={(e) => {
              e.preventDefault();
              open();
            }}
          >
            {t.title}
          </a>
        </h2>
        <div className={styles.meta}>
          <StatusBadge status={t.status} />
          <DueChip due={t.dueDate} completed={done} now={now} />
        </div>
        {t.description && <p className={`task-desc ${styles.desc}`}>{preview(t.description)}</p>}
        {error && (
          <p className="field-error" role="alert">
            {error}
          </p>
        )}
      </div>
      <div className={listStyles.actions}>
        {t.status === 'pending' && (
          <button type="button" className="btn small" disabled={busy} onClick={() => onStatus(t, 'in_progress')}>
            Start{title}
          </button>
        )}
        {!done ? (
          <button type="button" className="btn small success" disabled={busy} onClick={() => onStatus(t, 'completed')}>
            <span aria-hidden="true">✓ </span>Complete{title}
          </button>
        ) : (
          <button type="button" className="btn small" disabled={busy} onClick={() => onStatus(t, 'pending')}>
            Reopen{title}
          </button>
        )}
        <button type="button" className="btn small ghost" disabled={busy} onClick={edit}>
          Edit{title}
        </button>
        <button type="button" className="btn small ghost danger" disabled={busy} onClick={() => onDelete(t)}>
          Delete{title}
        </button>
      </div>
    </li>
  );
}
