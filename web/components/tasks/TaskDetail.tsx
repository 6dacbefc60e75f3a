'use client';
// A task to read (?task=<id>): its title, status, due date, priority,
// labels and the whole description, line breaks and links included, its
// reminders, how it repeats and its next dates; Edit switches the dialog
// to the form (?task=<id>&edit=1).

import type { Task } from '@/lib/api';
import { formatDateTime } from '@/lib/dates';
import { keyOf, reminderWords } from '@/lib/reminders';
import { DueChip, StatusBadge } from '../Badges';
import Dialog from '../Dialog';
import LinkedText from '../LinkedText';
import { NextDates, RepeatSummary } from './RepeatPicker';
import { LabelChips, PriorityFlag } from './TaskChips';
import { useNextOccurrences } from './useNextOccurrences';

export default function TaskDetail({ task: t, now, onEdit, onClose }: { task: Task; now: Date; onEdit: () => void; onClose: () => void }) {
  const next = useNextOccurrences(t);
  const reminders = t.reminders ?? [];
  return (
    <Dialog title="Task" onClose={onClose}>
      <div className="task-detail">
        <h3 className="detail-title">{t.title}</h3>
        <div className="detail-meta">
          <StatusBadge status={t.status} />
          <DueChip due={t.dueDate} completed={t.status === 'completed'} now={now} />
          <PriorityFlag priority={t.priority} />
          <LabelChips labels={t.labels} />
        </div>
        {t.description ? <LinkedText text={t.description} className="detail-desc" /> : <p className="detail-none">No description.</p>}
        {reminders.length > 0 && (
          <div className="detail-reminders">
            <h4 className="detail-sub">Reminders</h4>
            <ul>
              {reminders.map((r) => (
                <li key={r.id} data-state={r.state}>
                  {reminderWords(keyOf(r))}
                  {r.state !== 'pending' ? ` (${r.state})` : ''}
                </li>
              ))}
            </ul>
          </div>
        )}
        {t.repeat && (
          <div className="detail-repeat">
            <h4 className="detail-sub">Repeats</h4>
            <p className="repeat-summary">
              <RepeatSummary rule={t.repeat.rule} from={t.repeat.from} />
            </p>
            {next && next.length > 0 && <NextDates dates={next} />}
          </div>
        )}
        <p className="detail-dates">
          Updated {formatDateTime(t.updatedAt)}
          {t.completedAt ? ` · completed ${formatDateTime(t.completedAt)}` : ''}
          {t.lastCompletedAt && !t.completedAt ? ` · last done ${formatDateTime(t.lastCompletedAt)}` : ''}.
        </p>
        <div className="actions">
          <button type="button" className="btn primary" onClick={onEdit} data-autofocus>
            Edit
          </button>
        </div>
      </div>
    </Dialog>
  );
}
