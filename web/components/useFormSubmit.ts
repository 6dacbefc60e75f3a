'use client';
// The one way a form is submitted: check it here first, then send it with
// the submit button busy; an error of the server goes beside its field (or
// above the form) and the first field in error gets the focus.  A request
// whose session ended says nothing: the page is on its way to log in, and
// the form's draft is kept.

import { useCallback, useRef, useState } from 'react';
import { isSessionRedirect } from '@/lib/api';
import { splitError, type Errors } from '@/lib/formErrors';

export interface Submission {
  // the form's own checks: field -> message, none when all is well
  validate?: () => Errors;
  // the request(s) and what follows success; 'leaving' when the page moves
  // on (navigation, closing the dialog): the button stays busy until then
  send: () => Promise<void | 'leaving'>;
  // the API's field names -> the form's (see splitError)
  fields?: Record<string, string>;
  // an error this form explains in its own words (above the form);
  // undefined leaves it to splitError
  explain?: (e: unknown) => Promise<string | undefined> | string | undefined;
}

// after a failed submit: the first field in error gets the focus, else the
// form's error message
export function focusFirstError(form: HTMLFormElement | null) {
  const el = form?.querySelector<HTMLElement>('[aria-invalid="true"]');
  if (el) el.focus();
  else form?.querySelector<HTMLElement>('.form-error')?.focus();
}

export function useFormSubmit() {
  const formRef = useRef<HTMLFormElement>(null);
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  // after the render that shows the errors
  const focusError = useCallback(() => requestAnimationFrame(() => focusFirstError(formRef.current)), []);

  const submit = useCallback(
    (s: Submission) => async (e?: React.FormEvent) => {
      e?.preventDefault();
      const errs = s.validate?.() ?? {};
      setErrors(errs);
      setFormError(null);
      if (Object.keys(errs).length) {
        focusError();
        return;
      }
      setBusy(true);
      try {
        if ((await s.send()) !== 'leaving') setBusy(false);
      } catch (err) {
        setBusy(false);
        if (isSessionRedirect(err)) return;
        const own = await s.explain?.(err);
        if (own !== undefined) {
          setFormError(own);
        } else {
          const split = splitError(err, s.fields ?? {});
          setErrors(split.fields);
          setFormError(split.form);
        }
        focusError();
      }
    },
    [focusError],
  );

  return { formRef, errors, setErrors, formError, setFormError, busy, submit };
}
