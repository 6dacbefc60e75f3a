// A failed request's error, for a form: beside its field when the form
// has that field, otherwise above the form.

import { ApiError, errorText } from './api';

// form field -> its message
export type Errors = Record<string, string>;

// fields: the API's field name (ApiError.field) -> the form's field
export function splitError(e: unknown, fields: Record<string, string>): { fields: Errors; form: string | null } {
  if (e instanceof ApiError && e.field && Object.hasOwn(fields, e.field)) {
    // the API's messages are phrases ("must be at least ..."): a sentence here
    const m = e.message.charAt(0).toUpperCase() + e.message.slice(1);
    return { fields: { [fields[e.field]]: /[.!?]$/.test(m) ? m : m + '.' }, form: null };
  }
  return { fields: {}, form: errorText(e) };
}
