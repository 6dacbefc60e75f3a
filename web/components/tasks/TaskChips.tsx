// A task's priority flag (1 to 3; the default 4 shows nothing) and its
// labels, as small chips with text: the colour only adds.

import type { Priority } from '@/lib/api';
import styles from './TaskChips.module.css';

export const PRIORITY_TEXT: Record<Priority, string> = {
  1: 'Priority 1 (highest)',
  2: 'Priority 2',
  3: 'Priority 3',
  4: 'Priority 4 (none)',
};

export function PriorityFlag({ priority }: { priority: Priority }) {
  if (priority === 4) return null;
  return (
    <span className={`flag ${styles.flag} ${styles['p' + priority]}`} data-priority={priority} title={PRIORITY_TEXT[priority]}>
      <svg width="12" height="12" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
        <path d="M3 15V2h9l-2 3.5L12 9H3" fill="currentColor" />
      </svg>
      <span className="sr-only">Priority </span>
      <span aria-hidden="true">P</span>
      {priority}
    </span>
  );
}

export function LabelChips({ labels }: { labels: string[] }) {
  if (!labels.length) return null;
  return (
    <ul className={styles.labels} aria-label="Labels">
      {labels.map((l) => (
        <li key={l} className={`label-chip ${styles.label}`}>
          <span aria-hidden="true">#</span>
          {l}
        </li>
      ))}
    </ul>
  );
}
