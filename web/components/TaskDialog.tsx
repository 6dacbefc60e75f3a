'use client';
// Create or edit a task.  What is typed is kept as a draft (sessionStorage)
// until it is saved or discarded, so an expired session or a reload loses
// nothing; a restored draft says so.  Closing with changes asks first;
// while a save is in flight nothing closes.  A task changed elsewhere
// meanwhile (412) shows both versions and lets the user choose.

import { useEffect, useRef, useState } from 'react';
import { api, ApiError, errorText, type Label, type Priority, type Task, type TaskList } from '@/lib/api';
import { fromLocal, timeZone } from '@/lib/dates';
import { clearDraft, loadDraft, saveDraft } from '@/lib/drafts';
import { keyOf } from '@/lib/reminders';
import { useSession } from '@/lib/session';
import { countHint, DESCRIPTION_MAX, TITLE_MAX } from '@/lib/validate';
import Dialog from './Dialog';
import { Field, FormError } from './Field';
import ConflictNotice from './tasks/ConflictNotice';
import { useChangedElsewhere } from './tasks/useLiveTasks';
import LabelPicker from './tasks/LabelPicker';
import ReminderPicker from './tasks/ReminderPicker';
import RepeatPicker from './tasks/RepeatPicker';
import { PRIORITY_TEXT } from './tasks/TaskChips';
import { checkReminders, checkTask, sameValues, taskBody, taskPatch, valuesOf, type TaskValues } from './tasks/taskForm';
import { useNextOccurrences } from './tasks/useNextOccurrences';
import { useFormSubmit } from './useFormSubmit';

interface Draft extends TaskValues {
  version: number;
}

// a draft's values, without its version
const valuesIn = (d: Partial<Draft>): Partial<TaskValues> => {
  const v = { ...d };
  delete v.version;
  return v;
};

const FIELDS = {
  title: 'title',
  description: 'description',
  dueDate: 'date',
  status: 'status',
  listId: 'listId',
  priority: 'priority',
  labels: 'labels',
  reminders: 'reminders',
  repeat: 'repeat',
  'repeat.rule': 'repeat',
  'repeat.from': 'repeat',
};
const NO_REMINDERS: never[] = [];
const PRIORITIES: Priority[] = [1, 2, 3, 4];

export default function TaskDialog({
  task,
  onSaved,
  onClose,
  onChanged,
  lists,
  labels,
  listId,
}: {
  task: Task | null;
  // for the pickers: the user's lists and the labels in use
  lists: TaskList[];
  labels: Label[];
  // the list on screen: where a new task goes
  listId: string;
  onSaved: (t: Task, created: boolean) => void;
  onClose: () => void;
  // the server's latest version, seen after a conflict (the list shows it)
  onChanged: (t: Task) => void;
}) {
  const key = 'task:' + (task ? task.id : 'new');
  // the version the edits are measured against: the task as opened, or
  // as it is on the server after a conflict
  const [against, setAgainst] = useState<Task | null>(task);
  const home = listId || 'inbox';
  // a new task starts with the user's default reminders
  const defaults = useSession().user?.defaultReminders ?? NO_REMINDERS;
  const initial = valuesOf(against, home, defaults);
  const [values, setValues] = useState<TaskValues>(initial);
  const [restored, setRestored] = useState(false);
  const [conflict, setConflict] = useState<TaskValues | null>(null);
  const [asking, setAsking] = useState(false);
  const form = useFormSubmit();
  const { errors, formError, setFormError, busy } = form;
  const [tz, setTz] = useState('');
  // the version sent in If-Match: a restored draft keeps its own, so a
  // task changed since then is a 412, not a silent overwrite
  const [base, setBase] = useState(task?.version ?? 0);
  const keepEditing = useRef<HTMLButtonElement>(null);
  // (a newer version opened over a restored draft: changed elsewhere too)
  const elsewhere = useChangedElsewhere(task?.id, base) || (task?.version ?? 0) > base;
  // a new task's reminders follow the user's defaults (known maybe only
  // after the form opened) until the user changes them
  const ownReminders = useRef(false);

  useEffect(() => {
    setTz(timeZone());
    const d = loadDraft<Draft>(key);
    const fresh = valuesOf(task, home, defaults);
    if (d && !sameValues({ ...fresh, ...d }, fresh)) {
      ownReminders.current = true;
      setValues({ ...fresh, ...valuesIn(d) });
      if (task && d.version) setBase(d.version);
      setRestored(true);
    }
  }, [key, task, home, defaults]);

  useEffect(() => {
    if (!task && !ownReminders.current) setValues((v) => ({ ...v, reminders: defaults.map(keyOf) }));
  }, [task, defaults]);

  const change = (next: TaskValues) => {
    if (next.reminders !== values.reminders) ownReminders.current = true;
    setValues(next);
    setAsking(false);
    if (sameValues(next, initial)) clearDraft(key);
    else saveDraft(key, { ...next, version: base });
  };
  const set = (k: keyof TaskValues) => (e: React.ChangeEvent<HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>) =>
    change({ ...values, [k]: e.target.value });

  const discard = () => {
    clearDraft(key);
    setValues(initial);
    setBase(against?.version ?? 0);
    setRestored(false);
  };

  // closing on purpose throws the draft away; an expiry never gets here
  const close = () => {
    clearDraft(key);
    onClose();
  };
  const requestClose = () => {
    if (busy) return;
    if (sameValues(values, initial)) return close();
    setAsking(true);
    requestAnimationFrame(() => keepEditing.current?.focus());
  };

  const submit = form.submit({
    validate: () => checkReminders(values, initial.reminders, checkTask(values).errors),
    send: async () => {
      const { due } = checkTask(values);
      let saved: Task;
      if (against) {
        const patch = taskPatch(values, due, against);
        if (Object.keys(patch).length === 0) {
          close();
          return 'leaving';
        }
        saved = (
          await api<{ task: Task }>(`/api/tasks/${encodeURIComponent(against.id)}`, {
            method: 'PATCH',
            body: patch,
            headers: { 'If-Match': `"${base}"` },
          })
        ).task;
      } else {
        saved = (await api<{ task: Task }>('/api/tasks', { method: 'POST', body: taskBody(values, due, defaults) })).task;
      }
      clearDraft(key);
      onSaved(saved, !task);
      return 'leaving';
    },
    fields: FIELDS,
    // an expired session never gets here: the draft is kept for after log in
    explain: async (err) => {
      if (!(err instanceof ApiError) || !against) return undefined;
      if (err.status === 404) return 'This task no longer exists.';
      if (err.status !== 412) return undefined;
      try {
        const latest = (await api<{ task: Task }>(`/api/tasks/${encodeURIComponent(against.id)}`)).task;
        onChanged(latest);
        setAgainst(latest);
        setBase(latest.version);
        saveDraft(key, { ...values, version: latest.version });
        setConflict(valuesOf(latest, home, defaults));
        return '';
      } catch (e2) {
        return errorText(e2);
      }
    },
  });

  // the server's next dates, while the form still has the rule and due
  // date they were computed for
  const next = useNextOccurrences(against);
  const sameSchedule = values.repeat === initial.repeat && values.repeatFrom === initial.repeatFrom && values.date === initial.date && values.time === initial.time;
  const dueLocal = new Date((values.date && fromLocal(values.date, values.time)) || Date.now());

  const useTheirs = () => {
    if (!conflict) return;
    setValues(conflict);
    clearDraft(key);
    setConflict(null);
    setFormError(null);
  };

  return (
    <Dialog title={task ? 'Edit task' : 'New task'} onClose={requestClose} busy={busy}>
      <form
        ref={form.formRef}
        onSubmit={(e) => {
          setConflict(null);
          return submit(e);
        }}
        noValidate
        className="form"
      >
        {restored && (
          <div className="notice" role="status">
            <span>Your unsaved changes were restored.</span>
            <button type="button" className="btn small ghost" onClick={discard}>
              Discard them
            </button>
          </div>
        )}
        {elsewhere && !conflict && <div className="notice changed-elsewhere" role="status">This task was changed in another tab or device; saving will show both versions.</div>}
        {conflict && <ConflictNotice lists={lists} theirs={conflict} mine={values} busy={busy} onKeepMine={() => form.formRef.current?.requestSubmit()} onUseTheirs={useTheirs} />}
        <FormError message={formError || null} />
        <Field id="task-title" label="Title" error={errors.title} hint={countHint(values.title, TITLE_MAX)}>
          {(a) => <input {...a} name="title" value={values.title} onChange={set('title')} required data-autofocus />}
        </Field>
        <Field id="task-description" label="Description (optional)" error={errors.description} hint={countHint(values.description, DESCRIPTION_MAX)}>
          {(a) => <textarea {...a} name="description" value={values.description} onChange={set('description')} rows={4} />}
        </Field>
        <fieldset className="row-fields">
          <legend>Due (optional, your time zone{tz ? `: ${tz}` : ''})</legend>
          <Field id="task-date" label="Date" error={errors.date}>
            {(a) => <input {...a} type="date" name="date" min="1970-01-01" value={values.date} onChange={set('date')} />}
          </Field>
          <Field id="task-time" label="Time" hint="Empty: the end of the day.">
            {(a) => <input {...a} type="time" name="time" value={values.time} onChange={set('time')} />}
          </Field>
        </fieldset>
        <ReminderPicker
          id="task-reminders"
          keys={values.reminders}
          saved={against?.reminders}
          error={errors.reminders}
          hint={values.date ? undefined : 'Reminders before the due date need a due date.'}
          onChange={(k) => change({ ...values, reminders: k })}
        />
        <RepeatPicker
          id="task-repeat"
          value={values.repeat}
          from={values.repeatFrom}
          due={dueLocal}
          next={sameSchedule ? next : null}
          error={errors.repeat}
          onChange={(rule, from) => change({ ...values, repeat: rule, repeatFrom: from })}
        />
        <div className="row-fields">
          <Field id="task-status" label="Status" error={errors.status}>
            {(a) => (
              <select {...a} name="status" value={values.status} onChange={set('status')}>
                <option value="pending">Pending</option>
                <option value="in_progress">In progress</option>
                <option value="completed">Completed</option>
              </select>
            )}
          </Field>
          <Field id="task-list" label="List" error={errors.listId}>
            {(a) => (
              <select {...a} name="listId" value={values.listId} onChange={set('listId')}>
                {!lists.some((l) => l.id === values.listId) && <option value={values.listId}>{values.listId === 'inbox' ? 'Inbox' : 'Another list'}</option>}
                {lists.map((l) => (
                  <option key={l.id} value={l.id}>
                    {l.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field id="task-priority" label="Priority" error={errors.priority}>
            {(a) => (
              <select {...a} name="priority" value={values.priority} onChange={(e) => change({ ...values, priority: Number(e.target.value) as Priority })}>
                {PRIORITIES.map((p) => (
                  <option key={p} value={p}>
                    {PRIORITY_TEXT[p]}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        <LabelPicker labels={values.labels} known={labels} error={errors.labels} onChange={(l) => change({ ...values, labels: l })} />
        {asking && (
          <div className="notice confirm-discard" role="alert">
            <span>Discard the changes you made? They are not saved.</span>
            <span className="actions">
              <button type="button" className="btn small danger-solid" onClick={close}>
                Discard changes
              </button>
              <button type="button" className="btn small" ref={keepEditing} onClick={() => setAsking(false)}>
                Keep editing
              </button>
            </span>
          </div>
        )}
        <div className="actions">
          <button type="submit" className="btn primary" disabled={busy}>
            {busy ? 'Saving…' : task ? 'Save changes' : 'Create task'}
          </button>
          <button type="button" className="btn" onClick={requestClose} disabled={busy}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}
