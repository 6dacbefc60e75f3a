'use client';
// A task to read (?task=<id>): its title, status, due date, priority,
// labels and the whole description, line breaks and links included; Edit switches the dialog
// to the form (?task=<id>&edit=1).

import type { Task } from '@/lib/api';
import { formatDateTime } from '@/lib/dates';
import { DueChip, StatusBadge } from '../Badges';
import Dialog from '../Dialog';
import LinkedText from '../LinkedText';
import { LabelChips, PriorityFlag } from './TaskChips';

export default function TaskDetail({ task: t, now, onEdit, onClose }: { task: Task; now: Date; onEdit: () => void; onClose: () => void }) {
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
        <p className="detail-dates">
          Updated {formatDateTime(t.updatedAt)}
          {t.completedAt ? ` · completed ${formatDateTime(t.completedAt)}` : ''}.
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
