'use client';
// The profile's Security part: two-factor sign-in with an authenticator
// app (TOTP).  Turning it on shows a new secret, as a QR code and as text,
// and asks for a code from the app; turning it off asks for a code too.

import { lazy, Suspense, useState } from 'react';
import { api, type User } from '@/lib/api';
import { CODE_RULE, codeProblem, codeRefused } from '@/lib/mfa';
import { useSession } from '@/lib/session';
import { problems } from '@/lib/formErrors';
import { Field, FormError } from './Field';
import { focusFirstError, useFormSubmit } from './useFormSubmit';

const QrCode = lazy(() => import('./QrCode'));

export default function TwoFactor({ user }: { user: User }) {
  const { setUser } = useSession();
  const on = !!user.mfaEnabled;
  const [setup, setSetup] = useState<{ secret: string; otpauthUri: string } | null>(null);
  const [code, setCode] = useState('');
  const [saved, setSaved] = useState('');
  const form = useFormSubmit();
  const { errors, formError, busy } = form;

  const done = (mfaEnabled: boolean, text: string) => {
    setUser({ ...user, mfaEnabled });
    setSetup(null);
    setCode('');
    setSaved(text);
  };

  const refused = (e: unknown) => {
    const why = codeRefused(e);
    if (!why) throw e;
    form.setErrors({ code: why });
    requestAnimationFrame(() => focusFirstError(form.formRef.current));
  };

  const submit = form.submit({
    validate: () => (setup || on ? problems({ code: codeProblem(code) }) : {}),
    send: async () => {
      if (!on && !setup) {
        setSetup(await api<{ secret: string; otpauthUri: string }>('/api/users/me/mfa/totp', { method: 'POST' }));
        return;
      }
      try {
        if (on) {
          await api('/api/users/me/mfa', { method: 'DELETE', body: { code: code.trim() } });
          done(false, 'Two-factor sign-in is off.');
        } else {
          await api('/api/users/me/mfa/totp/confirm', { method: 'POST', body: { code: code.trim() } });
          done(true, 'Two-factor sign-in is on: log in with a code from your app from now on.');
        }
      } catch (e) {
        refused(e);
      }
    },
    fields: { code: 'code' },
  });

  return (
    <form
      ref={form.formRef}
      className="form card"
      aria-labelledby="tf-head"
      onSubmit={(e) => {
        setSaved('');
        return submit(e);
      }}
      noValidate
    >
      <h2 id="tf-head">Security</h2>
      <p className="hint" data-testid="mfa-state">
        Two-factor sign-in is <strong>{on ? 'on' : 'off'}</strong>.{' '}
        {on ? 'Logging in asks for a code from your authenticator app.' : 'With it on, logging in also asks for a code from an authenticator app.'}
      </p>
      <FormError message={formError} />
      {setup && (
        <div className="mfa-setup">
          <p>Scan this with your authenticator app, or type the key in it:</p>
          <Suspense fallback={<p className="hint">Drawing the QR code…</p>}>
            <QrCode text={setup.otpauthUri} label="QR code of the two-factor secret" />
          </Suspense>
          <p className="readonly">
            <span className="label">Key</span> <code data-testid="mfa-secret">{setup.secret}</code>
          </p>
        </div>
      )}
      {(setup || on) && (
        <Field id="tf-code" label="Code from the app" hint={CODE_RULE} error={errors.code}>
          {(a) => (
            <input {...a} name="code" inputMode="numeric" autoComplete="one-time-code" maxLength={6} value={code} onChange={(e) => setCode(e.target.value)} />
          )}
        </Field>
      )}
      <div className="actions">
        <button type="submit" className={'btn ' + (on ? 'danger' : 'primary')} disabled={busy}>
          {on ? 'Turn off two-factor' : setup ? 'Confirm and turn on' : 'Turn on two-factor'}
        </button>
        {setup && (
          <button type="button" className="btn" disabled={busy} onClick={() => (setSetup(null), setCode(''), form.setErrors({}))}>
            Cancel
          </button>
        )}
        <p className="saved" role="status">
          {saved && (
            <>
              <span aria-hidden="true">✓ </span>
              {saved}
            </>
          )}
        </p>
      </div>
    </form>
  );
}
