'use client';
// "Calendar feed": a secret URL a calendar app subscribes to.  The server
// keeps only the URL's hash, so it is shown once, when made: a new one
// replaces any before it, "Turn off" revokes it.

import { useState } from 'react';
import { api, errorText } from '@/lib/api';

export default function CalendarFeed() {
  const [url, setUrl] = useState('');
  const [status, setStatus] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  const run = async (work: () => Promise<void>) => {
    setError('');
    setStatus('');
    setBusy(true);
    try {
      await work();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  const make = () =>
    run(async () => {
      const d = await api<{ url: string }>('/api/users/me/calendar', { method: 'POST' });
      setStatus(url ? 'A new URL is made; the old one no longer works.' : 'Your feed URL is ready.');
      setUrl(d.url);
    });

  const off = () =>
    run(async () => {
      await api('/api/users/me/calendar', { method: 'DELETE' });
      setUrl('');
      setStatus('The calendar feed is off; no URL works any more.');
    });

  const copy = () =>
    run(async () => {
      await navigator.clipboard.writeText(url);
      setStatus('Copied.');
    });

  return (
    <section className="form card" aria-labelledby="cal-head">
      <h2 id="cal-head">Calendar feed</h2>
      <p className="hint">
        Your tasks with a due date in Google Calendar, Apple Calendar or Thunderbird: subscribe to a secret URL. Anyone who has it
        can read your tasks; a new URL turns the old one off.
      </p>
      {error && (
        <p className="notice" role="alert">
          {error}
        </p>
      )}
      {url && (
        <p className="readonly">
          <label className="label" htmlFor="cal-url">
            Feed URL
          </label>{' '}
          <input id="cal-url" data-testid="calendar-url" readOnly value={url} onFocus={(e) => e.target.select()} />
        </p>
      )}
      <div className="actions">
        {url && (
          <button type="button" className="btn" disabled={busy} onClick={copy}>
            Copy URL
          </button>
        )}
        <button type="button" className="btn" disabled={busy} onClick={make}>
          {url ? 'New URL' : 'Get feed URL'}
        </button>
        <button type="button" className="btn danger" disabled={busy} onClick={off}>
          Turn off
        </button>
        <p className="saved" role="status">
          {status}
        </p>
      </div>
    </section>
  );
}
