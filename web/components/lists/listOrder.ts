// Moving a list up or down the sidebar: the positions to PATCH.  Two
// neighbours with different positions swap them; when they are equal,
// every list gets a fresh position (1024 apart) in the new order and only
// the ones that changed are sent.  Pure.

import type { TaskList } from '../../lib/api';

export const GAP = 1024;

export interface PositionChange {
  list: TaskList;
  position: number;
}

// lists: the user's lists in sidebar order, the Inbox left out
export function reorder(lists: TaskList[], index: number, by: -1 | 1): PositionChange[] {
  const other = index + by;
  if (index < 0 || index >= lists.length || other < 0 || other >= lists.length) return [];
  const a = lists[index];
  const b = lists[other];
  if (a.position !== b.position) {
    return [
      { list: a, position: b.position },
      { list: b, position: a.position },
    ];
  }
  const order = [...lists];
  order[index] = b;
  order[other] = a;
  return order.map((list, i) => ({ list, position: (i + 1) * GAP })).filter((c) => c.list.position !== c.position);
}

// the Inbox is one of the lists, always first
export const INBOX = 'inbox';
