// The task form's values: from a task, compared, checked, and turned into
// the API's PATCH.  Pure: no React, no window.

import type { Priority, Task, TaskStatus } from '../../lib/api';
import { fromLocal, toLocalParts } from '../../lib/dates';
import type { Errors } from '../../lib/formErrors';
import { DESCRIPTION_MAX, TITLE_MAX, dateProblem, lengthProblem } from '../../lib/validate';

export interface TaskValues {
  title: string;
  description: string;
  date: string;
  time: string;
  status: TaskStatus;
  listId: string;
  priority: Priority;
  labels: string[];
}

// listId: where a new task goes (the list on screen, else the Inbox)
export function valuesOf(t: Task | null, listId = 'inbox'): TaskValues {
  const { date, time } = toLocalParts(t?.dueDate ?? null);
  return {
    title: t?.title ?? '',
    description: t?.description ?? '',
    date,
    time,
    status: t?.status ?? 'pending',
    listId: t?.listId ?? listId,
    priority: t?.priority ?? 4,
    labels: t?.labels ?? [],
  };
}

export const sameLabels = (a: string[], b: string[]) => a.length === b.length && a.every((l, i) => l === b[i]);

export const sameValues = (a: TaskValues, b: TaskValues) =>
  a.title === b.title &&
  a.description === b.description &&
  a.date === b.date &&
  a.time === b.time &&
  a.status === b.status &&
  a.listId === b.listId &&
  a.priority === b.priority &&
  sameLabels(a.labels, b.labels);

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

// a new task's body: what differs from the API's defaults
export function taskBody(v: TaskValues, due: string | null): Record<string, unknown> {
  const body: Record<string, unknown> = { title: v.title, status: v.status };
  if (v.description) body.description = v.description;
  if (due) body.dueDate = due;
  if (v.listId !== 'inbox') body.listId = v.listId;
  if (v.priority !== 4) body.priority = v.priority;
  if (v.labels.length) body.labels = v.labels;
  return body;
}

// what changed against the task as the server has it
export function taskPatch(v: TaskValues, due: string | null, against: Task): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  if (v.title !== against.title) patch.title = v.title;
  if (v.description !== against.description) patch.description = v.description;
  if (due !== against.dueDate) patch.dueDate = due;
  if (v.status !== against.status) patch.status = v.status;
  if (v.listId !== against.listId) patch.listId = v.listId;
  if (v.priority !== against.priority) patch.priority = v.priority;
  if (!sameLabels(v.labels, against.labels)) patch.labels = v.labels;
  return patch;
}
