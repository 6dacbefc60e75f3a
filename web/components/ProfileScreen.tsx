'use client';

import { useEffect, useState } from 'react';
import { api, errorText, isSessionRedirect, type User } from '@/lib/api';
import { inputOf, keyOf } from '@/lib/reminders';
import { clearDraft, loadDraft, saveDraft } from '@/lib/drafts';
import { useSession } from '@/lib/session';
import { nameProblem, PHONE_HINT, phoneProblem, phoneValue } from '@/lib/validate';
import { problems } from '@/lib/formErrors';
import { Field, FormError } from './Field';
import { useFormSubmit } from './useFormSubmit';
import Protected from './Protected';
import AlertSwitches from './AlertSwitches';
import ChangePassword from './ChangePassword';
import PhoneVerify from './PhoneVerify';
import ReminderSettings, { type ReminderValues } from './ReminderSettings';
import ExportData from './ExportData';
import CalendarFeed from './CalendarFeed';
import TwoFactor from './TwoFactor';
import DeleteAccount from './DeleteAccount';

interface Values extends ReminderValues {
  firstName: string;
  lastName: string;
  phoneNumber: string;
  email: boolean;
  sms: boolean;
}

const FIELDS = {
  firstName: 'firstName',
  lastName: 'lastName',
  phoneNumber: 'phoneNumber',
  'notificationPreferences.email': 'email',
  'notificationPreferences.sms': 'sms',
  notificationPreferences: 'email',
  'notificationPreferences.completedEmail': 'completedEmail',
  'notificationPreferences.completedSms': 'completedSms',
  timeZone: 'timeZone',
  defaultReminders: 'defaultReminders',
  quietHours: 'quietStart',
  'quietHours.start': 'quietStart',
  'quietHours.end': 'quietEnd',
  digest: 'digestTime',
  'digest.time': 'digestTime',
  'digest.enabled': 'digest',
};

// the API's defaults, for a profile that does not have them yet
const DEFAULT_REMINDERS = [{ before: 'P1D' }];

const valuesOf = (u: User): Values => ({
  firstName: u.firstName,
  lastName: u.lastName,
  phoneNumber: u.phoneNumber ?? '',
  email: u.notificationPreferences.email,
  sms: u.notificationPreferences.sms,
  completedEmail: u.notificationPreferences.completedEmail ?? false,
  completedSms: u.notificationPreferences.completedSms ?? false,
  timeZone: u.timeZone ?? 'UTC',
  defaultReminders: (u.defaultReminders ?? DEFAULT_REMINDERS).map(keyOf),
  quiet: !!u.quietHours,
  quietStart: u.quietHours?.start ?? '22:00',
  quietEnd: u.quietHours?.end ?? '07:00',
  digest: u.digest?.enabled ?? false,
  digestTime: u.digest?.time ?? '07:30',
});

const same = (a: Values, b: Values) => (Object.keys(a) as (keyof Values)[]).every((k) => JSON.stringify(a[k]) === JSON.stringify(b[k]));

const quietOf = (v: Values) => (v.quiet ? { start: v.quietStart, end: v.quietEnd } : null);
const digestOf = (v: Values) => ({ enabled: v.digest, time: v.digestTime });

// what the form sends beyond the names, phone and channels: what changed
// (a server without these fields is not sent them)
function reminderChanges(v: Values, was: Values, u: User): { prefs: Record<string, boolean>; out: Record<string, unknown> } {
  const out: Record<string, unknown> = {};
  if (v.timeZone !== was.timeZone) out.timeZone = v.timeZone;
  if (JSON.stringify(v.defaultReminders) !== JSON.stringify(was.defaultReminders)) out.defaultReminders = v.defaultReminders.map(inputOf);
  if (JSON.stringify(quietOf(v)) !== JSON.stringify(quietOf(was))) out.quietHours = quietOf(v);
  if (JSON.stringify(digestOf(v)) !== JSON.stringify(digestOf(was))) out.digest = digestOf(v);
  const prefs: Record<string, boolean> = {};
  for (const k of ['completedEmail', 'completedSms'] as const) {
    if (v[k] !== was[k] || k in u.notificationPreferences) prefs[k] = v[k];
  }
  return { prefs, out };
}

const timeProblem = (t: string) => (/^\d{2}:\d{2}$/.test(t) ? undefined : 'Choose a time.');

export default function ProfileScreen() {
  return <Protected>{(u) => <Profile user={u!} />}</Protected>;
}

function Profile({ user }: { user: User }) {
  const { setUser } = useSession();
  const initial = valuesOf(user);
  const [values, setValues] = useState<Values>(initial);
  const form = useFormSubmit();
  const { errors, formError, busy } = form;
  const [saved, setSaved] = useState('');
  const [restored, setRestored] = useState(false);

  // a draft from before an expiry or a reload: after hydration, since the
  // exported HTML has no sessionStorage (a saved profile clears the draft,
  // so the new user object finds none)
  useEffect(() => {
    const d = loadDraft<Values>('profile');
    if (d && !same(d, valuesOf(user))) {
      setValues(d);
      setRestored(true);
    }
  }, [user]);

  // on the latest values, not those of the render that made the handler:
  // two changes before a render must not undo one another
  const update = (change: Partial<Values>) => {
    setSaved('');
    setValues((v) => {
      const next = { ...v, ...change };
      // SMS needs a phone number: no number, no SMS
      return next.phoneNumber.trim() ? next : { ...next, sms: false };
    });
  };

  // the draft follows what is typed
  useEffect(() => {
    if (same(values, initial)) clearDraft('profile');
    else saveDraft('profile', values);
  }, [values]); // eslint-disable-line react-hooks/exhaustive-deps

  const submit = form.submit({
    validate: () =>
      problems({
        firstName: nameProblem(values.firstName, 'first'),
        lastName: nameProblem(values.lastName, 'last'),
        phoneNumber: phoneProblem(values.phoneNumber),
        quietStart: values.quiet ? timeProblem(values.quietStart) : undefined,
        quietEnd: values.quiet ? (timeProblem(values.quietEnd) ?? (values.quietEnd === values.quietStart ? 'Quiet hours end at another time than they start.' : undefined)) : undefined,
        digestTime: values.digest ? timeProblem(values.digestTime) : undefined,
      }),
    send: async () => {
      const phone = phoneValue(values.phoneNumber);
      const { prefs, out } = reminderChanges(values, initial, user);
      const d = await api<{ user: User }>('/api/users/me', {
        method: 'PATCH',
        body: {
          firstName: values.firstName.trim(),
          lastName: values.lastName.trim(),
          // only a changed number: any number sent must be verified again
          ...(phone !== (user.phoneNumber ?? '') ? { phoneNumber: phone || null } : {}),
          notificationPreferences: { email: values.email, sms: values.sms, ...prefs },
          ...out,
        },
      });
      clearDraft('profile');
      setRestored(false);
      setValues(valuesOf(d.user));
      setSaved('Your profile is saved.');
      // the rest of the app sees the new profile too
      setUser(d.user);
    },
    fields: FIELDS,
  });

  // the browser's zone, saved at once (the rest of the form stays as typed)
  const takeZone = async (zone: string) => {
    setSaved('');
    try {
      const d = await api<{ user: User }>('/api/users/me', { method: 'PATCH', body: { timeZone: zone } });
      setValues((v) => ({ ...v, timeZone: d.user.timeZone ?? zone }));
      setUser(d.user);
      setSaved(`Your time zone is now ${zone}.`);
    } catch (e) {
      if (!isSessionRedirect(e)) form.setFormError(errorText(e));
    }
  };

  const noPhone = !values.phoneNumber.trim();
  return (
    <>
      <div className="page-head">
        <h1>Profile</h1>
      </div>
      <form
        ref={form.formRef}
        className="form card"
        onSubmit={(e) => {
          setSaved('');
          return submit(e);
        }}
        noValidate
      >
        {restored && (
          <p className="notice" role="status">
            Your unsaved changes were restored; save them or change them back.
          </p>
        )}
        <FormError message={formError} />
        <p className="readonly">
          <span className="label">Email</span> <span data-testid="email">{user.email}</span>
        </p>
        <div className="two">
          <Field id="p-first" label="First name" error={errors.firstName}>
            {(a) => (
              <input {...a} name="firstName" autoComplete="given-name" value={values.firstName} onChange={(e) => update({ firstName: e.target.value })} />
            )}
          </Field>
          <Field id="p-last" label="Last name" error={errors.lastName}>
            {(a) => (
              <input {...a} name="lastName" autoComplete="family-name" value={values.lastName} onChange={(e) => update({ lastName: e.target.value })} />
            )}
          </Field>
        </div>
        <Field id="p-phone" label="Phone number (optional)" hint={PHONE_HINT} error={errors.phoneNumber}>
          {(a) => (
            <input {...a} name="phoneNumber" type="tel" inputMode="tel" autoComplete="tel" value={values.phoneNumber} onChange={(e) => update({ phoneNumber: e.target.value })} />
          )}
        </Field>
        <AlertSwitches id="p" value={{ email: values.email, sms: values.sms }} hasPhone={!noPhone} errors={errors} onChange={update} />
        <ReminderSettings
          values={values}
          saved={user.timeZone ?? 'UTC'}
          errors={errors}
          email={values.email}
          sms={values.sms && !noPhone}
          onChange={update}
          onUseZone={takeZone}
        />
        <div className="actions">
          <button type="submit" className="btn primary" disabled={busy}>
            {busy ? 'Saving…' : 'Save profile'}
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
      <PhoneVerify user={user} onVerified={setUser} />
      <ChangePassword />
      <TwoFactor user={user} />
      <ExportData />
      <CalendarFeed />
      <DeleteAccount email={user.email} />
    </>
  );
}
