'use client';
// "/": to the tasks when this browser had a session, else to log in
// (the tasks page itself checks the session)

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect } from 'react';

export default function Home() {
  const router = useRouter();
  useEffect(() => {
    let had = false;
    try {
      had = localStorage.getItem('tm_session') === '1';
    } catch {
      /* no storage */
    }
    router.replace(had ? '/tasks' : '/login');
  }, [router]);
  return (
    <div className="empty">
      <h1>taskmgr</h1>
      <p>
        Your tasks, due dates and reminders. <Link href="/login">Log in</Link> or <Link href="/register">create an account</Link>.
      </p>
    </div>
  );
}
