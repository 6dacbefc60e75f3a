'use client';
// The profile's phone verification: SMS go only to a verified number.  The
// saved number (not the one being typed) is the one verified: "Send a
// code" texts it a code, the code field confirms it.

import { useState } from 'react';
import { api, ApiError, type User } from '@/lib/api';
import { problems } from '@/lib/formErrors';
import { Field, FormError } from './Field';
import { useFormSubmit } from './useFormSubmit';

export default function PhoneVerify({ user, onVerified }: { user: User; onVerified: (u: User) => void }) {
  const [code, setCode] = useState('');
  const [sent, setSent] = useState('');
  const form = useFormSubmit();
  const { errors, formError, busy } = form;

  const send = form.submit({
    send: async () => {
      await api('/api/users/me/phone/verify', { method: 'POST' });
      setSent(`A code is on its way to ${user.phoneNumber}; it is valid for 10 minutes.`);
    },
  });

  const confirm = form.submit({
    validate: () => problems({ code: /^\d{6}$/.test(code.trim()) ? undefined : 'Enter the 6 digits of the code.' }),
    send: async () => {
      const d = await api<{ user: User }>('/api/users/me/phone/confirm', { method: 'POST', body: { code: code.trim() } }).catch((e) => {
        // the server's own words (wrong, expired, used, too many tries), not
        // the app's text for an emailed code
        throw e instanceof ApiError && e.code === 'invalid_code' ? new ApiError(e.status, { code: 'phone_code', message: e.message, field: 'code' }) : e;
      });
      setCode('');
      setSent('');
      onVerified(d.user);
    },
    fields: { code: 'code' },
  });

  if (!user.phoneNumber) return null;
  return (
    <form ref={form.formRef} className="form card" aria-labelledby="pv-head" onSubmit={confirm} noValidate>
      <h2 id="pv-head">Phone number</h2>
      <FormError message={formError} />
      {user.phoneVerified ? (
        <p role="status" data-testid="phone-verified">
          <span aria-hidden="true">✓ </span>
          {user.phoneNumber} is verified: SMS notifications go to it.
        </p>
      ) : (
        <>
          <p data-testid="phone-unverified">
            {user.phoneNumber} is not verified yet: no SMS is sent to it until you confirm it with a code we text it.
          </p>
          <div className="actions">
            <button type="button" className="btn" disabled={busy} onClick={() => send()}>
              {sent ? 'Send a new code' : 'Verify'}
            </button>
            <p className="saved" role="status">
              {sent}
            </p>
          </div>
          {sent && (
            <>
              <Field id="pv-code" label="Code" error={errors.code}>
                {(a) => <input {...a} name="code" inputMode="numeric" autoComplete="one-time-code" maxLength={6} value={code} onChange={(e) => setCode(e.target.value)} />}
              </Field>
              <div className="actions">
                <button type="submit" className="btn primary" disabled={busy}>
                  {busy ? 'Confirming…' : 'Confirm'}
                </button>
              </div>
            </>
          )}
        </>
      )}
    </form>
  );
}
