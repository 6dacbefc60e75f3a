// components/tasks/quickAdd.ts: the highlighted parts of a quick-add line,
// the task in words, the line sent in a list's view
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { lineToSend, previewParts, segments } from '@/components/tasks/quickAdd';
import type { TaskList } from '@/lib/api';

const list = (id: string, name: string): TaskList => ({ id, name, color: '#6b7280', position: 1, taskCount: 0, createdAt: '', updatedAt: '', version: 1 });

describe('the parts of a line', () => {
  test('plain text and tokens in order, UTF-16 offsets as JavaScript indexes', () => {
    const text = 'Ünïcode 😀 task today @x';
    assert.deepEqual(
      segments(text, [
        { start: 22, end: 24, kind: 'label' },
        { start: 16, end: 21, kind: 'date' },
      ]),
      [{ text: 'Ünïcode 😀 task ' }, { text: 'today', kind: 'date' }, { text: ' ' }, { text: '@x', kind: 'label' }],
    );
  });
  test('overlapping, empty and out-of-range tokens are skipped', () => {
    assert.deepEqual(
      segments('abc def', [
        { start: 0, end: 3, kind: 'date' },
        { start: 2, end: 5, kind: 'time' },
        { start: 4, end: 4, kind: 'label' },
        { start: 4, end: 99, kind: 'list' },
      ]),
      [{ text: 'abc', kind: 'date' }, { text: ' def' }],
    );
    assert.deepEqual(segments('', []), []);
  });
});

describe('the task in words', () => {
  const home = list('h1', 'Home');
  test('every part, a known list by its own name', () => {
    const parts = previewParts(
      { title: 'Pay rent', dueDate: null, listId: 'h1', listName: 'home', labels: ['bills', 'money'], priority: 1, repeat: { rule: 'FREQ=WEEKLY;BYDAY=MO', from: 'due' } },
      [home],
    );
    assert.deepEqual(
      parts.map((p) => p.text),
      ['“Pay rent”', 'in Home', 'labels bills, money', 'priority 1', 'repeats every week on Mon'],
    );
  });
  test('a new list; the view’s list when the line names none; priority 4 unsaid', () => {
    assert.deepEqual(
      previewParts({ title: 'x', dueDate: null, listName: 'Garden', labels: [], priority: 4 }, [home]).map((p) => p.text),
      ['“x”', 'in Garden (a new list)'],
    );
    assert.deepEqual(
      previewParts({ title: 'x', dueDate: null, labels: [], priority: 4 }, [home], home).map((p) => p.text),
      ['“x”', 'in Home'],
    );
  });
});

describe('the line sent', () => {
  test('trimmed; in a list’s view, that list unless the line names one', () => {
    assert.equal(lineToSend('  Buy bulbs  '), 'Buy bulbs');
    assert.equal(lineToSend('Buy bulbs', { name: 'Home' }), 'Buy bulbs #"Home"');
    assert.equal(lineToSend('Buy bulbs #Garden', { name: 'Home' }), 'Buy bulbs #Garden');
    assert.equal(lineToSend('#Garden bulbs', { name: 'Home' }), '#Garden bulbs');
    // a lone "#" names nothing
    assert.equal(lineToSend('Fix # key', { name: 'Two words' }), 'Fix # key #"Two words"');
    // a name with a quote cannot be written in the line: left to the Inbox
    assert.equal(lineToSend('x', { name: 'The "A" team' }), 'x');
  });
});
