import { ApiError, errorText } from '@/lib/api';

export type Errors = Record<string, string>;

export interface FieldAria {
  id: string;
  'aria-invalid'?: true;
  'aria-describedby'?: string;
}

// label, control, hint and the field's error, wired for screen readers
export function Field({
  id,
  label,
  hint,
  error,
  children,
  className,
}: {
  id: string;
  label: React.ReactNode;
  hint?: React.ReactNode;
  error?: string;
  className?: string;
  children: (aria: FieldAria) => React.ReactNode;
}) {
  const described = [hint ? id + '-hint' : '', error ? id + '-error' : ''].filter(Boolean).join(' ');
  return (
    <div className={'field' + (error ? ' has-error' : '') + (className ? ' ' + className : '')}>
      <label htmlFor={id}>{label}</label>
      {children({ id, ...(error ? { 'aria-invalid': true } : {}), ...(described ? { 'aria-describedby': described } : {}) })}
      {hint && (
        <p className="hint" id={id + '-hint'}>
          {hint}
        </p>
      )}
      {error && (
        <p className="field-error" id={id + '-error'}>
          <span aria-hidden="true">⚠ </span>
          {error}
        </p>
      )}
    </div>
  );
}

// an API error goes beside its field when the form has that field,
// otherwise above the form
export function splitError(e: unknown, fields: Record<string, string>): { fields: Errors; form: string | null } {
  if (e instanceof ApiError && e.field && fields[e.field]) {
    // the API's messages are phrases ("must be at least ..."): a sentence here
    const m = e.message.charAt(0).toUpperCase() + e.message.slice(1);
    return { fields: { [fields[e.field]]: /[.!?]$/.test(m) ? m : m + '.' }, form: null };
  }
  return { fields: {}, form: errorText(e) };
}

// after a failed submit: the first field in error gets the focus
export function focusFirstError(form: HTMLFormElement | null) {
  const el = form?.querySelector<HTMLElement>('[aria-invalid="true"]');
  if (el) el.focus();
  else form?.querySelector<HTMLElement>('.form-error')?.focus();
}

export function FormError({ message }: { message: string | null }) {
  if (!message) return null;
  return (
    <p className="form-error" role="alert" tabIndex={-1}>
      {message}
    </p>
  );
}
