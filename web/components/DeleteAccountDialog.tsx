'use client';
// "Delete your account?": the user types "delete" (or the account's email)
// and the password; DELETE /api/users/me answers 202 once every session is
// ended (the items go within seconds, by the scheduler).  Then a full load
// of the login page, which says so: nothing of the account stays in memory.

import { useState } from 'react';
import { api, markSession } from '@/lib/api';
import { clearAllDrafts } from '@/lib/drafts';
import { problems } from '@/lib/formErrors';
import Dialog from './Dialog';
import { Field, FormError } from './Field';
import { useFormSubmit } from './useFormSubmit';

export default function DeleteAccountDialog({ email, onClose }: { email: string; onClose: () => void }) {
  const [confirm, setConfirm] = useState('');
  const [password, setPassword] = useState('');
  const form = useFormSubmit();
  const { errors, formError, busy } = form;
  const typed = confirm.trim().toLowerCase();

  const submit = form.submit({
    validate: () =>
      problems({
        confirm: typed === 'delete' || typed === email.toLowerCase() ? undefined : 'Type “delete” or your email address to confirm.',
        password: password ? undefined : 'Enter your password.',
      }),
    send: async () => {
      await api('/api/users/me', { method: 'DELETE', body: { password } });
      markSession(false);
      clearAllDrafts();
      location.assign('/login?reason=deleted');
      return 'leaving';
    },
    fields: { password: 'password' },
  });

  return (
    <Dialog title="Delete your account?" onClose={onClose} narrow busy={busy}>
      <form ref={form.formRef} onSubmit={submit} noValidate>
        <p>
          Everything in <strong>{email}</strong>’s account is deleted for good: this cannot be undone.
        </p>
        <FormError message={formError} />
        <Field id="da-confirm" label="Type “delete” or your email address" error={errors.confirm}>
          {(a) => <input {...a} name="confirm" autoComplete="off" value={confirm} onChange={(e) => setConfirm(e.target.value)} data-autofocus />}
        </Field>
        <Field id="da-password" label="Password" error={errors.password}>
          {(a) => <input {...a} type="password" name="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} />}
        </Field>
        <div className="actions">
          <button type="submit" className="btn danger-solid" disabled={busy}>
            {busy ? 'Deleting…' : 'Delete my account'}
          </button>
          <button type="button" className="btn" onClick={onClose} disabled={busy}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}
