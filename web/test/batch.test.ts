// components/tasks/batch.ts: what takes a bulk action back, and its words
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { doneText, failText, inverse } from '@/components/tasks/batch';
import type { Task } from '@/lib/api';

const task = (id: string, more: Partial<Task> = {}): Task => ({
  id,
  title: id,
  description: '',
  status: 'pending',
  dueDate: null,
  createdAt: '',
  updatedAt: '',
  completedAt: null,
  notificationSent: false,
  version: 1,
  listId: 'inbox',
  labels: [],
  priority: 4,
  ...more,
});
const after = (...ts: Task[]) => new Map(ts.map((t) => [t.id, t]));

describe('the inverse of a batch', () => {
  test('complete: reopen; in progress and a repeating task moved on: a PATCH each; already completed: nothing', () => {
    const inv = inverse(
      { action: 'complete' },
      [task('a'), task('b', { status: 'in_progress' }), task('c', { dueDate: '2030-01-01T10:00:00Z', repeat: { rule: 'FREQ=DAILY', from: 'due' } }), task('d', { status: 'completed' })],
      after(task('a', { status: 'completed' }), task('b', { status: 'completed' }), task('c', { dueDate: '2030-01-02T10:00:00Z' }), task('d', { status: 'completed' })),
    );
    assert.deepEqual(inv.batches, [{ ids: ['a'], b: { action: 'reopen' } }]);
    assert.deepEqual(inv.patches, [
      { id: 'b', body: { status: 'in_progress' } },
      { id: 'c', body: { status: 'pending', dueDate: '2030-01-01T10:00:00Z' } },
    ]);
    assert.deepEqual(inv.restores, []);
  });
  test('move: back to each task’s own list; priority: back to each one’s', () => {
    const before = [task('a', { listId: 'l1', priority: 2 }), task('b', { listId: 'l2', priority: 2 }), task('c', { listId: 'l1', priority: 3 })];
    assert.deepEqual(inverse({ action: 'move', listId: 'l2' }, before, after()).batches, [{ ids: ['a', 'c'], b: { action: 'move', listId: 'l1' } }]);
    assert.deepEqual(inverse({ action: 'setPriority', priority: 1 }, before, after()).batches, [
      { ids: ['a', 'b'], b: { action: 'setPriority', priority: 2 } },
      { ids: ['c'], b: { action: 'setPriority', priority: 3 } },
    ]);
  });
  test('labels: only where the action changed something; delete: restores', () => {
    const before = [task('a', { labels: ['x'] }), task('b')];
    assert.deepEqual(inverse({ action: 'addLabel', label: 'x' }, before, after()).batches, [{ ids: ['b'], b: { action: 'removeLabel', label: 'x' } }]);
    assert.deepEqual(inverse({ action: 'removeLabel', label: 'x' }, before, after()).batches, [{ ids: ['a'], b: { action: 'addLabel', label: 'x' } }]);
    assert.deepEqual(inverse({ action: 'delete' }, before, after()).restores, ['a', 'b']);
    assert.deepEqual(inverse({ action: 'reopen' }, [task('a', { status: 'completed' }), task('b')], after()).batches, [{ ids: ['a'], b: { action: 'complete' } }]);
  });
});

describe('the words', () => {
  test('one task by its title, several by their number; what failed', () => {
    assert.equal(doneText({ action: 'move', listId: 'l1' }, 1, 'Pay rent', 'Home'), '“Pay rent” moved to Home.');
    assert.equal(doneText({ action: 'complete' }, 3, null, ''), '3 tasks completed.');
    assert.equal(doneText({ action: 'addLabel', label: 'urgent' }, 2, null, ''), 'Label “urgent” added to 2 tasks.');
    assert.equal(doneText({ action: 'setPriority', priority: 4 }, 1, 'x', ''), '“x”: priority 4 (none).');
    assert.equal(failText(1, 2, { action: 'addLabel', label: 'y' }), ' 1 task was not found (deleted elsewhere). 2 tasks were not changed: a task has at most 10 labels.');
    assert.equal(failText(0, 0, { action: 'delete' }), '');
  });
});
