'use client';
// /login and /register are for people who are not logged in: someone who
// is goes on (to ?next= or the tasks).  Asked only when this browser had a
// session, so a visitor's page makes no request that answers 401.

import { useRouter } from 'next/navigation';
import { useEffect, useRef } from 'react';
import { api, hadSession, type User } from '@/lib/api';
import { useSession } from '@/lib/session';

export function useLeaveIfLoggedIn(next: () => string) {
  const router = useRouter();
  const { setUser } = useSession();
  const where = useRef(next);
  useEffect(() => {
    if (!hadSession()) return;
    let alive = true;
    api<{ user: User }>('/api/users/me', { noRedirect: true })
      .then((d) => {
        if (!alive) return;
        setUser(d.user);
        router.replace(where.current());
      })
      .catch(() => undefined);
    return () => {
      alive = false;
    };
  }, [router, setUser]);
}
