'use client';
// Create or edit a task.  What is typed is kept as a draft (sessionStorage)
// until it is saved or discarded, so an expired session or a reload loses
// nothing; a restored draft says so.

import { useEffect, useState } from 'react';
import { api, ApiError, errorText, type Task, type TaskStatus } from '@/lib/api';
import { fromLocal, timeZone, toLocalParts } from '@/lib/dates';
import { clearDraft, loadDraft, saveDraft } from '@/lib/drafts';
import Dialog from './Dialog';
import { Field, FormError, type Errors } from './Field';
import { useFormSubmit } from './useFormSubmit';

interface Values {
  title: string;
  description: string;
  date: string;
  time: string;
  status: TaskStatus;
}

interface Draft extends Values {
  version: number;
}

const FIELDS = { title: 'title', description: 'description', dueDate: 'date', status: 'status' };

function valuesOf(t: Task | null): Values {
  const { date, time } = toLocalParts(t?.dueDate ?? null);
  return {
    title: t?.title ?? '',
    description: t?.description ?? '',
    date,
    time,
    status: t?.status ?? 'pending',
  };
}

// the form's checks, and the due instant its date and time stand for
function check(v: Values): { due: string | null; errors: Errors } {
  const errors: Errors = {};
  if (!v.title.trim()) errors.title = 'Enter a title.';
  let due: string | null = null;
  if (v.date) {
    due = fromLocal(v.date, v.time);
    if (!due) errors.date = 'Enter a valid date.';
  } else if (v.time) {
    errors.date = 'Enter a date for this time.';
  }
  return { due, errors };
}

const same = (a: Values, b: Values) =>
  a.title === b.title && a.description === b.description && a.date === b.date && a.time === b.time && a.status === b.status;

export default function TaskDialog({
  task,
  onSaved,
  onClose,
}: {
  task: Task | null;
  onSaved: (t: Task, created: boolean) => void;
  onClose: () => void;
}) {
  const key = 'task:' + (task ? task.id : 'new');
  const initial = valuesOf(task);
  const [values, setValues] = useState<Values>(initial);
  const [restored, setRestored] = useState(false);
  const form = useFormSubmit();
  const { errors, formError, busy } = form;
  const [tz, setTz] = useState('');
  // the version the edits are based on: a restored draft keeps its own,
  // so a task changed since then is a 412, not a silent overwrite
  const [base, setBase] = useState(task?.version ?? 0);

  useEffect(() => {
    setTz(timeZone());
    const d = loadDraft<Draft>(key);
    if (d && !same(d, valuesOf(task))) {
      setValues({ title: d.title, description: d.description, date: d.date, time: d.time, status: d.status });
      if (task && d.version) setBase(d.version);
      setRestored(true);
    }
  }, [key, task]);

  const set = (k: keyof Values) => (e: React.ChangeEvent<HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>) => {
    const next = { ...values, [k]: e.target.value };
    setValues(next);
    if (same(next, initial)) clearDraft(key);
    else saveDraft(key, { ...next, version: base });
  };

  const discard = () => {
    clearDraft(key);
    setValues(initial);
    setBase(task?.version ?? 0);
    setRestored(false);
  };

  const close = () => {
    // closing on purpose throws the draft away; an expiry never gets here
    clearDraft(key);
    onClose();
  };

  const submit = form.submit({
    validate: () => check(values).errors,
    send: async () => {
      const { due } = check(values);
      let saved: Task;
      if (task) {
        const patch: Record<string, unknown> = {};
        if (values.title !== task.title) patch.title = values.title;
        if (values.description !== task.description) patch.description = values.description;
        if (due !== task.dueDate) patch.dueDate = due;
        if (values.status !== task.status) patch.status = values.status;
        if (Object.keys(patch).length === 0) {
          clearDraft(key);
          onClose();
          return 'leaving';
        }
        saved = (
          await api<{ task: Task }>(`/api/tasks/${encodeURIComponent(task.id)}`, {
            method: 'PATCH',
            body: patch,
            headers: { 'If-Match': `"${base}"` },
          })
        ).task;
      } else {
        const body: Record<string, unknown> = { title: values.title, status: values.status };
        if (values.description) body.description = values.description;
        if (due) body.dueDate = due;
        saved = (await api<{ task: Task }>('/api/tasks', { method: 'POST', body })).task;
      }
      clearDraft(key);
      onSaved(saved, !task);
      return 'leaving';
    },
    fields: FIELDS,
    // an expired session never gets here: the draft is kept for after log in
    explain: async (err) => {
      if (!(err instanceof ApiError) || !task) return undefined;
      if (err.status === 404) return 'This task no longer exists.';
      if (err.status !== 412) return undefined;
      try {
        const latest = (await api<{ task: Task }>(`/api/tasks/${encodeURIComponent(task.id)}`)).task;
        setBase(latest.version);
        saveDraft(key, { ...values, version: latest.version });
        return 'This task was changed somewhere else since you opened it. Save again to replace that version with yours, or Cancel to keep it.';
      } catch (e2) {
        return errorText(e2);
      }
    },
  });

  return (
    <Dialog title={task ? 'Edit task' : 'New task'} onClose={close}>
      <form ref={form.formRef} onSubmit={submit} noValidate className="form">
        {restored && (
          <div className="notice" role="status">
            <span>Your unsaved changes were restored.</span>
            <button type="button" className="btn small ghost" onClick={discard}>
              Discard them
            </button>
          </div>
        )}
        <FormError message={formError} />
        <Field id="task-title" label="Title" error={errors.title}>
          {(a) => <input {...a} name="title" value={values.title} onChange={set('title')} maxLength={200} required data-autofocus />}
        </Field>
        <Field id="task-description" label="Description (optional)" error={errors.description}>
          {(a) => <textarea {...a} name="description" value={values.description} onChange={set('description')} maxLength={5000} rows={4} />}
        </Field>
        <fieldset className="row-fields">
          <legend>Due (optional, your time zone{tz ? `: ${tz}` : ''})</legend>
          <Field id="task-date" label="Date" error={errors.date}>
            {(a) => <input {...a} type="date" name="date" value={values.date} onChange={set('date')} />}
          </Field>
          <Field id="task-time" label="Time" hint="Empty: end of the day">
            {(a) => <input {...a} type="time" name="time" value={values.time} onChange={set('time')} />}
          </Field>
        </fieldset>
        <Field id="task-status" label="Status" error={errors.status}>
          {(a) => (
            <select {...a} name="status" value={values.status} onChange={set('status')}>
              <option value="pending">Pending</option>
              <option value="in_progress">In progress</option>
              <option value="completed">Completed</option>
            </select>
          )}
        </Field>
        <div className="actions">
          <button type="submit" className="btn primary" disabled={busy}>
            {busy ? 'Saving…' : task ? 'Save changes' : 'Create task'}
          </button>
          <button type="button" className="btn" onClick={close} disabled={busy}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}
