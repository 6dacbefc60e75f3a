// Dates: the API speaks UTC (RFC 3339, seconds), people their local time.

const pad = (n: number) => String(n).padStart(2, '0');

export function toApi(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

// "YYYY-MM-DD" and "HH:MM" (local) -> UTC; an empty time is the end of that day
export function fromLocal(date: string, time: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return null;
  const t = /^(\d{2}):(\d{2})$/.exec(time);
  const d = t
    ? new Date(+m[1], +m[2] - 1, +m[3], +t[1], +t[2], 0)
    : new Date(+m[1], +m[2] - 1, +m[3], 23, 59, 0);
  return isNaN(d.getTime()) ? null : toApi(d);
}

// a due date entered without a time is stored as 23:59 local (fromLocal):
// shown, it is a day, not a time nobody chose
export function isDateOnly(iso: string): boolean {
  const d = new Date(iso);
  return d.getHours() === 23 && d.getMinutes() === 59;
}

export function toLocalParts(iso: string | null): { date: string; time: string } {
  if (!iso) return { date: '', time: '' };
  const d = new Date(iso);
  return {
    date: `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`,
    time: isDateOnly(iso) ? '' : `${pad(d.getHours())}:${pad(d.getMinutes())}`,
  };
}

export function localDay(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

export function dayStart(date: string): string | null {
  return fromLocal(date, '00:00');
}

export function dayEnd(date: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return null;
  return toApi(new Date(+m[1], +m[2] - 1, +m[3], 23, 59, 59));
}

export function timeZone(): string {
  return ianaZone() ?? 'local time';
}

// the browser's IANA zone ("Europe/Paris"), if it says
export function ianaZone(): string | null {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || null;
  } catch {
    return null;
  }
}

const dateTime = new Intl.DateTimeFormat(undefined, {
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  hour: 'numeric',
  minute: '2-digit',
});
const dateTimeYear = new Intl.DateTimeFormat(undefined, {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
});
const dateOnly = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short' });
const dateOnlyYear = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric' });
const timeOnly = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });

// dueDate: a date-only due date shows as the day alone
export function formatDateTime(iso: string, dueDate = false): string {
  const d = new Date(iso);
  const thisYear = d.getFullYear() === new Date().getFullYear();
  if (dueDate && isDateOnly(iso)) return (thisYear ? dateOnly : dateOnlyYear).format(d);
  return (thisYear ? dateTime : dateTimeYear).format(d);
}

export function formatTime(iso: string): string {
  return timeOnly.format(new Date(iso));
}

export type DueState = 'none' | 'overdue' | 'today' | 'soon' | 'later' | 'done';

export function dueState(due: string | null, completed: boolean, now = new Date()): DueState {
  if (!due) return 'none';
  if (completed) return 'done';
  const d = new Date(due);
  const ms = d.getTime() - now.getTime();
  if (ms < 0) return 'overdue';
  if (localDay(d) === localDay(now)) return 'today';
  if (ms <= 24 * 3600 * 1000) return 'soon';
  return 'later';
}

const rel = typeof Intl.RelativeTimeFormat === 'function' ? new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' }) : null;

export function ago(iso: string, now = new Date()): string {
  const s = Math.round((new Date(iso).getTime() - now.getTime()) / 1000);
  const a = Math.abs(s);
  if (!rel) return formatDateTime(iso);
  if (a < 60) return rel.format(s, 'second');
  if (a < 3600) return rel.format(Math.round(s / 60), 'minute');
  if (a < 86400) return rel.format(Math.round(s / 3600), 'hour');
  if (a < 7 * 86400) return rel.format(Math.round(s / 86400), 'day');
  return formatDateTime(iso);
}
