// Repeating tasks: the RRULE subset the API takes (RFC 5545: FREQ,
// INTERVAL, BYDAY, BYMONTHDAY, BYMONTH, COUNT, UNTIL; upper case, without
// "RRULE:", UNTIL a date like 20271231), read, built and said in plain
// words ("Every 2 weeks on Mon and Thu").  Pure: no React, no window.

export type Freq = 'DAILY' | 'WEEKLY' | 'MONTHLY' | 'YEARLY';
export const DAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;
export type Day = (typeof DAYS)[number];

export interface Rule {
  freq: Freq;
  interval: number;
  // "MO", or with an ordinal in a month or year: "2TU", "-1FR"
  byDay: string[];
  // 1 to 31, -1 the last day
  byMonthDay: number[];
  // 1 to 12
  byMonth: number[];
  count: number | null;
  // "YYYYMMDD"
  until: string | null;
}

export const DAY_SHORT: Record<Day, string> = { MO: 'Mon', TU: 'Tue', WE: 'Wed', TH: 'Thu', FR: 'Fri', SA: 'Sat', SU: 'Sun' };
const DAY_LONG: Record<Day, string> = { MO: 'Monday', TU: 'Tuesday', WE: 'Wednesday', TH: 'Thursday', FR: 'Friday', SA: 'Saturday', SU: 'Sunday' };
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const UNIT: Record<Freq, string> = { DAILY: 'day', WEEKLY: 'week', MONTHLY: 'month', YEARLY: 'year' };
export const WEEKDAYS: Day[] = ['MO', 'TU', 'WE', 'TH', 'FR'];

const BYDAY = /^([+-]?[1-5])?(MO|TU|WE|TH|FR|SA|SU)$/;

export const rule = (freq: Freq, more: Partial<Rule> = {}): Rule => ({
  freq,
  interval: 1,
  byDay: [],
  byMonthDay: [],
  byMonth: [],
  count: null,
  until: null,
  ...more,
});

const ints = (v: string, lo: number, hi: number, zeroOk = false): number[] | null => {
  const out: number[] = [];
  for (const p of v.split(',')) {
    if (!/^[+-]?\d{1,2}$/.test(p)) return null;
    const n = Number(p);
    if ((!zeroOk && n === 0) || n < lo || n > hi) return null;
    out.push(n);
  }
  return out;
};

// a rule string of the subset, or null for anything else
export function parseRule(s: string): Rule | null {
  const r = rule('DAILY');
  let freq = false;
  const seen = new Set<string>();
  for (const part of s.trim().toUpperCase().replace(/^RRULE:/, '').split(';')) {
    const [k, v, extra] = part.split('=');
    if (!k || !v || extra !== undefined || seen.has(k)) return null;
    seen.add(k);
    if (k === 'FREQ') {
      if (!['DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY'].includes(v)) return null;
      r.freq = v as Freq;
      freq = true;
    } else if (k === 'INTERVAL' || k === 'COUNT') {
      if (!/^\d{1,4}$/.test(v) || Number(v) < 1) return null;
      if (k === 'INTERVAL') r.interval = Number(v);
      else r.count = Number(v);
    } else if (k === 'BYDAY') {
      const days = v.split(',');
      if (!days.every((d) => BYDAY.test(d))) return null;
      r.byDay = days.map((d) => d.replace(/^\+/, ''));
    } else if (k === 'BYMONTHDAY') {
      const n = ints(v, -31, 31);
      if (!n) return null;
      r.byMonthDay = n;
    } else if (k === 'BYMONTH') {
      const n = ints(v, 1, 12);
      if (!n) return null;
      r.byMonth = n;
    } else if (k === 'UNTIL') {
      const m = /^(\d{8})(T\d{6}Z?)?$/.exec(v);
      if (!m) return null;
      r.until = m[1];
    } else {
      return null;
    }
  }
  if (!freq || (r.count !== null && r.until !== null)) return null;
  return r;
}

// the rule as the API takes it
export function buildRule(r: Rule): string {
  const parts = ['FREQ=' + r.freq];
  if (r.interval > 1) parts.push('INTERVAL=' + r.interval);
  if (r.byMonth.length) parts.push('BYMONTH=' + r.byMonth.join(','));
  if (r.byMonthDay.length) parts.push('BYMONTHDAY=' + r.byMonthDay.join(','));
  if (r.byDay.length) parts.push('BYDAY=' + r.byDay.join(','));
  if (r.count !== null) parts.push('COUNT=' + r.count);
  else if (r.until) parts.push('UNTIL=' + r.until);
  return parts.join(';');
}

// "Mon, Wed and Fri"
export function list(words: string[]): string {
  if (words.length < 2) return words.join('');
  return words.slice(0, -1).join(', ') + ' and ' + words[words.length - 1];
}

export function ordinal(n: number): string {
  if (n === -1) return 'last';
  if (n === -2) return 'second to last';
  if (n < 0) return `${ordinal(-n)} to last`;
  const s = n % 100 >= 11 && n % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return n + s;
}

// "2TU" -> "2nd Tuesday", "-1FR" -> "last Friday", "MO" -> "Mon"
function dayWords(d: string, long: boolean): string {
  const m = BYDAY.exec(d);
  if (!m) return d;
  const day = m[2] as Day;
  return m[1] ? `${ordinal(Number(m[1]))} ${DAY_LONG[day]}` : long ? DAY_LONG[day] : DAY_SHORT[day];
}

const monthDayWords = (n: number) => (n === -1 ? 'the last day' : n < 0 ? `the ${ordinal(-n)} to last day` : `day ${n}`);

// "20271231" -> "Dec 31, 2027"
export function untilWords(until: string): string {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(until);
  if (!m) return until;
  return `${MONTHS[Number(m[2]) - 1]?.slice(0, 3) ?? m[2]} ${Number(m[3])}, ${m[1]}`;
}

// the rule in plain words: "Every 2 weeks on Mon and Thu, 10 times"
export function describeRule(r: Rule): string {
  const unit = UNIT[r.freq];
  let s = r.interval > 1 ? `Every ${r.interval} ${unit}s` : `Every ${unit}`;
  const plainDays = r.byDay.every((d) => /^[A-Z]{2}$/.test(d));
  if (r.freq === 'WEEKLY' && r.interval === 1 && r.byDay.length === 5 && WEEKDAYS.every((d) => r.byDay.includes(d))) {
    s = 'Every weekday';
  } else if (r.freq === 'DAILY' && r.interval === 1 && r.byDay.length) {
    s = 'Every ' + list(DAYS.filter((d) => r.byDay.includes(d)).map((d) => DAY_LONG[d]));
  } else {
    if (r.byMonth.length) s += ' in ' + list(r.byMonth.map((m) => MONTHS[m - 1]));
    if (r.byMonthDay.length) s += ' on ' + list(r.byMonthDay.map(monthDayWords));
    if (r.byDay.length) {
      // plain days in the week's order; with ordinals as given
      const days = plainDays ? DAYS.filter((d) => r.byDay.includes(d)) : r.byDay;
      const words = days.map((d) => dayWords(d, r.freq !== 'WEEKLY' && r.freq !== 'DAILY'));
      s += ' on ' + (plainDays ? '' : 'the ') + list(words);
    }
  }
  if (r.count !== null) s += r.count === 1 ? ', once' : `, ${r.count} times`;
  else if (r.until) s += ', until ' + untilWords(r.until);
  return s;
}

// a rule string in plain words; one outside the subset as it is
export function describe(s: string): string {
  const r = parseRule(s);
  return r ? describeRule(r) : s;
}

// ---- what the picker offers ------------------------------------------------

export type Kind = 'none' | 'daily' | 'weekdays' | 'weekly' | 'monthly' | 'yearly' | 'custom';

export const KIND_TEXT: Record<Kind, string> = {
  none: 'Does not repeat',
  daily: 'Daily',
  weekdays: 'Every weekday (Mon to Fri)',
  weekly: 'Weekly',
  monthly: 'Monthly',
  yearly: 'Yearly',
  custom: 'Custom',
};

// which of the picker's choices a rule is (custom: the rest)
export function kindOf(r: Rule | null): Kind {
  if (!r) return 'none';
  if (r.interval !== 1 || r.byMonth.length) return 'custom';
  const noDays = !r.byDay.length && !r.byMonthDay.length;
  if (r.freq === 'DAILY' && noDays) return 'daily';
  if (r.freq === 'WEEKLY' && !r.byMonthDay.length) {
    const plain = r.byDay.every((d) => /^[A-Z]{2}$/.test(d));
    if (r.byDay.length === 5 && WEEKDAYS.every((d) => r.byDay.includes(d))) return 'weekdays';
    return plain ? 'weekly' : 'custom';
  }
  if (r.freq === 'MONTHLY' && r.byMonthDay.length + r.byDay.length <= 1 && !r.byDay.some((d) => /^[A-Z]{2}$/.test(d))) return 'monthly';
  if (r.freq === 'YEARLY' && noDays) return 'yearly';
  return 'custom';
}

// the weekday of a local date ("MO"), and its place in the month: the
// 2nd Tuesday is "2TU", a day in the month's last 7 the last ("-1FR")
export function dayOf(d: Date): Day {
  return DAYS[(d.getDay() + 6) % 7];
}
export function nthDayOf(d: Date): string {
  const last = new Date(d.getFullYear(), d.getMonth() + 1, 0).getDate();
  const n = d.getDate() + 7 > last ? -1 : Math.ceil(d.getDate() / 7);
  return `${n}${dayOf(d)}`;
}

// a kind's rule, its details from the due date (a local Date), keeping
// the end of the rule before
export function ruleFor(kind: Kind, due: Date, before: Rule | null): Rule | null {
  const keep = { count: before?.count ?? null, until: before?.until ?? null };
  switch (kind) {
    case 'none':
      return null;
    case 'daily':
      return rule('DAILY', keep);
    case 'weekdays':
      return rule('WEEKLY', { ...keep, byDay: [...WEEKDAYS] });
    case 'weekly':
      return rule('WEEKLY', { ...keep, byDay: [dayOf(due)] });
    case 'monthly':
      return rule('MONTHLY', { ...keep, byMonthDay: [due.getDate()] });
    case 'yearly':
      return rule('YEARLY', keep);
    case 'custom':
      return before ? { ...before } : rule('WEEKLY', { interval: 2, byDay: [dayOf(due)] });
  }
}

// a rule with its frequency changed, the details fitting the new one
export function withFreq(r: Rule, freq: Freq, due: Date): Rule {
  if (freq === r.freq) return r;
  const base = { interval: r.interval, count: r.count, until: r.until };
  if (freq === 'WEEKLY') return rule(freq, { ...base, byDay: [dayOf(due)] });
  if (freq === 'MONTHLY') return rule(freq, { ...base, byMonthDay: [due.getDate()] });
  return rule(freq, base);
}

// a check of what the picker made: the message, or undefined
export function ruleProblem(r: Rule): string | undefined {
  if (!Number.isInteger(r.interval) || r.interval < 1 || r.interval > 999) return 'Repeat every 1 to 999 days, weeks, months or years.';
  if (r.count !== null && (!Number.isInteger(r.count) || r.count < 1 || r.count > 999)) return 'End after 1 to 999 times.';
  if (r.until !== null && !/^\d{8}$/.test(r.until)) return 'Choose the date it ends on.';
}
