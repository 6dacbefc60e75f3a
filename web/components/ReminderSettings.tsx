'use client';
// The profile's reminder settings: the time zone (with an offer to take
// the browser's when they differ), the default reminders of new tasks,
// quiet hours, the daily digest, and whether one's own completions also
// go by email and SMS.  The values live in the profile form.

import { useEffect, useMemo, useState } from 'react';
import { ianaZone } from '@/lib/dates';
import type { Errors } from '@/lib/formErrors';
import { Field } from './Field';
import ReminderPicker from './tasks/ReminderPicker';

export interface ReminderValues {
  timeZone: string;
  defaultReminders: string[];
  quiet: boolean;
  quietStart: string;
  quietEnd: string;
  digest: boolean;
  digestTime: string;
  completedEmail: boolean;
  completedSms: boolean;
}

// every IANA zone the browser knows, the given ones too
function zones(extra: string[]): string[] {
  let all: string[] = [];
  try {
    all = Intl.supportedValuesOf('timeZone');
  } catch {
    /* an older browser: the given ones only */
  }
  return [...new Set(['UTC', ...all, ...extra.filter(Boolean)])].sort((a, b) => (a === 'UTC' ? -1 : b === 'UTC' ? 1 : a.localeCompare(b)));
}

export default function ReminderSettings({
  values: v,
  saved,
  errors,
  email,
  sms,
  onChange,
  onUseZone,
}: {
  values: ReminderValues;
  // the zone the profile has now
  saved: string;
  errors: Errors;
  // the master switches: completions by email or SMS need them on
  email: boolean;
  sms: boolean;
  onChange: (c: Partial<ReminderValues>) => void;
  // take the browser's zone (saved at once)
  onUseZone: (zone: string) => Promise<void>;
}) {
  const [browser, setBrowser] = useState<string | null>(null);
  const [zoneBusy, setZoneBusy] = useState(false);
  useEffect(() => setBrowser(ianaZone()), []);
  const options = useMemo(() => zones([v.timeZone, saved, browser ?? '']), [v.timeZone, saved, browser]);

  return (
    <>
      <section className="settings">
        {browser && browser !== saved && (
          <div className="notice zone-offer" role="status">
            <span>
              This browser is in {browser}; your profile says {saved}. Reminders, repeating tasks, quiet hours and the digest follow the profile.
            </span>
            <button
              type="button"
              className="btn small"
              disabled={zoneBusy}
              onClick={async () => {
                setZoneBusy(true);
                try {
                  await onUseZone(browser);
                } finally {
                  setZoneBusy(false);
                }
              }}
            >
              Use {browser}
            </button>
          </div>
        )}
        <Field id="p-zone" label="Time zone" error={errors.timeZone} hint="Occurrences of repeating tasks, quiet hours and the digest are in this zone.">
          {(a) => (
            <select {...a} name="timeZone" value={v.timeZone} onChange={(e) => onChange({ timeZone: e.target.value })}>
              {options.map((z) => (
                <option key={z} value={z}>
                  {z.replace(/_/g, ' ')}
                </option>
              ))}
            </select>
          )}
        </Field>
      </section>

      <section className="settings">
        <h2 className="settings-head">
          Reminders
        </h2>
        <ReminderPicker
          id="p-reminders"
          legend="Default reminders"
          hint="New tasks get these; each task can have its own."
          absolute={false}
          keys={v.defaultReminders}
          error={errors.defaultReminders}
          onChange={(k) => onChange({ defaultReminders: k })}
        />
        <fieldset className="switches">
          <legend>Quiet hours</legend>
          <Field id="p-quiet" label="Hold email and SMS during quiet hours" className="switch" hint="They go out when quiet hours end; in-app notifications always come at once.">
            {(a) => <input {...a} type="checkbox" role="switch" checked={v.quiet} onChange={(e) => onChange({ quiet: e.target.checked })} />}
          </Field>
          {v.quiet && (
            <div className="two">
              <Field id="p-quiet-start" label="Quiet from" error={errors.quietStart}>
                {(a) => <input {...a} type="time" value={v.quietStart} onChange={(e) => onChange({ quietStart: e.target.value })} />}
              </Field>
              <Field id="p-quiet-end" label="Quiet until" error={errors.quietEnd}>
                {(a) => <input {...a} type="time" value={v.quietEnd} onChange={(e) => onChange({ quietEnd: e.target.value })} />}
              </Field>
            </div>
          )}
        </fieldset>
        <fieldset className="switches">
          <legend>Daily digest</legend>
          <Field id="p-digest" label="Email me a digest every day" className="switch" hint="The tasks due that day and the overdue ones; no email when there are none." error={errors.digest}>
            {(a) => <input {...a} type="checkbox" role="switch" checked={v.digest} onChange={(e) => onChange({ digest: e.target.checked })} />}
          </Field>
          {v.digest && (
            <Field id="p-digest-time" label="Send the digest at" error={errors.digestTime}>
              {(a) => <input {...a} type="time" value={v.digestTime} onChange={(e) => onChange({ digestTime: e.target.value })} />}
            </Field>
          )}
        </fieldset>
        <fieldset className="switches">
          <legend>Tasks I complete</legend>
          <p className="hint">Always in the app. Also:</p>
          <Field id="p-done-email" label="Email about my completed tasks" className="switch" hint={email ? undefined : 'Turn email on above first.'} error={errors.completedEmail}>
            {(a) => (
              <input {...a} type="checkbox" role="switch" checked={email && v.completedEmail} disabled={!email} onChange={(e) => onChange({ completedEmail: e.target.checked })} />
            )}
          </Field>
          <Field id="p-done-sms" label="SMS about my completed tasks" className="switch" hint={sms ? undefined : 'Turn SMS on above first.'} error={errors.completedSms}>
            {(a) => <input {...a} type="checkbox" role="switch" checked={sms && v.completedSms} disabled={!sms} onChange={(e) => onChange({ completedSms: e.target.checked })} />}
          </Field>
        </fieldset>
      </section>
    </>
  );
}
