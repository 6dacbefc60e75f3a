'use client';
// Shown under the header when the browser's time zone is not the
// profile's (a trip, a move): take the browser's, or keep the profile's
// (not asked again for this pair).  Loaded only then.

import { useState } from 'react';
import { api, errorText, isSessionRedirect, type User } from '@/lib/api';
import { useSession } from '@/lib/session';

export const KEPT = 'tm_zone_kept';

export default function ZoneNudge({ browser, profile }: { browser: string; profile: string }) {
  const { setUser } = useSession();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [gone, setGone] = useState(false);
  if (gone) return null;

  const use = async () => {
    setBusy(true);
    setError(null);
    try {
      setUser((await api<{ user: User }>('/api/users/me', { method: 'PATCH', body: { timeZone: browser } })).user);
    } catch (e) {
      if (!isSessionRedirect(e)) setError(errorText(e));
      setBusy(false);
    }
  };
  const keep = () => {
    try {
      localStorage.setItem(KEPT, browser + '|' + profile);
    } catch {
      /* storage disabled: asked again next time */
    }
    setGone(true);
  };

  return (
    <div className="notice zone-nudge" role="status">
      <span>
        This browser is in {browser}, your profile in {profile}: reminders, repeating tasks and the digest follow the profile.
        {error && <strong> {error}</strong>}
      </span>
      <span className="actions">
        <button type="button" className="btn small" onClick={use} disabled={busy}>
          Use {browser}
        </button>
        <button type="button" className="btn small ghost" onClick={keep} disabled={busy}>
          Keep {profile}
        </button>
      </span>
    </div>
  );
}
