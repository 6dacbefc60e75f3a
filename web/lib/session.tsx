'use client';
// Who is logged in, shared by the header and the pages.  The cookies are
// HttpOnly: the only way to know is GET /api/users/me (a 401 there goes
// through api.ts: one refresh, then log in).

import { createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { api, errorText, isSessionRedirect, markSession, type User } from './api';

type Status = 'unknown' | 'loading' | 'in' | 'error';

interface Session {
  user: User | null;
  status: Status;
  error: string | null;
  setUser: (u: User | null) => void;
  load: () => void;
}

const Ctx = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: React.ReactNode }) {
  const [user, setUserState] = useState<User | null>(null);
  const [status, setStatus] = useState<Status>('unknown');
  const [error, setError] = useState<string | null>(null);

  const setUser = useCallback((u: User | null) => {
    setUserState(u);
    setStatus(u ? 'in' : 'unknown');
    setError(null);
    if (u) markSession(true);
  }, []);

  const load = useCallback(() => {
    setStatus('loading');
    setError(null);
    api<{ user: User }>('/api/users/me')
      .then((d) => setUser(d.user))
      .catch((e) => {
        // the session ended: api.ts is already on its way to the log-in page
        if (isSessionRedirect(e)) return;
        setStatus('error');
        setError(errorText(e));
      });
  }, [setUser]);

  const value = useMemo(() => ({ user, status, error, setUser, load }), [user, status, error, setUser, load]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useSession(): Session {
  const s = useContext(Ctx);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}

// pages that need a user: loads it once per page load
export function useRequireUser(): Session {
  const s = useSession();
  useEffect(() => {
    if (s.status === 'unknown') s.load();
  }, [s]);
  return s;
}
