'use client';
// "Download my data": the export as JSON or the tasks as CSV.  The browser
// downloads the API's attachment itself (streamed, never held in the
// page); the session is checked first so that an expired access cookie is
// refreshed rather than downloaded as an error.

import { useState } from 'react';
import { api, errorText } from '@/lib/api';

const FORMATS = [
  { format: 'json', label: 'Everything (JSON)' },
  { format: 'csv', label: 'Tasks (CSV)' },
] as const;

export default function ExportData() {
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  const download = async (format: string) => {
    setError('');
    setBusy(true);
    try {
      await api('/api/users/me');
      const a = document.createElement('a');
      a.href = `/api/users/me/export?format=${format}`;
      a.download = '';
      document.body.appendChild(a);
      a.click();
      a.remove();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="form card" aria-labelledby="ex-head">
      <h2 id="ex-head">Download my data</h2>
      <p className="hint">Your profile, lists, tasks and notifications, or your tasks alone for a spreadsheet.</p>
      {error && (
        <p className="notice" role="alert">
          {error}
        </p>
      )}
      <div className="actions">
        {FORMATS.map((f) => (
          <button key={f.format} type="button" className="btn" disabled={busy} onClick={() => download(f.format)}>
            {f.label}
          </button>
        ))}
      </div>
    </section>
  );
}
