'use client';
// A page that throws while rendering: a message and a way on, inside the
// site's header (the layout stays), instead of a blank screen.

import Link from 'next/link';
import { useEffect } from 'react';

export default function PageError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  return (
    <div className="empty" role="alert">
      <h1>Something went wrong</h1>
      <p>This page ran into a problem. Try again, or go back to your tasks.</p>
      <button type="button" className="btn primary" onClick={reset}>
        Try again
      </button>{' '}
      <Link href="/tasks" className="btn">
        Go to your tasks
      </Link>
    </div>
  );
}
