// The email and SMS switches for reminders and completions (profile and
// registration).  SMS needs a phone number: without one it is off and
// disabled, and says so.

import { Field, type Errors } from './Field';

export interface Alerts {
  email: boolean;
  sms: boolean;
}

export default function AlertSwitches({
  id,
  value,
  hasPhone,
  errors = {},
  onChange,
}: {
  id: string;
  value: Alerts;
  hasPhone: boolean;
  errors?: Errors;
  onChange: (a: Alerts) => void;
}) {
  return (
    <fieldset className="switches">
      <legend>Notify me about due and completed tasks</legend>
      <Field id={id + '-email'} label="By email" className="switch" error={errors.email}>
        {(a) => <input {...a} type="checkbox" role="switch" checked={value.email} onChange={(e) => onChange({ ...value, email: e.target.checked })} />}
      </Field>
      <Field id={id + '-sms'} label="By SMS" className="switch" hint={hasPhone ? undefined : 'Add a phone number to turn SMS on.'} error={errors.sms}>
        {(a) => (
          <input {...a} type="checkbox" role="switch" checked={hasPhone && value.sms} disabled={!hasPhone} onChange={(e) => onChange({ ...value, sms: e.target.checked })} />
        )}
      </Field>
    </fieldset>
  );
}
