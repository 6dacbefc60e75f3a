'use client';
// The profile's last card: "Delete account".  The dialog (typed
// confirmation and the password) loads only when asked for, so the
// profile's first load stays small.

import { lazy, Suspense, useState } from 'react';

const DeleteAccountDialog = lazy(() => import('./DeleteAccountDialog'));

export default function DeleteAccount({ email }: { email: string }) {
  const [open, setOpen] = useState(false);
  return (
    <section className="form card" aria-labelledby="da-head">
      <h2 id="da-head">Delete account</h2>
      <p className="hint">Your profile, lists, tasks and notifications are deleted for good, and you are logged out everywhere.</p>
      <div className="actions">
        <button type="button" className="btn danger" onClick={() => setOpen(true)}>
          Delete account…
        </button>
      </div>
      {open && (
        <Suspense fallback={null}>
          <DeleteAccountDialog email={email} onClose={() => setOpen(false)} />
        </Suspense>
      )}
    </section>
  );
}
