// What the sidebar asks ListTools to do with the lists.

import type { TaskList } from '../../lib/api';

export type ListJob =
  | { kind: 'new' }
  | { kind: 'edit'; list: TaskList }
  | { kind: 'delete'; list: TaskList }
  // lists: in sidebar order, the Inbox left out
  | { kind: 'move'; lists: TaskList[]; index: number; by: -1 | 1 };
