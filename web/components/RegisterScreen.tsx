'use client';
// Register; when the server asks for it (confirmationRequired), the code
// from the email, then log in with the password still in memory.  The
// alert channels chosen here are saved at the first log in
// (lib/signupAlerts.ts: registration itself takes none).

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState } from 'react';
import { api, errorText, type User } from '@/lib/api';
import { ianaZone } from '@/lib/dates';
import { clearDraft, loadDraft, saveDraft } from '@/lib/drafts';
import { applySignupAlerts, keepSignupAlerts } from '@/lib/signupAlerts';
import { useSession } from '@/lib/session';
import { problems } from '@/lib/formErrors';
import { emailProblem, nameProblem, PASSWORD_RULE, passwordProblem, PHONE_HINT, phoneProblem, phoneValue } from '@/lib/validate';
import AlertSwitches, { type Alerts } from './AlertSwitches';
import { Field, FormError, type Errors } from './Field';
import { useFormSubmit } from './useFormSubmit';
import { useLeaveIfLoggedIn } from './useLeaveIfLoggedIn';

interface Values {
  firstName: string;
  lastName: string;
  email: string;
  phoneNumber: string;
  alerts: Alerts;
}

const FIELDS = { firstName: 'firstName', lastName: 'lastName', email: 'email', password: 'password', phoneNumber: 'phoneNumber' };
const RESEND_WAIT = 30;
const EMPTY: Values = { firstName: '', lastName: '', email: '', phoneNumber: '', alerts: { email: true, sms: false } };

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
  // "send the code again": what it said, and the seconds before another
  const [resent, setResent] = useState('');
  const [cooldown, setCooldown] = useState(0);
  useLeaveIfLoggedIn(() => '/tasks');

  useEffect(() => {
    if (!cooldown) return;
    const t = setTimeout(() => setCooldown((c) => c - 1), 1000);
    return () => clearTimeout(t);
  }, [cooldown]);

  const resend = async () => {
    const email = values.email.trim();
    setResent('');
    setFormError(null);
    setCooldown(RESEND_WAIT);
    try {
      await api('/api/users/confirm/resend', { method: 'POST', anonymous: true, body: { email } });
      setResent(`We sent a new code to ${email}.`);
    } catch (e) {
      setCooldown(0);
      setFormError(errorText(e));
    }
  };

  useEffect(() => {
    const d = loadDraft<Values & { step?: 'confirm' }>('register');
    if (d) {
      setValues({ ...EMPTY, ...d });
      if (d.step === 'confirm') setStep('confirm');
    }
  }, []);

  const change = (next: Values) => {
    setValues(next);
    saveDraft('register', next);
  };
  const set = (k: 'firstName' | 'lastName' | 'email' | 'phoneNumber') => (e: React.ChangeEvent<HTMLInputElement>) =>
    change({ ...values, [k]: e.target.value });
  const hasPhone = !!phoneValue(values.phoneNumber);

  // the channels chosen, then the tasks
  const loggedIn = async (u: User) => {
    u = await applySignupAlerts(u);
    clearDraft('register');
    setUser(u);
    router.replace('/tasks');
  };

  const register = form.submit({
    // every field at once
    validate: () =>
      problems({
        firstName: nameProblem(values.firstName, 'first'),
        lastName: nameProblem(values.lastName, 'last'),
        email: emailProblem(values.email),
        password: passwordProblem(password),
        phoneNumber: phoneProblem(values.phoneNumber),
      }),
    send: async () => {
      const phone = phoneValue(values.phoneNumber);
      keepSignupAlerts(values.email, { email: values.alerts.email, sms: hasPhone && values.alerts.sms });
      const d = await api<{ user: User; confirmationRequired?: true }>('/api/users/register', {
        method: 'POST',
        anonymous: true,
        body: {
          firstName: values.firstName.trim(),
          lastName: values.lastName.trim(),
          email: values.email.trim(),
          password,
          ...(phone ? { phoneNumber: phone } : {}),
          // Today and Upcoming are days in this zone
          ...(ianaZone() ? { timeZone: ianaZone() } : {}),
        },
      });
      if (!d.confirmationRequired) {
        await loggedIn(d.user);
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
        await loggedIn(d.user);
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
            <button type="button" className="btn ghost" disabled={cooldown > 0} onClick={resend}>
              {cooldown > 0 ? `Send the code again (${cooldown} s)` : 'Send the code again'}
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
          <p className="saved" role="status">
            {resent}
          </p>
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
            {(a) => <input {...a} name="firstName" autoComplete="given-name" value={values.firstName} onChange={set('firstName')} />}
          </Field>
          <Field id="reg-last" label="Last name" error={errors.lastName}>
            {(a) => <input {...a} name="lastName" autoComplete="family-name" value={values.lastName} onChange={set('lastName')} />}
          </Field>
        </div>
        <Field id="reg-email" label="Email" error={errors.email}>
          {(a) => <input {...a} type="email" name="email" autoComplete="email" value={values.email} onChange={set('email')} />}
        </Field>
        <Field
          id="reg-password"
          label="Password"
          hint={PASSWORD_RULE}
          error={errors.password}
        >
          {(a) => <input {...a} type="password" name="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} />}
        </Field>
        <Field id="reg-phone" label="Phone number (optional)" hint={PHONE_HINT} error={errors.phoneNumber}>
          {(a) => <input {...a} type="tel" name="phoneNumber" inputMode="tel" autoComplete="tel" value={values.phoneNumber} onChange={set('phoneNumber')} />}
        </Field>
        <AlertSwitches id="reg-alerts" value={values.alerts} hasPhone={hasPhone} onChange={(alerts) => change({ ...values, alerts })} />
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
