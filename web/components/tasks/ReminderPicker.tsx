'use client';
// A task's reminders (and the profile's default ones): the list, each with
// Remove, and "Add a reminder": at the due time, 15 minutes, 1 hour or 1
// day before, a custom time before, or (tasks only) a date and time.
// Reminders are keys of lib/reminders.ts; a reminder already sent or
// cancelled says so.

import { useState } from 'react';
import type { Reminder } from '@/lib/api';
import { fromLocal, toLocalParts } from '@/lib/dates';
import { customProblem, duration, keyOf, MAX_REMINDERS, PRESETS, reminderWords, type Unit } from '@/lib/reminders';
import { Field } from '../Field';
import styles from './Pickers.module.css';

const UNITS: Unit[] = ['minutes', 'hours', 'days', 'weeks'];

export default function ReminderPicker({
  id,
  keys,
  onChange,
  error,
  saved = [],
  absolute = true,
  legend = 'Reminders',
  hint,
}: {
  id: string;
  keys: string[];
  onChange: (keys: string[]) => void;
  error?: string;
  // the reminders as the server has them: their state
  saved?: Reminder[];
  // "On a date and time" offered (not for defaults)
  absolute?: boolean;
  legend?: string;
  hint?: string;
}) {
  const [choice, setChoice] = useState(PRESETS[1].key);
  const [amount, setAmount] = useState('30');
  const [unit, setUnit] = useState<Unit>('minutes');
  const [day, setDay] = useState('');
  const [time, setTime] = useState('09:00');
  const [problem, setProblem] = useState<string | undefined>();
  const full = keys.length >= MAX_REMINDERS;

  const state = (k: string) => saved.find((r) => keyOf(r) === k)?.state;

  const add = () => {
    let key = choice;
    if (choice === 'custom') {
      const n = Number(amount);
      const bad = amount.trim() === '' ? 'Enter a number.' : customProblem(n, unit);
      if (bad) return setProblem(bad);
      key = 'before:' + duration(n, unit);
    } else if (choice === 'at') {
      const at = fromLocal(day, time);
      if (!at || !time) return setProblem('Choose a day and a time.');
      key = 'at:' + at;
    }
    setProblem(undefined);
    if (!keys.includes(key)) onChange([...keys, key]);
  };
  // Enter in the picker adds the reminder, it does not submit the form
  const enterAdds = (e: React.KeyboardEvent) => {
    if (e.key !== 'Enter') return;
    e.preventDefault();
    if (!full) add();
  };

  return (
    <fieldset className={`reminder-picker ${styles.box}`} id={id}>
      <legend>{legend}</legend>
      {hint && <p className="hint">{hint}</p>}
      {keys.length ? (
        <ul className={styles.items} aria-label={legend}>
          {keys.map((k) => {
            const words = reminderWords(k);
            const st = state(k);
            return (
              <li key={k} className={`reminder ${styles.item}`} data-key={k} data-state={st ?? 'new'}>
                <span className="reminder-text">{words}</span>
                {st && st !== 'pending' && <span className={styles.tag}>{st === 'sent' ? 'Sent' : 'Cancelled'}</span>}
                <button type="button" className="btn small ghost" onClick={() => onChange(keys.filter((x) => x !== k))}>
                  Remove<span className="sr-only"> reminder “{words}”</span>
                </button>
              </li>
            );
          })}
        </ul>
      ) : (
        <p className="hint reminders-none">No reminders.</p>
      )}
      <div className={styles.addRow}>
        <Field id={id + '-add'} label="Add a reminder" error={error} hint={full ? `At most ${MAX_REMINDERS}.` : undefined}>
          {(a) => (
            <select
              {...a}
              value={choice}
              onChange={(e) => {
                setChoice(e.target.value);
                setProblem(undefined);
                if (e.target.value === 'at' && !day) setDay(toLocalParts(new Date(Date.now() + 86400_000).toISOString()).date);
              }}
            >
              {PRESETS.map((p) => (
                <option key={p.key} value={p.key} disabled={keys.includes(p.key)}>
                  {p.text}
                </option>
              ))}
              <option value="custom">Custom time before…</option>
              {absolute && <option value="at">On a day and time…</option>}
            </select>
          )}
        </Field>
        {choice === 'custom' && (
          <>
            <Field id={id + '-amount'} label="How long before" error={problem}>
              {(a) => <input {...a} type="number" min={0} inputMode="numeric" value={amount} onKeyDown={enterAdds} onChange={(e) => setAmount(e.target.value)} />}
            </Field>
            <Field id={id + '-unit'} label="Unit">
              {(a) => (
                <select {...a} value={unit} onChange={(e) => setUnit(e.target.value as Unit)}>
                  {UNITS.map((u) => (
                    <option key={u} value={u}>
                      {u}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          </>
        )}
        {choice === 'at' && (
          <>
            <Field id={id + '-day'} label="Remind me on" error={problem}>
              {(a) => <input {...a} type="date" min="1970-01-01" value={day} onKeyDown={enterAdds} onChange={(e) => setDay(e.target.value)} />}
            </Field>
            <Field id={id + '-at'} label="Remind me at">
              {(a) => <input {...a} type="time" value={time} onKeyDown={enterAdds} onChange={(e) => setTime(e.target.value)} />}
            </Field>
          </>
        )}
        <button type="button" className={`btn ${styles.addButton}`} onClick={add} disabled={full}>
          Add<span className="sr-only"> reminder</span>
        </button>
      </div>
    </fieldset>
  );
}
