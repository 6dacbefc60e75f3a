// components/lists/listOrder.ts: the positions a move up or down sends
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { GAP, reorder } from '@/components/lists/listOrder';
import type { TaskList } from '@/lib/api';

const list = (id: string, position: number): TaskList => ({
  id,
  name: id,
  color: '#6b7280',
  position,
  taskCount: 0,
  createdAt: '',
  updatedAt: '',
  version: 1,
});
const moves = (lists: TaskList[], i: number, by: -1 | 1) => reorder(lists, i, by).map((c) => [c.list.id, c.position]);

describe('moving a list', () => {
  const lists = [list('a', 10), list('b', 20), list('c', 30)];
  test('neighbours with different positions swap them', () => {
    assert.deepEqual(moves(lists, 1, -1), [['b', 10], ['a', 20]]);
    assert.deepEqual(moves(lists, 1, 1), [['b', 30], ['c', 20]]);
  });
  test('past either end: nothing to send', () => {
    assert.deepEqual(moves(lists, 0, -1), []);
    assert.deepEqual(moves(lists, 2, 1), []);
  });
  test('equal positions: the new order numbered afresh, only changes sent', () => {
    const same = [list('a', GAP), list('b', 5000), list('c', 5000)];
    assert.deepEqual(moves(same, 2, -1), [['c', 2 * GAP], ['b', 3 * GAP]]);
  });
});
