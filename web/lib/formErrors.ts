// A failed request's error, for a form: beside its field when the form
// has that field, otherwise above the form.

import { ApiError, errorText } from './api';

// form field -> its message
export type Errors = Record<string, string>;

// fields: the API's field name (ApiError.field) -> the form's field
export function splitError(e: unknown, fields: Record<string, string>): { fields: Errors; form: string | null } {
  if (e instanceof ApiError && e.field && Object.hasOwn(fields, e.field)) {
    return { fields: { [fields[e.field]]: errorText(e) }, form: null };
  }
  return { fields: {}, form: errorText(e) };
}

// a form's checks, field -> message or undefined: only the problems
export function problems(checks: Record<string, string | undefined>): Errors {
  const out: Errors = {};
  for (const [k, v] of Object.entries(checks)) if (v) out[k] = v;
  return out;
}
