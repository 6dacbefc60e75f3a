'use client';
// How a task repeats: daily, weekdays, weekly on chosen days, monthly on
// day N or the Nth weekday, yearly, or custom (every N days, weeks,
// months or years); ends never, after N times or on a day; counted from
// the due date or the completion.  It edits an RRULE string
// (lib/repeat.ts) and says it in words; next: the server's next dates.

import { useState } from 'react';
import { formatDateTime } from '@/lib/dates';
import {
  buildRule,
  DAY_SHORT,
  DAYS,
  describe,
  kindOf,
  KIND_TEXT,
  nthDayOf,
  ordinal,
  parseRule,
  ruleFor,
  withFreq,
  type Day,
  type Freq,
  type Kind,
  type Rule,
} from '@/lib/repeat';
import { Field } from '../Field';
import styles from './Pickers.module.css';

const KINDS = Object.keys(KIND_TEXT) as Kind[];
const FREQS: [Freq, string][] = [
  ['DAILY', 'days'],
  ['WEEKLY', 'weeks'],
  ['MONTHLY', 'months'],
  ['YEARLY', 'years'],
];
const LONG_DAY: Record<Day, string> = { MO: 'Monday', TU: 'Tuesday', WE: 'Wednesday', TH: 'Thursday', FR: 'Friday', SA: 'Saturday', SU: 'Sunday' };
const NTH = [1, 2, 3, 4, -1];

// "20271231" <-> "2027-12-31"
const toInput = (u: string | null) => (u ? `${u.slice(0, 4)}-${u.slice(4, 6)}-${u.slice(6)}` : '');
const fromInput = (d: string) => d.replace(/-/g, '');

export default function RepeatPicker({
  id,
  value,
  from,
  due,
  next,
  error,
  onChange,
}: {
  id: string;
  // the rule, '' when the task does not repeat
  value: string;
  from: 'due' | 'completion';
  // the due date (local), for the defaults: the weekday, the day of the month
  due: Date;
  // the next due dates the server computed for this very rule, if known
  next?: string[] | null;
  error?: string;
  onChange: (rule: string, from: 'due' | 'completion') => void;
}) {
  const r = value ? parseRule(value) : null;
  const [kind, setKind] = useState<Kind>(() => (value && !r ? 'custom' : kindOf(r)));
  const [endKind, setEndKind] = useState<'never' | 'count' | 'until'>(r?.count ? 'count' : r?.until ? 'until' : 'never');

  const set = (next: Rule | null, f = from) => onChange(next ? buildRule(next) : '', f);
  const pickKind = (k: Kind) => {
    setKind(k);
    const n = ruleFor(k, due, r);
    set(n);
    if (!n) setEndKind('never');
  };
  const pickEnd = (e: 'never' | 'count' | 'until') => {
    setEndKind(e);
    if (!r) return;
    const later = new Date(due.getFullYear(), due.getMonth() + 3, due.getDate());
    const ymd = `${later.getFullYear()}${String(later.getMonth() + 1).padStart(2, '0')}${String(later.getDate()).padStart(2, '0')}`;
    set({ ...r, count: e === 'count' ? (r.count ?? 10) : null, until: e === 'until' ? (r.until ?? ymd) : null });
  };

  const weekly = r?.freq === 'WEEKLY' && (kind === 'weekly' || kind === 'custom');
  const monthly = r?.freq === 'MONTHLY' && (kind === 'monthly' || kind === 'custom');
  const byWeekday = !!r && r.byDay.length > 0 && !r.byMonthDay.length;
  const nth = r && byWeekday ? /^(-?\d)([A-Z]{2})$/.exec(r.byDay[0]) : null;

  return (
    <div className={`repeat-picker ${styles.box}`}>
      <Field id={id} label="Repeat" error={error}>
        {(a) => (
          <select {...a} value={kind} onChange={(e) => pickKind(e.target.value as Kind)}>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {KIND_TEXT[k]}
              </option>
            ))}
          </select>
        )}
      </Field>
      {value && !r && <p className="hint">This task repeats by a rule this form cannot change: {value}. Choose another to replace it.</p>}
      {r && kind === 'custom' && (
        <div className={styles.inline}>
          <Field id={id + '-interval'} label="Every">
            {(a) => (
              <input
                {...a}
                type="number"
                min={1}
                max={999}
                inputMode="numeric"
                value={r.interval}
                onChange={(e) => set({ ...r, interval: Math.max(1, Math.min(999, Math.floor(Number(e.target.value)) || 1)) })}
              />
            )}
          </Field>
          <Field id={id + '-freq'} label="Period">
            {(a) => (
              <select {...a} value={r.freq} onChange={(e) => set(withFreq(r, e.target.value as Freq, due))}>
                {FREQS.map(([f, words]) => (
                  <option key={f} value={f}>
                    {words}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
      )}
      {r && weekly && (
        <fieldset className={styles.days}>
          <legend>On</legend>
          {DAYS.map((d) => (
            <label key={d} className={styles.day}>
              <input
                type="checkbox"
                checked={r.byDay.includes(d)}
                onChange={(e) => set({ ...r, byDay: e.target.checked ? DAYS.filter((x) => x === d || r.byDay.includes(x)) : r.byDay.filter((x) => x !== d) })}
              />
              <span>{DAY_SHORT[d]}</span>
            </label>
          ))}
        </fieldset>
      )}
      {r && monthly && (
        <fieldset className={styles.monthly}>
          <legend className="sr-only">Which day of the month</legend>
          <div className={styles.inline}>
            <label className={styles.radio}>
              <input type="radio" name={id + '-mode'} checked={!byWeekday} onChange={() => set({ ...r, byDay: [], byMonthDay: [due.getDate()] })} />
              On day
            </label>
            <select
              aria-label="Day of the month"
              value={r.byMonthDay[0] ?? due.getDate()}
              disabled={byWeekday}
              onChange={(e) => set({ ...r, byDay: [], byMonthDay: [Number(e.target.value)] })}
            >
              {Array.from({ length: 31 }, (_, i) => i + 1).map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
              <option value={-1}>the last day</option>
            </select>
          </div>
          <div className={styles.inline}>
            <label className={styles.radio}>
              <input type="radio" name={id + '-mode'} checked={byWeekday} onChange={() => set({ ...r, byMonthDay: [], byDay: [nthDayOf(due)] })} />
              On the
            </label>
            <select
              aria-label="Which week"
              value={nth ? nth[1] : ''}
              disabled={!byWeekday}
              onChange={(e) => set({ ...r, byMonthDay: [], byDay: [e.target.value + (nth ? nth[2] : nthDayOf(due).replace(/^-?\d/, ''))] })}
            >
              {!nth && <option value="" />}
              {NTH.map((n) => (
                <option key={n} value={n}>
                  {ordinal(n)}
                </option>
              ))}
            </select>
            <select
              aria-label="Weekday"
              value={nth ? nth[2] : ''}
              disabled={!byWeekday}
              onChange={(e) => set({ ...r, byMonthDay: [], byDay: [(nth ? nth[1] : '1') + e.target.value] })}
            >
              {!nth && <option value="" />}
              {DAYS.map((d) => (
                <option key={d} value={d}>
                  {LONG_DAY[d]}
                </option>
              ))}
            </select>
          </div>
        </fieldset>
      )}
      {r && (
        <div className={styles.inline}>
          <Field id={id + '-ends'} label="Ends">
            {(a) => (
              <select {...a} value={endKind} onChange={(e) => pickEnd(e.target.value as 'never' | 'count' | 'until')}>
                <option value="never">Never</option>
                <option value="count">After a number of times</option>
                <option value="until">On a day</option>
              </select>
            )}
          </Field>
          {endKind === 'count' && (
            <Field id={id + '-count'} label="Occurrences">
              {(a) => (
                <input
                  {...a}
                  type="number"
                  min={1}
                  max={999}
                  inputMode="numeric"
                  value={r.count ?? ''}
                  onChange={(e) => set({ ...r, until: null, count: Math.max(1, Math.min(999, Math.floor(Number(e.target.value)) || 1)) })}
                />
              )}
            </Field>
          )}
          {endKind === 'until' && (
            <Field id={id + '-until'} label="Last day">
              {(a) => (
                <input {...a} type="date" min="1970-01-01" value={toInput(r.until)} onChange={(e) => e.target.value && set({ ...r, count: null, until: fromInput(e.target.value) })} />
              )}
            </Field>
          )}
        </div>
      )}
      {value && (
        <Field id={id + '-from'} label="Count the next one from">
          {(a) => (
            <select {...a} value={from} onChange={(e) => onChange(value, e.target.value as 'due' | 'completion')}>
              <option value="due">The due date</option>
              <option value="completion">The day it is completed</option>
            </select>
          )}
        </Field>
      )}
      {value && (
        <p className={`repeat-summary ${styles.summary}`} role="status">
          <RepeatSummary rule={value} from={from} />
        </p>
      )}
      {value && next && next.length > 0 && <NextDates dates={next} />}
    </div>
  );
}

export function RepeatSummary({ rule, from }: { rule: string; from: 'due' | 'completion' }) {
  return (
    <>
      {describe(rule)}
      {from === 'completion' ? ', counted from completion' : ''}
    </>
  );
}

export function NextDates({ dates }: { dates: string[] }) {
  return (
    <div className={`next-occurrences ${styles.next}`}>
      <span>Next:</span>
      <ul>
        {dates.map((d) => (
          <li key={d}>
            <time dateTime={d}>{formatDateTime(d, true)}</time>
          </li>
        ))}
      </ul>
    </div>
  );
}
