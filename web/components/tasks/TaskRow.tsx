'use client';
// One task in the list, on one dense line: a checkbox to complete it (or
// reopen it; ticked at once, while the change is sent), the title (opens
// it), its priority flag, "In progress" when it is, the due chip, its
// labels, and Start / Edit / Delete in its menu; the error of the last
// action under it.

import type { Task, TaskStatus } from '@/lib/api';
import { DueChip, StatusBadge } from '../Badges';
import { RepeatIcon } from '../Icons';
import RowMenu, { type MenuAction } from '../menu/RowMenu';
import { openDialog } from '../query';
import { LabelChips, PriorityFlag } from './TaskChips';
import styles from './TaskRow.module.css';

export default function TaskRow({
  task: t,
  now,
  sending,
  error,
  onStatus,
  onDelete,
}: {
  task: Task;
  now: Date;
  // the status being sent for it, if any
  sending?: TaskStatus;
  error?: string;
  onStatus: (t: Task, s: TaskStatus) => void;
  onDelete: (t: Task) => void;
}) {
  const done = t.status === 'completed';
  const busy = !!sending;
  const open = () => openDialog({ task: t.id, new: null, edit: null });
  const actions: MenuAction[] = [
    ...(t.status === 'pending' ? [{ label: 'Start', onSelect: () => onStatus(t, 'in_progress') }] : []),
    { label: 'Edit', onSelect: () => openDialog({ task: t.id, new: null, edit: '1' }) },
    { label: 'Delete', onSelect: () => onDelete(t), danger: true },
  ];
  // the plain class names (task, done, task-title) name the parts for the
  // e2e tests and the list's focus handling; the styles are the module's
  return (
    <li id={'task-' + t.id} className={`task ${styles.task}${done ? ` done ${styles.done}` : ''}`} data-task-id={t.id} data-status={t.status}>
      <input
        type="checkbox"
        className={styles.check}
        checked={(sending ?? t.status) === 'completed'}
        disabled={busy}
        aria-label={`Completed: “${t.title}”`}
        onChange={() => onStatus(t, done ? 'pending' : 'completed')}
      />
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
          <PriorityFlag priority={t.priority} />
          {t.status === 'in_progress' && <StatusBadge status={t.status} />}
          <DueChip due={t.dueDate} completed={done} now={now} />
          {t.repeat && (
            <span className={`repeat-icon ${styles.repeat}`} title="Repeats">
              <RepeatIcon />
              <span className="sr-only">Repeats</span>
            </span>
          )}
          <LabelChips labels={t.labels} />
        </div>
        {error && (
          <p className="field-error" role="alert">
            {error}
          </p>
        )}
      </div>
      <RowMenu label={`Actions for “${t.title}”`} actions={actions} disabled={busy} />
    </li>
  );
}
