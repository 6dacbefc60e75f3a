'use client';
// Register; when the server asks for it (confirmationRequired), the code
// from the email, then log in with the password still in memory.

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState } from 'react';
import { api, type User } from '@/lib/api';
import { clearDraft, loadDraft, saveDraft } from '@/lib/drafts';
import { useSession } from '@/lib/session';
import { Field, FormError, type Errors } from './Field';
import { useFormSubmit } from './useFormSubmit';

interface Values {
  firstName: string;
  lastName: string;
  email: string;
  phoneNumber: string;
}

const FIELDS = { firstName: 'firstName', lastName: 'lastName', email: 'email', password: 'password', phoneNumber: 'phoneNumber' };
const EMPTY: Values = { firstName: '', lastName: '', email: '', phoneNumber: '' };

export default function RegisterScreen() {
  const router = useRouter();
  const { setUser } = useSession();
  const [values, setValues] = useState<Values>(EMPTY);
  const [password, setPassword] = useState('');
  const [step, setStep] = useState<'details' | 'confirm'>('details');
  const [code, setCode] = useState('');
  const form = useFormSubmit();
  const { errors, setErrors, formError, setFormError, busy } = form;
  const headRef = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    const d = loadDraft<Values & { step?: 'confirm' }>('register');
    if (d) {
      setValues({ ...EMPTY, ...d });
      if (d.step === 'confirm') setStep('confirm');
    }
  }, []);

  const set = (k: keyof Values) => (e: React.ChangeEvent<HTMLInputElement>) => {
    const next = { ...values, [k]: e.target.value };
    setValues(next);
    saveDraft('register', next);
  };

  const loggedIn = (u: User) => {
    clearDraft('register');
    setUser(u);
    router.replace('/tasks');
  };

  const register = form.submit({
    validate: () => {
      const errs: Errors = {};
      if (!values.firstName.trim()) errs.firstName = 'Enter your first name.';
      if (!values.lastName.trim()) errs.lastName = 'Enter your last name.';
      if (!values.email.trim()) errs.email = 'Enter your email address.';
      if (!password) errs.password = 'Choose a password.';
      return errs;
    },
    send: async () => {
      const phone = values.phoneNumber.replace(/[\s()-]/g, '');
      const d = await api<{ user: User; confirmationRequired?: true }>('/api/users/register', {
        method: 'POST',
        anonymous: true,
        body: {
          firstName: values.firstName.trim(),
          lastName: values.lastName.trim(),
          email: values.email.trim(),
          password,
          ...(phone ? { phoneNumber: phone } : {}),
        },
      });
      if (!d.confirmationRequired) {
        loggedIn(d.user);
        return 'leaving';
      }
      saveDraft('register', { ...values, step: 'confirm' });
      setStep('confirm');
      requestAnimationFrame(() => headRef.current?.focus());
    },
    fields: FIELDS,
  });

  const confirm = form.submit({
    validate: (): Errors => (code.trim() ? {} : { code: 'Enter the code from the email.' }),
    send: async () => {
      const email = values.email.trim();
      await api('/api/users/confirm', { method: 'POST', anonymous: true, body: { email, code: code.trim() } });
      // then log in with the password still in memory; after a reload in
      // between (the password is not kept anywhere) or a failed log in:
      // the log-in page, with the email filled in
      const d = password
        ? await api<{ user: User }>('/api/users/login', { method: 'POST', anonymous: true, body: { email, password } }).catch(() => null)
        : null;
      if (d) {
        loggedIn(d.user);
      } else {
        clearDraft('register');
        router.replace('/login?reason=confirmed&email=' + encodeURIComponent(email));
      }
      return 'leaving';
    },
    fields: { code: 'code' },
  });

  if (step === 'confirm') {
    return (
      <div className="auth">
        <h1 ref={headRef} tabIndex={-1}>
          Confirm your email
        </h1>
        <p>
          We sent a confirmation code to <strong>{values.email}</strong>. Enter it here to finish creating your account.
        </p>
        <form ref={form.formRef} className="form card" onSubmit={confirm} noValidate>
          <FormError message={formError} />
          <Field id="reg-code" label="Confirmation code" error={errors.code}>
            {(a) => <input {...a} name="code" inputMode="numeric" autoComplete="one-time-code" value={code} maxLength={16} onChange={(e) => setCode(e.target.value)} />}
          </Field>
          <div className="actions">
            <button type="submit" className="btn primary" disabled={busy}>
              {busy ? 'Confirming…' : 'Confirm'}
            </button>
            <button
              type="button"
              className="btn ghost"
              onClick={() => {
                setStep('details');
                setErrors({});
                setFormError(null);
                saveDraft('register', values);
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
      <h1>Create your account</h1>
      <form ref={form.formRef} className="form card" onSubmit={register} noValidate>
        <FormError message={formError} />
        <div className="two">
          <Field id="reg-first" label="First name" error={errors.firstName}>
            {(a) => <input {...a} name="firstName" autoComplete="given-name" value={values.firstName} maxLength={100} onChange={set('firstName')} />}
          </Field>
          <Field id="reg-last" label="Last name" error={errors.lastName}>
            {(a) => <input {...a} name="lastName" autoComplete="family-name" value={values.lastName} maxLength={100} onChange={set('lastName')} />}
          </Field>
        </div>
        <Field id="reg-email" label="Email" error={errors.email}>
          {(a) => <input {...a} type="email" name="email" autoComplete="email" value={values.email} maxLength={254} onChange={set('email')} />}
        </Field>
        <Field
          id="reg-password"
          label="Password"
          hint="At least 12 characters, with an upper-case and a lower-case letter, a digit and a symbol."
          error={errors.password}
        >
          {(a) => <input {...a} type="password" name="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} />}
        </Field>
        <Field id="reg-phone" label="Phone number (optional)" hint="International format, e.g. +14155550123; for SMS reminders." error={errors.phoneNumber}>
          {(a) => <input {...a} type="tel" name="phoneNumber" inputMode="tel" autoComplete="tel" value={values.phoneNumber} onChange={set('phoneNumber')} />}
        </Field>
        <div className="actions">
          <button type="submit" className="btn primary" disabled={busy}>
            {busy ? 'Creating account…' : 'Create account'}
          </button>
        </div>
      </form>
      <p className="aside">
        Already have an account? <Link href="/login">Log in</Link>
      </p>
    </div>
  );
}
