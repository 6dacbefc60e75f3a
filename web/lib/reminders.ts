// Reminders as the API takes them: {"before": "<ISO 8601 duration>"}
// (before the due date: "PT0S", "PT15M", "PT1H", "P1D", "P1W", at most 4
// weeks) or {"at": "<RFC 3339>"}.  The forms hold each as a string key,
// "before:PT15M" or "at:2027-01-05T09:00:00Z", easy to compare and keep
// in a draft.  Pure: no React, no window.

import type { ReminderInput } from './api';
import { formatDateTime } from './dates';

export const MAX_REMINDERS = 5;
export const MAX_BEFORE_S = 4 * 7 * 86400;

export const PRESETS: { key: string; text: string }[] = [
  { key: 'before:PT0S', text: 'At the due time' },
  { key: 'before:PT15M', text: '15 minutes before' },
  { key: 'before:PT1H', text: '1 hour before' },
  { key: 'before:P1D', text: '1 day before' },
];

export type Unit = 'minutes' | 'hours' | 'days' | 'weeks';
const UNIT_S: Record<Unit, number> = { minutes: 60, hours: 3600, days: 86400, weeks: 604800 };

// an ISO 8601 duration of weeks, days, hours, minutes, seconds -> seconds
export function durationSeconds(s: string): number | null {
  const m = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(s);
  if (!m || s === 'P') return null;
  const [w, d, h, mi, se] = m.slice(1).map((x) => Number(x ?? 0));
  return w * 604800 + d * 86400 + h * 3600 + mi * 60 + se;
}

// n units -> the shortest duration: 90 minutes -> "PT90M", 2 days -> "P2D"
export function duration(n: number, unit: Unit): string {
  if (n === 0) return 'PT0S';
  if (unit === 'weeks') return `P${n}W`;
  if (unit === 'days') return `P${n}D`;
  return `PT${n}${unit === 'hours' ? 'H' : 'M'}`;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

// seconds before -> "1 day 2 hours before"; 0 -> "At the due time"
export function beforeWords(s: number): string {
  if (s === 0) return 'At the due time';
  const parts: string[] = [];
  let rest = s;
  for (const [word, size] of [
    ['week', 604800],
    ['day', 86400],
    ['hour', 3600],
    ['minute', 60],
    ['second', 1],
  ] as const) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n) parts.push(plural(n, word));
  }
  return parts.join(' ') + ' before';
}

export const keyOf = (r: ReminderInput): string => ('before' in r ? 'before:' + r.before : 'at:' + r.at);

export function inputOf(key: string): ReminderInput {
  return key.startsWith('before:') ? { before: key.slice(7) } : { at: key.slice(3) };
}

export const isRelative = (key: string) => key.startsWith('before:');

// a reminder in words: "15 minutes before", "At Tue, Jan 5, 9:00 AM"
export function reminderWords(key: string): string {
  if (isRelative(key)) {
    const s = durationSeconds(key.slice(7));
    return s === null ? key.slice(7) + ' before' : beforeWords(s);
  }
  const at = key.slice(3);
  return isNaN(new Date(at).getTime()) ? at : 'On ' + formatDateTime(at);
}

// in the order they come: relative ones from the longest before, then the
// absolute ones by time
export function sortKeys(keys: string[]): string[] {
  const rank = (k: string) => (isRelative(k) ? -(durationSeconds(k.slice(7)) ?? 0) : new Date(k.slice(3)).getTime());
  return [...keys].sort((a, b) => Number(isRelative(b)) - Number(isRelative(a)) || rank(a) - rank(b));
}

// a custom "n units before": the message, or undefined
export function customProblem(n: number, unit: Unit): string | undefined {
  if (!Number.isInteger(n) || n < 0) return 'Enter a whole number.';
  if (n * UNIT_S[unit] > MAX_BEFORE_S) return 'A reminder is at most 4 weeks before.';
}

// a list of reminders: the message, or undefined
export function remindersProblem(keys: string[], hasDue: boolean): string | undefined {
  if (keys.length > MAX_REMINDERS) return `A task has at most ${MAX_REMINDERS} reminders.`;
  if (!hasDue && keys.some(isRelative)) return 'Set a due date for reminders before it, or remove them.';
}
