// the error splitter: an API error beside its field, or above the form
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiError, SessionExpired } from '@/lib/api';
import { splitError } from '@/lib/formErrors';

const FIELDS = { dueDate: 'date', title: 'title' };
const err = (message: string, field?: string) => new ApiError(400, { code: 'invalid', message, field });

test("a field the form has: beside it, as a sentence", () => {
  assert.deepEqual(splitError(err('must be a valid date', 'dueDate'), FIELDS), {
    fields: { date: 'Must be a valid date.' },
    form: null,
  });
  assert.deepEqual(splitError(err('Too long!', 'title'), FIELDS), { fields: { title: 'Too long!' }, form: null });
});

test('a field the form does not have: above the form, as a sentence', () => {
  assert.deepEqual(splitError(err('must not be empty', 'status'), FIELDS), { fields: {}, form: 'Must not be empty.' });
  assert.deepEqual(splitError(err('unknown', 'constructor'), FIELDS), { fields: {}, form: 'Unknown.' });
});

test('a code the app knows: its own words', () => {
  const wrong = new ApiError(401, { code: 'invalid_credentials', message: 'the email or password is incorrect' });
  assert.deepEqual(splitError(wrong, FIELDS), { fields: {}, form: 'The email or password is incorrect.' });
});

test('no field: above the form', () => {
  assert.deepEqual(splitError(err('Too many attempts.'), FIELDS), { fields: {}, form: 'Too many attempts.' });
  assert.deepEqual(splitError(new SessionExpired(), FIELDS).fields, {});
});

test('not an API error: a general message', () => {
  assert.deepEqual(splitError(new TypeError('x is undefined'), FIELDS), { fields: {}, form: 'Something went wrong. Try again.' });
});
