// The API's rules for what people type, checked in the browser first so
// that every problem shows at once, in words (the server checks again:
// common/tm_validate.c is the authority).  Each check returns the message
// for its field, or undefined when the value is fine.

export const TITLE_MAX = 200;
export const DESCRIPTION_MAX = 5000;
export const NAME_MAX = 100;
const EMAIL_MAX = 254;
const PASSWORD_MIN = 12;
const PASSWORD_MAX = 256;

// characters as people count them (code points, not UTF-16 units)
export const charCount = (s: string) => [...s].length;

export function nameProblem(s: string, which: 'first' | 'last'): string | undefined {
  if (!s.trim()) return `Enter your ${which} name.`;
  if (charCount(s.trim()) > NAME_MAX) return `Use at most ${NAME_MAX} characters.`;
}

const LOCAL = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

export function emailProblem(s: string): string | undefined {
  const e = s.trim().toLowerCase();
  if (!e) return 'Enter your email address.';
  const at = e.indexOf('@');
  const local = e.slice(0, at);
  const labels = e.slice(at + 1).split('.');
  const ok =
    e.length <= EMAIL_MAX &&
    at > 0 &&
    local.length <= 64 &&
    LOCAL.test(local) &&
    labels.length >= 2 &&
    labels.every((l) => LABEL.test(l)) &&
    /^[a-z]{2,}$/.test(labels[labels.length - 1]);
  return ok ? undefined : 'Enter an email address like name@example.com.';
}

export const PASSWORD_RULE = 'At least 12 characters, with an upper-case and a lower-case letter, a digit and a symbol.';

export function passwordProblem(s: string): string | undefined {
  if (!s) return 'Choose a password.';
  const n = charCount(s);
  const ok =
    n >= PASSWORD_MIN &&
    n <= PASSWORD_MAX &&
    !s.startsWith(' ') &&
    !s.endsWith(' ') &&
    /[A-Z]/.test(s) &&
    /[a-z]/.test(s) &&
    /[0-9]/.test(s) &&
    /[^A-Za-z0-9]/.test(s) &&
    !/[\x00-\x1f\x7f]/.test(s);
  return ok ? undefined : `Choose a stronger password: ${PASSWORD_RULE.charAt(0).toLowerCase()}${PASSWORD_RULE.slice(1)}`;
}

export const PHONE_HINT = 'International format, like +14155550123. Needed for SMS.';

// what is sent: the number without spaces, brackets or dashes
export const phoneValue = (s: string) => s.replace(/[\s()-]/g, '');

// optional: empty is fine
export function phoneProblem(s: string): string | undefined {
  const p = phoneValue(s);
  if (!p) return undefined;
  return /^\+[1-9][0-9]{6,14}$/.test(p) ? undefined : 'Enter the number in international format, starting with + and the country code, like +14155550123.';
}

// over the limit: refused, never cut
export function lengthProblem(s: string, max: number, what: string): string | undefined {
  const over = charCount(s) - max;
  if (over > 0) return `The ${what} is ${over} character${over === 1 ? '' : 's'} too long: use at most ${max.toLocaleString('en-US')}.`;
}

// the years the API accepts in a date (RFC 3339, from 1970)
export function dateProblem(date: string): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return 'Enter a valid date.';
  const y = +m[1];
  if (y < 1970 || y > 9999) return 'Enter a date from 1970 on.';
}

// "185 of 200 characters.", once a text is near its limit (80 %); past
// it, by how much
export function countHint(value: string, max: number): string | undefined {
  const n = charCount(value);
  if (n < max * 0.8) return undefined;
  const f = (x: number) => x.toLocaleString('en-US');
  return n > max ? `${f(n)} of ${f(max)} characters: ${f(n - max)} too many.` : `${f(n)} of ${f(max)} characters.`;
}
