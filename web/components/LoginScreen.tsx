'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState } from 'react';
import { api, ApiError, type User } from '@/lib/api';
import { clearDraft, loadDraft, saveDraft } from '@/lib/drafts';
import { applySignupAlerts } from '@/lib/signupAlerts';
import { useSession } from '@/lib/session';
import { problems } from '@/lib/formErrors';
import { Field, FormError } from './Field';
import { focusFirstError, useFormSubmit } from './useFormSubmit';
import { safeNext } from './nextPath';
import { useLeaveIfLoggedIn } from './useLeaveIfLoggedIn';
import { CODE_RULE, codeProblem, codeRefused } from '@/lib/mfa';

const REASONS: Record<string, { text: string; kind: 'info' | 'warn' }> = {
  expired: { text: 'Your session has expired. Log in again to continue; what you were typing has been kept.', kind: 'warn' },
  required: { text: 'Log in to continue.', kind: 'info' },
  loggedout: { text: 'You have logged out.', kind: 'info' },
  confirmed: { text: 'Your account is confirmed. Log in to start.', kind: 'info' },
  deleted: { text: 'Your account has been deleted, with its tasks and notifications. You can register again with the same email.', kind: 'info' },
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
  // two-factor: the login's challenge, then a code from the app
  const [challenge, setChallenge] = useState('');
  const [code, setCode] = useState('');
  const form = useFormSubmit();
  const { errors, formError, busy } = form;
  const emailRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);
  const codeRef = useRef<HTMLInputElement>(null);
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

  useEffect(() => {
    if (challenge) codeRef.current?.focus();
  }, [challenge]);

  const submit = form.submit({
    validate: () =>
      challenge
        ? problems({ code: codeProblem(code) })
        : problems({ email: email.trim() ? undefined : 'Enter your email address.', password: password ? undefined : 'Enter your password.' }),
    send: async () => {
      let d: { user: User } | { mfaRequired: true; challenge: string };
      try {
        d = challenge
          ? await api<{ user: User }>('/api/users/login/mfa', { method: 'POST', body: { challenge, code: code.trim() }, anonymous: true })
          : await api<{ user: User } | { mfaRequired: true; challenge: string }>('/api/users/login', {
              method: 'POST',
              body: { email: email.trim(), password },
              anonymous: true,
            });
      } catch (e) {
        const why = codeRefused(e);
        if (why) {
          form.setErrors({ code: why });
          requestAnimationFrame(() => focusFirstError(form.formRef.current));
          return;
        }
        // the challenge expired or ran out of tries: the password again
        if (e instanceof ApiError && e.code === 'invalid_challenge') {
          setChallenge('');
          setCode('');
          setPassword('');
          form.setFormError('The sign-in took too long or had too many wrong codes. Log in again.');
          return;
        }
        throw e;
      }
      if ('mfaRequired' in d) {
        setChallenge(d.challenge);
        return;
      }
      clearDraft('login');
      // a new account's first log in: the alert channels it chose
      setUser(await applySignupAlerts(d.user));
      router.replace(next);
      return 'leaving';
    },
    fields: { email: 'email', password: 'password', code: 'code' },
  });

  if (challenge) {
    return (
      <div className="auth">
        <h1>Two-factor sign-in</h1>
        <form ref={form.formRef} className="form card" onSubmit={submit} noValidate>
          <FormError message={formError} />
          <Field id="login-code" label="Code from your authenticator app" hint={CODE_RULE} error={errors.code}>
            {(a) => (
              <input
                {...a}
                ref={codeRef}
                name="code"
                inputMode="numeric"
                autoComplete="one-time-code"
                maxLength={6}
                value={code}
                onChange={(e) => setCode(e.target.value)}
              />
            )}
          </Field>
          <div className="actions">
            <button type="submit" className="btn primary" disabled={busy}>
              {busy ? 'Checking…' : 'Log in'}
            </button>
            <button
              type="button"
              className="btn"
              disabled={busy}
              onClick={() => {
                setChallenge('');
                setCode('');
                form.setErrors({});
              }}
            >
              Back
            </button>
          </div>
        </form>
      </div>
    );
  }

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
