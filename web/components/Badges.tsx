import type { TaskStatus } from '@/lib/api';
import { dueState, formatDateTime, formatTime, isDateOnly } from '@/lib/dates';
import styles from './Badges.module.css';
import { AlertIcon, CalendarIcon, CheckIcon, CircleIcon, ClockIcon, DashIcon, HalfIcon } from './Icons';

export const STATUS_LABEL: Record<TaskStatus, string> = {
  pending: 'Pending',
  in_progress: 'In progress',
  completed: 'Completed',
};

export function StatusBadge({ status }: { status: TaskStatus }) {
  const Icon = status === 'completed' ? CheckIcon : status === 'in_progress' ? HalfIcon : CircleIcon;
  return (
    <span className={`badge ${styles.badge} ${styles[status]}`} data-status={status}>
      <Icon />
      <span className="sr-only">Status: </span>
      {STATUS_LABEL[status]}
    </span>
  );
}

export function DueChip({ due, completed, now }: { due: string | null; completed: boolean; now: Date }) {
  const state = dueState(due, completed, now);
  let icon, text;
  switch (state) {
    case 'none':
      icon = <DashIcon />;
      text = 'No due date';
      break;
    case 'overdue':
      icon = <AlertIcon />;
      text = `Overdue · ${formatDateTime(due!, true)}`;
      break;
    case 'today':
      icon = <ClockIcon />;
      text = isDateOnly(due!) ? 'Due today' : `Due today ${formatTime(due!)}`;
      break;
    case 'soon':
      icon = <ClockIcon />;
      text = `Due within 24 h · ${formatDateTime(due!, true)}`;
      break;
    case 'done':
      icon = <CalendarIcon />;
      text = `Due ${formatDateTime(due!, true)}`;
      break;
    default:
      icon = <CalendarIcon />;
      text = `Due ${formatDateTime(due!, true)}`;
  }
  return (
    <span className={`chip ${styles.chip} ${styles[state]}`} data-due={state}>
      {icon}
      {due ? <time dateTime={due}>{text}</time> : text}
    </span>
  );
}
