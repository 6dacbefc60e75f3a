'use client';
// The profile's password part: the current password and a new one.  The
// API ends the user's other sessions; this one goes on.

import { useState } from 'react';
import { api } from '@/lib/api';
import { problems } from '@/lib/formErrors';
import { PASSWORD_RULE, passwordProblem } from '@/lib/validate';
import { Field, FormError } from './Field';
import { useFormSubmit } from './useFormSubmit';

export default function ChangePassword() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [saved, setSaved] = useState('');
  const form = useFormSubmit();
  const { errors, formError, busy } = form;

  const submit = form.submit({
    validate: () => problems({ current: current ? undefined : 'Enter your current password.', next: passwordProblem(next) }),
    send: async () => {
      await api('/api/users/password/change', { method: 'POST', body: { currentPassword: current, newPassword: next } });
      setCurrent('');
      setNext('');
      setSaved('Your password is changed; your other sessions have ended.');
    },
    fields: { currentPassword: 'current', newPassword: 'next' },
  });

  return (
    <form
      ref={form.formRef}
      className="form card"
      aria-labelledby="cp-head"
      onSubmit={(e) => {
        setSaved('');
        return submit(e);
      }}
      noValidate
    >
      <h2 id="cp-head">Change password</h2>
      <FormError message={formError} />
      <Field id="cp-current" label="Current password" error={errors.current}>
        {(a) => <input {...a} type="password" name="currentPassword" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} />}
      </Field>
      <Field id="cp-new" label="New password" hint={PASSWORD_RULE} error={errors.next}>
        {(a) => <input {...a} type="password" name="newPassword" autoComplete="new-password" value={next} onChange={(e) => setNext(e.target.value)} />}
      </Field>
      <div className="actions">
        <button type="submit" className="btn primary" disabled={busy}>
          {busy ? 'Changing…' : 'Change password'}
        </button>
        <p className="saved" role="status">
          {saved && (
            <>
              <span aria-hidden="true">✓ </span>
              {saved}
            </>
          )}
        </p>
      </div>
    </form>
  );
}
