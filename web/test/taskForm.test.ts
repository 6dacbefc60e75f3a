// components/tasks/taskForm.ts: reminders and repeat in the form's values,
// the body of a new task, the PATCH of an edit, the checks
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Task } from '@/lib/api';
import { checkReminders, checkTask, sameValues, taskBody, taskPatch, valuesOf } from '@/components/tasks/taskForm';

const NOW = Date.parse('2027-01-10T12:00:00Z');
const task = (more: Partial<Task> = {}): Task => ({
  id: 't1',
  title: 'Pay rent',
  description: '',
  status: 'pending',
  dueDate: '2027-02-01T17:00:00Z',
  createdAt: '2027-01-01T00:00:00Z',
  updatedAt: '2027-01-01T00:00:00Z',
  completedAt: null,
  notificationSent: false,
  version: 3,
  listId: 'inbox',
  labels: [],
  priority: 4,
  reminders: [
    { id: 'a', before: 'P1D', fireAt: '2027-01-31T17:00:00Z', state: 'pending' },
    { id: 'b', at: '2027-01-05T09:00:00Z', fireAt: '2027-01-05T09:00:00Z', state: 'sent' },
  ],
  repeat: { rule: 'FREQ=MONTHLY;BYMONTHDAY=1', from: 'due' },
  ...more,
});

describe('values', () => {
  test('a task: its reminders as keys, its repeat', () => {
    const v = valuesOf(task());
    assert.deepEqual(v.reminders, ['before:P1D', 'at:2027-01-05T09:00:00Z']);
    assert.equal(v.repeat, 'FREQ=MONTHLY;BYMONTHDAY=1');
    assert.equal(v.repeatFrom, 'due');
  });
  test('a new task: the defaults; no repeat', () => {
    const v = valuesOf(null, 'inbox', [{ before: 'PT1H' }]);
    assert.deepEqual(v.reminders, ['before:PT1H']);
    assert.equal(v.repeat, '');
  });
  test('a server without the fields: none', () => {
    const v = valuesOf(task({ reminders: undefined, repeat: undefined }));
    assert.deepEqual(v.reminders, []);
    assert.equal(v.repeat, '');
  });
  test('reminders and repeat count as changes', () => {
    const v = valuesOf(task());
    assert.ok(sameValues(v, { ...v }));
    assert.ok(!sameValues(v, { ...v, reminders: ['before:P1D'] }));
    assert.ok(!sameValues(v, { ...v, repeat: 'FREQ=DAILY' }));
    assert.ok(!sameValues(v, { ...v, repeatFrom: 'completion' }));
  });
});

describe('body and patch', () => {
  test('a new task with the defaults leaves them to the server', () => {
    const v = { ...valuesOf(null, 'inbox', [{ before: 'P1D' }]), title: 'x' };
    assert.equal('reminders' in taskBody(v, null, [{ before: 'P1D' }], NOW), false);
    assert.equal('repeat' in taskBody(v, null, [{ before: 'P1D' }], NOW), false);
  });
  test('a new task with its own reminders and a repeat', () => {
    const v = { ...valuesOf(null), title: 'x', reminders: ['before:PT15M', 'at:2027-01-20T08:00:00Z'], repeat: 'FREQ=DAILY', repeatFrom: 'completion' as const };
    const b = taskBody(v, '2027-01-21T09:00:00Z', [{ before: 'P1D' }], NOW);
    assert.deepEqual(b.reminders, [{ before: 'PT15M' }, { at: '2027-01-20T08:00:00Z' }]);
    assert.deepEqual(b.repeat, { rule: 'FREQ=DAILY', from: 'completion' });
    // none at all: []
    assert.deepEqual(taskBody({ ...v, reminders: [] }, null, [{ before: 'P1D' }], NOW).reminders, []);
  });
  test('an edit sends the whole list when it changed, past absolute ones left out', () => {
    const t = task();
    const v = valuesOf(t);
    assert.deepEqual(taskPatch(v, t.dueDate, t, NOW), {});
    const p = taskPatch({ ...v, reminders: [...v.reminders, 'before:PT0S'] }, t.dueDate, t, NOW);
    assert.deepEqual(p, { reminders: [{ before: 'P1D' }, { before: 'PT0S' }] });
  });
  test('an edit of the repeat; none is null', () => {
    const t = task();
    const v = valuesOf(t);
    assert.deepEqual(taskPatch({ ...v, repeatFrom: 'completion' }, t.dueDate, t, NOW), { repeat: { rule: 'FREQ=MONTHLY;BYMONTHDAY=1', from: 'completion' } });
    assert.deepEqual(taskPatch({ ...v, repeat: '' }, t.dueDate, t, NOW), { repeat: null });
  });
});

describe('checks', () => {
  test('a repeat needs a due date; a bad interval is said', () => {
    const v = { ...valuesOf(null), title: 'x', repeat: 'FREQ=DAILY' };
    assert.match(checkTask(v).errors.repeat, /due date/);
    assert.equal(checkTask({ ...v, date: '2027-01-21' }).errors.repeat, undefined);
  });
  test('reminders before the due date need one, only when they are sent', () => {
    const v = { ...valuesOf(null), title: 'x', reminders: ['before:P1D'] };
    assert.deepEqual(checkReminders(v, ['before:P1D'], {}), {}, 'unchanged defaults: left to the server');
    assert.match(checkReminders(v, [], {}).reminders, /due date/);
    assert.deepEqual(checkReminders({ ...v, date: '2027-01-21' }, [], {}), {});
  });
});
