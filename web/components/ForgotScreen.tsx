'use client';
// A forgotten password: the email, then the emailed code and a new
// password; then the log-in page, every session having ended.  The API
// answers the email step alike for every address, so this page says
// "if an account exists" rather than "sent".

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState } from 'react';
import { api } from '@/lib/api';
import { problems } from '@/lib/formErrors';
import { emailProblem, PASSWORD_RULE, passwordProblem } from '@/lib/validate';
import { Field, FormError } from './Field';
import { useFormSubmit } from './useFormSubmit';
import { useLeaveIfLoggedIn } from './useLeaveIfLoggedIn';

export default function ForgotScreen() {
  const router = useRouter();
  const [email, setEmail] = useState('');
  const [code, setCode] = useState('');
  const [password, setPassword] = useState('');
  const [step, setStep] = useState<'email' | 'reset'>('email');
  const form = useFormSubmit();
  const { errors, formError, busy } = form;
  const headRef = useRef<HTMLHeadingElement>(null);
  useLeaveIfLoggedIn(() => '/tasks');

  useEffect(() => {
    const e = new URLSearchParams(location.search).get('email');
    if (e) setEmail(e);
  }, []);

  const ask = form.submit({
    validate: () => problems({ email: emailProblem(email) }),
    send: async () => {
      await api('/api/users/password/forgot', { method: 'POST', anonymous: true, body: { email: email.trim() } });
      setStep('reset');
      requestAnimationFrame(() => headRef.current?.focus());
    },
    fields: { email: 'email' },
  });

  const reset = form.submit({
    validate: () => problems({ code: code.trim() ? undefined : 'Enter the code from the email.', password: passwordProblem(password) }),
    send: async () => {
      await api('/api/users/password/reset', {
        method: 'POST',
        anonymous: true,
        body: { email: email.trim(), code: code.trim(), password },
      });
      router.replace('/login?reason=reset&email=' + encodeURIComponent(email.trim()));
      return 'leaving';
    },
    fields: { code: 'code', password: 'password' },
  });

  if (step === 'reset') {
    return (
      <div className="auth">
        <h1 ref={headRef} tabIndex={-1}>
          Choose a new password
        </h1>
        <p>
          If an account uses <strong>{email.trim()}</strong>, we have sent it a code. Enter the code and your new password.
        </p>
        <form ref={form.formRef} className="form card" onSubmit={reset} noValidate>
          <FormError message={formError} />
          <Field id="fp-code" label="Code from the email" error={errors.code}>
            {(a) => <input {...a} name="code" inputMode="numeric" autoComplete="one-time-code" value={code} maxLength={16} onChange={(e) => setCode(e.target.value)} />}
          </Field>
          <Field id="fp-password" label="New password" hint={PASSWORD_RULE} error={errors.password}>
            {(a) => <input {...a} type="password" name="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} />}
          </Field>
          <div className="actions">
            <button type="submit" className="btn primary" disabled={busy}>
              {busy ? 'Saving…' : 'Set the new password'}
            </button>
            <button type="button" className="btn ghost" onClick={() => setStep('email')}>
              Back
            </button>
          </div>
        </form>
      </div>
    );
  }

  return (
    <div className="auth">
      <h1>Reset your password</h1>
      <p>Enter the email of your account: we will send it a code to set a new password.</p>
      <form ref={form.formRef} className="form card" onSubmit={ask} noValidate>
        <FormError message={formError} />
        <Field id="fp-email" label="Email" error={errors.email}>
          {(a) => <input {...a} type="email" name="email" autoComplete="username" value={email} onChange={(e) => setEmail(e.target.value)} />}
        </Field>
        <div className="actions">
          <button type="submit" className="btn primary" disabled={busy}>
            {busy ? 'Sending…' : 'Send the code'}
          </button>
        </div>
      </form>
      <p className="aside">
        Remembered it? <Link href="/login">Log in</Link>
      </p>
    </div>
  );
}
