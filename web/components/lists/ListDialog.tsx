'use client';
// Create a list, or rename and recolour one: a name (1 to 100 characters,
// unique among the user's lists whatever the case) and a colour.

import { useState } from 'react';
import { api, type TaskList } from '@/lib/api';
import { countHint, lengthProblem, NAME_MAX } from '@/lib/validate';
import Dialog from '../Dialog';
import { Field, FormError, type Errors } from '../Field';
import { useFormSubmit } from '../useFormSubmit';
import { listPath } from './listPath';

const DEFAULT_COLOR = '#6b7280';

export default function ListDialog({ list, onSaved, onClose }: { list: TaskList | null; onSaved: () => void; onClose: () => void }) {
  const [name, setName] = useState(list?.name ?? '');
  const [color, setColor] = useState(list?.color ?? DEFAULT_COLOR);
  const form = useFormSubmit();
  const { errors, formError, busy } = form;

  const submit = form.submit({
    validate: (): Errors => {
      const problem = name.trim() ? lengthProblem(name, NAME_MAX, 'name') : 'Enter a name.';
      return problem ? { name: problem } : {};
    },
    send: async () => {
      const body = { name: name.trim(), color };
      if (list) await api(listPath(list.id), { method: 'PATCH', body, headers: { 'If-Match': `"${list.version}"` } });
      else await api('/api/lists', { method: 'POST', body });
      onSaved();
      return 'leaving';
    },
    fields: { name: 'name', color: 'color' },
  });

  return (
    <Dialog title={list ? 'Rename or recolour the list' : 'New list'} onClose={() => !busy && onClose()} narrow busy={busy}>
      <form ref={form.formRef} onSubmit={submit} noValidate className="form">
        <FormError message={formError} />
        <Field id="list-name" label="Name" error={errors.name} hint={countHint(name, NAME_MAX)}>
          {(a) => <input {...a} value={name} onChange={(e) => setName(e.target.value)} required data-autofocus />}
        </Field>
        <Field id="list-color" label="Colour" error={errors.color}>
          {(a) => <input {...a} type="color" value={color} onChange={(e) => setColor(e.target.value)} />}
        </Field>
        <div className="actions">
          <button type="submit" className="btn primary" disabled={busy}>
            {busy ? 'Saving…' : list ? 'Save' : 'Create list'}
          </button>
          <button type="button" className="btn" onClick={onClose} disabled={busy}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}
