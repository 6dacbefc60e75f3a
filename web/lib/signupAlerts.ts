// The alert channels chosen at registration.  Registration takes none, so
// they wait here (localStorage, with the email) until the new account's
// first log in, in this flow or, after a reload between the code and the
// log in, on the log-in page; then one PATCH /api/users/me.  A failed
// PATCH leaves the server's defaults, which the profile shows and the
// empty task list names.

import { api, type User } from './api';

const KEY = 'tm_signup_alerts';

interface Pending {
  email: string;
  alerts: User['notificationPreferences'];
}

export function keepSignupAlerts(email: string, alerts: Pending['alerts']) {
  try {
    localStorage.setItem(KEY, JSON.stringify({ email: email.trim().toLowerCase(), alerts }));
  } catch {
    /* storage disabled: the defaults stay */
  }
}

// after a log in: the user as saved with the channels, if some were waiting
export async function applySignupAlerts(u: User): Promise<User> {
  let p: Pending | null = null;
  try {
    p = JSON.parse(localStorage.getItem(KEY) ?? 'null') as Pending | null;
  } catch {
    p = null;
  }
  if (!p || p.email !== u.email.toLowerCase()) return u;
  try {
    localStorage.removeItem(KEY);
  } catch {
    /* ignore */
  }
  const now = u.notificationPreferences;
  const want = { email: p.alerts.email, sms: p.alerts.sms && !!u.phoneNumber };
  if (now.email === want.email && now.sms === want.sms) return u;
  return api<{ user: User }>('/api/users/me', { method: 'PATCH', body: { notificationPreferences: want } })
    .then((d) => d.user)
    .catch(() => u);
}
