// the browser's copy of the API's field rules (common/tm_validate.c)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dateProblem, emailProblem, lengthProblem, nameProblem, passwordProblem, phoneProblem, phoneValue } from '@/lib/validate';

test('email: what the API accepts, and what it refuses', () => {
  for (const ok of ['ada@example.com', 'Ada.Lovelace+x@mail.example.org', ' a@b.io ']) assert.equal(emailProblem(ok), undefined, ok);
  for (const bad of ['', 'ada', 'ada@', '@example.com', 'ada@example', 'ada@example.c0m', 'a..b@example.com', 'ada@-x.com', 'a b@example.com'])
    assert.ok(emailProblem(bad), bad);
});

test('password: the pool policy', () => {
  assert.equal(passwordProblem('Str0ng!Passw0rd#'), undefined);
  assert.equal(passwordProblem(''), 'Choose a password.');
  for (const bad of ['short', 'alllowercase1!', 'ALLUPPERCASE1!', 'NoDigitsHere!!', 'NoSymbols1234', ' Str0ng!Passw0rd', 'Str0ng!Passw0rd '])
    assert.match(passwordProblem(bad) ?? '', /^Choose a stronger password: at least 12 characters/, bad);
});

test('phone: optional, E.164 once spaces, brackets and dashes are gone', () => {
  assert.equal(phoneProblem(''), undefined);
  assert.equal(phoneProblem('+1 (415) 555-0123'), undefined);
  assert.equal(phoneValue('+1 (415) 555-0123'), '+14155550123');
  for (const bad of ['555-1234', '+0123456789', '+1234', '+1234567890123456', '0044 20 7946 0000']) assert.ok(phoneProblem(bad), bad);
});

test('names: required, at most 100 characters', () => {
  assert.equal(nameProblem('Ada', 'first'), undefined);
  assert.equal(nameProblem('  ', 'last'), 'Enter your last name.');
  assert.ok(nameProblem('x'.repeat(101), 'first'));
});

test('length: counted in characters, refused with by how much', () => {
  assert.equal(lengthProblem('é'.repeat(200), 200, 'title'), undefined);
  assert.equal(lengthProblem('😀'.repeat(200), 200, 'title'), undefined, 'an emoji is one character');
  assert.equal(lengthProblem('x'.repeat(201), 200, 'title'), 'The title is 1 character too long: use at most 200.');
  assert.equal(lengthProblem('x'.repeat(5012), 5000, 'description'), 'The description is 12 characters too long: use at most 5,000.');
});

test('dates: from 1970, as the API wants', () => {
  assert.equal(dateProblem('2026-12-01'), undefined);
  assert.equal(dateProblem('1900-01-01'), 'Enter a date from 1970 on.');
  assert.equal(dateProblem('12/01/2026'), 'Enter a valid date.');
});
