// The task form's values: from a task, compared, checked, and turned into
// the API's PATCH.  Pure: no React, no window.

import type { Task, TaskStatus } from '../../lib/api';
import { fromLocal, toLocalParts } from '../../lib/dates';
import type { Errors } from '../../lib/formErrors';
import { DESCRIPTION_MAX, TITLE_MAX, dateProblem, lengthProblem } from '../../lib/validate';

export interface TaskValues {
  title: string;
  description: string;
  date: string;
  time: string;
  status: TaskStatus;
}

export function valuesOf(t: Task | null): TaskValues {
  const { date, time } = toLocalParts(t?.dueDate ?? null);
  return { title: t?.title ?? '', description: t?.description ?? '', date, time, status: t?.status ?? 'pending' };
}

export const sameValues = (a: TaskValues, b: TaskValues) =>
  a.title === b.title && a.description === b.description && a.date === b.date && a.time === b.time && a.status === b.status;

// the form's checks, and the due instant its date and time stand for
export function checkTask(v: TaskValues): { due: string | null; errors: Errors } {
  const errors: Errors = {};
  if (!v.title.trim()) errors.title = 'Enter a title.';
  const long = lengthProblem(v.title, TITLE_MAX, 'title');
  if (long) errors.title = long;
  const longDesc = lengthProblem(v.description, DESCRIPTION_MAX, 'description');
  if (longDesc) errors.description = longDesc;
  let due: string | null = null;
  if (v.date) {
    const bad = dateProblem(v.date);
    due = bad ? null : fromLocal(v.date, v.time);
    if (bad || !due) errors.date = bad ?? 'Enter a valid date.';
  } else if (v.time) {
    errors.date = 'Enter a date for this time.';
  }
  return { due, errors };
}

// what changed against the task as the server has it
export function taskPatch(v: TaskValues, due: string | null, against: Task): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  if (v.title !== against.title) patch.title = v.title;
  if (v.description !== against.description) patch.description = v.description;
  if (due !== against.dueDate) patch.dueDate = due;
  if (v.status !== against.status) patch.status = v.status;
  return patch;
}
