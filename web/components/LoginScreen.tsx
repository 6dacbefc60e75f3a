'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState } from 'react';
import { api, type User } from '@/lib/api';
import { clearDraft, loadDraft, saveDraft } from '@/lib/drafts';
import { applySignupAlerts } from '@/lib/signupAlerts';
import { useSession } from '@/lib/session';
import { problems } from '@/lib/formErrors';
import { Field, FormError } from './Field';
import { useFormSubmit } from './useFormSubmit';
import { safeNext } from './nextPath';
import { useLeaveIfLoggedIn } from './useLeaveIfLoggedIn';

const REASONS: Record<string, { text: string; kind: 'info' | 'warn' }> = {
  expired: { text: 'Your session has expired. Log in again to continue; what you were typing has been kept.', kind: 'warn' },
  required: { text: 'Log in to continue.', kind: 'info' },
  loggedout: { text: 'You have logged out.', kind: 'info' },
  confirmed: { text: 'Your account is confirmed. Log in to start.', kind: 'info' },
  reset: { text: 'Your password has been changed and every session ended. Log in with the new password.', kind: 'info' },
};

export default function LoginScreen() {
  const router = useRouter();
  const { setUser } = useSession();
  // read after hydration: the form itself is in the exported HTML
  const [reason, setReason] = useState<(typeof REASONS)[string] | undefined>();
  const [next, setNext] = useState('/tasks');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const form = useFormSubmit();
  const { errors, formError, busy } = form;
  const emailRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);
  useLeaveIfLoggedIn(() => safeNext(new URLSearchParams(location.search).get('next')));

  useEffect(() => {
    const q = new URLSearchParams(location.search);
    setReason(REASONS[q.get('reason') ?? '']);
    setNext(safeNext(q.get('next')));
    const d = loadDraft<{ email: string }>('login');
    const e = q.get('email') || d?.email;
    if (e) setEmail(e);
    // where typing starts: the email, or the password when it is filled in
    (e ? passwordRef : emailRef).current?.focus();
  }, []);

  const submit = form.submit({
    validate: () => problems({ email: email.trim() ? undefined : 'Enter your email address.', password: password ? undefined : 'Enter your password.' }),
    send: async () => {
      const d = await api<{ user: User }>('/api/users/login', {
        method: 'POST',
        body: { email: email.trim(), password },
        anonymous: true,
      });
      clearDraft('login');
      // a new account's first log in: the alert channels it chose
      setUser(await applySignupAlerts(d.user));
      router.replace(next);
      return 'leaving';
    },
    fields: { email: 'email', password: 'password' },
  });

  return (
    <div className="auth">
      <h1>Log in</h1>
      {reason && (
        <p className={'banner ' + reason.kind} role="status">
          {reason.text}
        </p>
      )}
      <form ref={form.formRef} className="form card" onSubmit={submit} noValidate>
        <FormError message={formError} />
        <Field id="login-email" label="Email" error={errors.email}>
          {(a) => (
            <input
              {...a}
              ref={emailRef}
              type="email"
              name="email"
              autoComplete="username"
              value={email}
              onChange={(e) => {
                setEmail(e.target.value);
                saveDraft('login', { email: e.target.value });
              }}
            />
          )}
        </Field>
        <Field id="login-password" label="Password" error={errors.password}>
          {(a) => <input {...a} ref={passwordRef} type="password" name="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} />}
        </Field>
        <div className="actions">
          <button type="submit" className="btn primary" disabled={busy}>
            {busy ? 'Logging in…' : 'Log in'}
          </button>
          <Link href={'/forgot' + (email.trim() ? '?email=' + encodeURIComponent(email.trim()) : '')}>Forgot password?</Link>
        </div>
      </form>
      <p className="aside">
        New here? <Link href="/register">Create an account</Link>
      </p>
    </div>
  );
}
