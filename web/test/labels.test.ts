// lib/labels.ts: a label the API would refuse, in the app's words
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { labelProblem } from '@/lib/labels';

test('a fine label', () => {
  assert.equal(labelProblem(' home ', ['work']), undefined);
  assert.equal(labelProblem('x'.repeat(40), []), undefined);
});
test('empty, too long, forbidden characters', () => {
  assert.equal(labelProblem('  ', []), 'Enter a label.');
  assert.equal(labelProblem('x'.repeat(41), []), 'A label has at most 40 characters.');
  for (const bad of ['a#b', '@me', 'a,b', 'a;b']) assert.equal(labelProblem(bad, []), 'A label cannot contain #, @, a comma or a semicolon.');
});
test('the same label twice, whatever the case, and the eleventh', () => {
  assert.equal(labelProblem('Home', ['home']), 'The task already has the label “Home”.');
  const ten = Array.from({ length: 10 }, (_, i) => 'l' + i);
  assert.equal(labelProblem('more', ten), 'A task has at most 10 labels.');
});
