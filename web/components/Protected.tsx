'use client';
// Renders its children once the user is known; loading and error states
// otherwise (a missing session goes to log in through api.ts).

import { useEffect, useState } from 'react';
import { hadSession, type User } from '@/lib/api';
import { useRequireUser } from '@/lib/session';

// optimistic: a page that does not need the user's data starts its own
// requests at once when this browser had a session (they go through the
// same 401 handling), instead of after GET /api/users/me
export default function Protected({
  children,
  optimistic,
}: {
  children: (user: User | null) => React.ReactNode;
  optimistic?: boolean;
}) {
  const s = useRequireUser();
  const [early, setEarly] = useState(false);
  useEffect(() => setEarly(!!optimistic && hadSession()), [optimistic]);
  if (s.user || (early && s.status !== 'error')) return <>{children(s.user)}</>;
  if (s.status === 'error') {
    return (
      <div className="panel" role="alert">
        <p>Could not load your account. {s.error}</p>
        <button type="button" className="btn" onClick={s.load}>
          Try again
        </button>
      </div>
    );
  }
  return (
    <p className="loading" role="status">
      <span className="spinner" aria-hidden="true" />
      Loading…
    </p>
  );
}
