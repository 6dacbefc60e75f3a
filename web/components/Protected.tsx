'use client';
// Renders its children once the user is known; loading and error states
// otherwise (a missing session goes to log in through api.ts).

import { useEffect, useState } from 'react';
import { hadSession, type User } from '@/lib/api';
import { useRequireUser } from '@/lib/session';

// set once a page has hydrated: the next ones are rendered in the browser
let hydrated = false;

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
  // while the page's HTML hydrates, the first render is the server's
  // (Loading…) whatever is known by then: a user that arrived before this
  // boundary hydrated would otherwise make it differ (React #418); later
  // pages (in-app navigation) render at once
  const [mounted, setMounted] = useState(hydrated);
  useEffect(() => {
    hydrated = true;
    setMounted(true);
    setEarly(!!optimistic && hadSession());
  }, [optimistic]);
  if (mounted && (s.user || (early && s.status !== 'error'))) return <>{children(s.user)}</>;
  if (mounted && s.status === 'error') {
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
