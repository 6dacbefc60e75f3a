// The task form's values: from a task, compared, checked, and turned into
// the API's PATCH.  Pure: no React, no window.

import type { Priority, ReminderInput, Task, TaskStatus } from '../../lib/api';
import { fromLocal, toLocalParts } from '../../lib/dates';
import type { Errors } from '../../lib/formErrors';
import { inputOf, isRelative, keyOf, remindersProblem } from '../../lib/reminders';
import { parseRule, ruleProblem } from '../../lib/repeat';
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
  // lib/reminders.ts keys ("before:PT15M", "at:<UTC>")
  reminders: string[];
  // an RRULE (lib/repeat.ts), '' when it does not repeat
  repeat: string;
  repeatFrom: 'due' | 'completion';
}

// listId: where a new task goes (the list on screen, else the Inbox);
// defaults: the user's default reminders, a new task's
export function valuesOf(t: Task | null, listId = 'inbox', defaults: ReminderInput[] = []): TaskValues {
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
    reminders: (t ? (t.reminders ?? []) : defaults).map(keyOf),
    repeat: t?.repeat?.rule ?? '',
    repeatFrom: t?.repeat?.from ?? 'due',
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
  sameLabels(a.labels, b.labels) &&
  sameLabels(a.reminders, b.reminders) &&
  a.repeat === b.repeat &&
  (!a.repeat || a.repeatFrom === b.repeatFrom);

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
  if (v.repeat) {
    const r = parseRule(v.repeat);
    const bad = r ? ruleProblem(r) : undefined;
    if (bad) errors.repeat = bad;
    else if (!v.date) errors.repeat = 'Set a due date for a repeating task.';
  }
  return { due, errors };
}

// the reminders' check, only when they are sent (changed): a task kept as
// it was is not refused for reminders the server accepted
export function checkReminders(v: TaskValues, before: string[], errors: Errors): Errors {
  if (sameLabels(v.reminders, before)) return errors;
  const bad = remindersProblem(v.reminders, !!v.date);
  return bad ? { ...errors, reminders: bad } : errors;
}

// the reminders to send: an absolute one already past is done, not sent again
function remindersOut(keys: string[], now: number): ReminderInput[] {
  return keys.filter((k) => isRelative(k) || new Date(k.slice(3)).getTime() > now).map(inputOf);
}

const repeatOut = (v: TaskValues) => (v.repeat ? { rule: v.repeat, from: v.repeatFrom } : null);

// a new task's body: what differs from the API's defaults (reminders:
// the user's defaults, left to the server when unchanged)
export function taskBody(v: TaskValues, due: string | null, defaults: ReminderInput[] = [], now = Date.now()): Record<string, unknown> {
  const body: Record<string, unknown> = { title: v.title, status: v.status };
  if (v.description) body.description = v.description;
  if (due) body.dueDate = due;
  if (v.listId !== 'inbox') body.listId = v.listId;
  if (v.priority !== 4) body.priority = v.priority;
  if (v.labels.length) body.labels = v.labels;
  if (!sameLabels(v.reminders, defaults.map(keyOf))) body.reminders = remindersOut(v.reminders, now);
  if (v.repeat) body.repeat = repeatOut(v);
  return body;
}

// what changed against the task as the server has it
export function taskPatch(v: TaskValues, due: string | null, against: Task, now = Date.now()): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  if (v.title !== against.title) patch.title = v.title;
  if (v.description !== against.description) patch.description = v.description;
  if (due !== against.dueDate) patch.dueDate = due;
  if (v.status !== against.status) patch.status = v.status;
  if (v.listId !== against.listId) patch.listId = v.listId;
  if (v.priority !== against.priority) patch.priority = v.priority;
  if (!sameLabels(v.labels, against.labels)) patch.labels = v.labels;
  const was = valuesOf(against);
  if (!sameLabels(v.reminders, was.reminders)) patch.reminders = remindersOut(v.reminders, now);
  if (v.repeat !== was.repeat || (v.repeat && v.repeatFrom !== was.repeatFrom)) patch.repeat = repeatOut(v);
  return patch;
}
