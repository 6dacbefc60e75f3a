// ?next= after log in: a path of this site only
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { safeNext } from '@/components/nextPath';

test('a path of this site is kept, with its query', () => {
  assert.equal(safeNext('/notifications'), '/notifications');
  assert.equal(safeNext('/tasks?status=open&task=abc'), '/tasks?status=open&task=abc');
});

test('nothing: the tasks', () => {
  assert.equal(safeNext(null), '/tasks');
  assert.equal(safeNext(''), '/tasks');
});

test('another site, in any spelling, is refused', () => {
  for (const raw of ['https://evil.example/', '//evil.example/x', '/\\evil.example', 'javascript:alert(1)', 'tasks']) {
    assert.equal(safeNext(raw), '/tasks', raw);
  }
});

test('log in and register do not come back to themselves', () => {
  for (const raw of ['/login', '/login?reason=expired', '/register', '/register?x=1']) assert.equal(safeNext(raw), '/tasks', raw);
});
