// The one way the app talks to /api: same origin, the session in HttpOnly
// cookies, X-Requested-With on every write (the API's CSRF check), JSON in
// and out.  A 401 gets one silent POST /api/users/refresh and one retry;
// if that fails too the session is over: back to log in with a message
// (forms keep their drafts in sessionStorage, see drafts.ts).

export interface ApiErrorBody {
  code: string;
  message: string;
  field?: string;
}

export class ApiError extends Error {
  status: number;
  code: string;
  field?: string;
  constructor(status: number, body: ApiErrorBody) {
    super(body.message);
    this.status = status;
    this.code = body.code;
    this.field = body.field;
  }
}

// what request() throws once a session could not be renewed: the page is
// already on its way to log in, so it shows no error of its own (a 401 of
// an anonymous request, a wrong password, is a plain ApiError: an answer)
export class SessionExpired extends ApiError {
  constructor() {
    super(401, { code: 'session_expired', message: 'Your session has expired. Please log in again.' });
  }
}

export function isSessionRedirect(e: unknown): e is SessionExpired {
  return e instanceof SessionExpired;
}

export interface User {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  phoneNumber: string | null;
  // SMS go only to a verified number (POST /api/users/me/phone/verify, /confirm)
  phoneVerified?: boolean;
  // email and sms: the master switches; completedEmail and completedSms:
  // one's own completions by email and SMS too (else in-app only)
  notificationPreferences: { email: boolean; sms: boolean; completedEmail?: boolean; completedSms?: boolean };
  // IANA ("Europe/Berlin"): occurrences, digest and quiet hours are there
  timeZone?: string;
  defaultReminders?: ReminderInput[];
  // local "HH:MM", may wrap midnight
  quietHours?: { start: string; end: string } | null;
  digest?: { enabled: boolean; time: string };
  createdAt: string;
  updatedAt: string;
  lastLogin: string | null;
  // two-factor sign-in (an authenticator app) is on
  mfaEnabled?: boolean;
}

export type TaskStatus = 'pending' | 'in_progress' | 'completed';

export interface Task {
  id: string;
  title: string;
  description: string;
  status: TaskStatus;
  dueDate: string | null;
  createdAt: string;
  updatedAt: string;
  completedAt: string | null;
  notificationSent: boolean;
  version: number;
  // "inbox" or one of the user's lists
  listId: string;
  labels: string[];
  // 1 (highest) to 4 (the default)
  priority: Priority;
  reminders?: Reminder[];
  repeat?: Repeat | null;
  lastCompletedAt?: string | null;
  // GET /api/tasks/{id} only: the next due dates of a repeating task
  nextOccurrences?: string[];
}

// before the due date (ISO 8601 duration) or at a time (RFC 3339)
export type ReminderInput = { before: string } | { at: string };

export type Reminder = ReminderInput & {
  id: string;
  // UTC, computed by the server
  fireAt: string | null;
  state: 'pending' | 'sent' | 'cancelled';
};

export interface Repeat {
  // RFC 5545 RRULE, the subset of lib/repeat.ts
  rule: string;
  from: 'due' | 'completion';
}

export type Priority = 1 | 2 | 3 | 4;

export interface TaskList {
  id: string;
  name: string;
  color: string;
  position: number;
  // tasks not completed
  taskCount: number;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export interface Label {
  name: string;
  taskCount: number;
}

export interface Notification {
  id: string;
  type: 'task_due' | 'task_completed' | 'sms_paused';
  taskId: string;
  taskTitle: string;
  message: string;
  createdAt: string;
  read: boolean;
  expiresAt: string;
  // task_due: the reminder that fired and the task's due date then
  reminderId?: string;
  dueDate?: string | null;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

// a non-secret hint that this browser had a session: it tells "your
// session expired" from "please log in" (the cookies are HttpOnly)
const MARK = 'tm_session';

export function markSession(on: boolean) {
  try {
    if (on) localStorage.setItem(MARK, '1');
    else localStorage.removeItem(MARK);
  } catch {
    /* storage disabled: only the message differs */
  }
}

export function hadSession(): boolean {
  try {
    return localStorage.getItem(MARK) === '1';
  } catch {
    return false;
  }
}

let refreshing: Promise<boolean> | null = null;

function refresh(): Promise<boolean> {
  if (!refreshing) {
    refreshing = fetch('/api/users/refresh', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'X-Requested-With': 'fetch' },
    })
      .then((r) => r.ok)
      .catch(() => false)
      .finally(() => {
        // concurrent 401s share one refresh; the next expiry gets its own
        setTimeout(() => (refreshing = null), 1000);
      });
  }
  return refreshing;
}

let leaving = false;

// where a page goes when the session cannot be renewed
export function toLogin(reason: 'expired' | 'required') {
  if (leaving || typeof window === 'undefined') return;
  leaving = true;
  const here = location.pathname + location.search;
  const why = reason === 'expired' && hadSession() ? 'expired' : 'required';
  markSession(false);
  location.assign(`/login?reason=${why}&next=${encodeURIComponent(here)}`);
}

interface Options {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  body?: unknown;
  headers?: Record<string, string>;
  // login, register, confirm: a 401 there is an answer, not an expiry
  anonymous?: boolean;
  // a question ("is anyone logged in?"): refresh and retry as usual, but a
  // final 401 is only thrown, the page stays
  noRedirect?: boolean;
  signal?: AbortSignal;
}

export interface Reply<T> {
  status: number;
  data: T;
  headers: Headers;
}

async function send(path: string, o: Options): Promise<Response> {
  const method = o.method ?? 'GET';
  const headers: Record<string, string> = { Accept: 'application/json', ...o.headers };
  if (method !== 'GET') headers['X-Requested-With'] = 'fetch';
  let body: string | undefined;
  if (o.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(o.body);
  }
  try {
    return await fetch(path, { method, headers, body, credentials: 'same-origin', signal: o.signal, cache: 'no-store' });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiError(0, { code: 'network', message: 'Cannot reach the server. Check your connection and try again.' });
  }
}

export async function request<T = unknown>(path: string, o: Options = {}): Promise<Reply<T>> {
  let res = await send(path, o);
  if (res.status === 401 && !o.anonymous) {
    if (await refresh()) res = await send(path, o);
    if (res.status === 401 && !o.noRedirect) {
      toLogin('expired');
      throw new SessionExpired();
    }
  }
  const text = res.status === 204 ? '' : await res.text();
  let data: unknown = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!res.ok) {
    const err = (data as { error?: ApiErrorBody } | null)?.error;
    throw new ApiError(
      res.status,
      err && typeof err.message === 'string'
        ? err
        : { code: 'http_' + res.status, message: statusMessage(res.status) },
    );
  }
  return { status: res.status, data: data as T, headers: res.headers };
}

export async function api<T = unknown>(path: string, o: Options = {}): Promise<T> {
  return (await request<T>(path, o)).data;
}

function statusMessage(status: number): string {
  if (status === 404) return 'Not found.';
  if (status === 429) return 'Too many attempts. Wait a moment and try again.';
  if (status >= 500) return 'The server is having trouble. Try again in a moment.';
  return `The request failed (HTTP ${status}).`;
}

// the API's messages are lower-case phrases ("the code is wrong or has
// expired"): as a sentence, in the app's voice where the code is known
const CODE_TEXT: Record<string, string> = {
  invalid_credentials: 'The email or password is incorrect.',
  email_taken: 'An account with this email already exists. Log in instead.',
  invalid_code: 'The code is wrong or has expired. Check the latest email.',
  not_found: 'This no longer exists.',
  duplicate_name: 'You already have a list with this name.',
  too_many_lists: 'You have 200 lists, the most there can be. Delete one first.',
  inbox_is_permanent: 'The Inbox cannot be deleted.',
  not_snoozable: 'This task is completed or gone: there is nothing to snooze.',
};

export function sentence(s: string): string {
  const m = s.charAt(0).toUpperCase() + s.slice(1);
  return /[.!?]$/.test(m) ? m : m + '.';
}

export function errorText(e: unknown): string {
  if (e instanceof ApiError) return CODE_TEXT[e.code] ?? sentence(e.message);
  return 'Something went wrong. Try again.';
}

// worth a "Try again": the network, throttling or the server, not the request
export const isRetryable = (e: unknown) => !(e instanceof ApiError) || e.status === 0 || e.status === 429 || e.status >= 500;

// the bell and the history page listen to this after a change
export const NOTIFICATIONS_CHANGED = 'tm:notifications-changed';
export function notificationsChanged() {
  window.dispatchEvent(new Event(NOTIFICATIONS_CHANGED));
}
