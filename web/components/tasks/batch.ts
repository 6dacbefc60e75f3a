// Bulk actions: one action on several tasks through POST /api/tasks/batch
// (100 ids a request), the words that tell what it did, and what takes it
// back: the inverse batches (complete -> reopen, move -> move back to each
// task's own list, a priority or label back as it was) and, for what a
// batch cannot say, a PATCH per task (a task that was in progress, a
// repeating task whose due date moved on) or a restore (the trash).

import { api, type Priority, type Task } from '@/lib/api';

export type Action = 'complete' | 'reopen' | 'delete' | 'move' | 'setPriority' | 'addLabel' | 'removeLabel';

export interface Batch {
  action: Action;
  listId?: string;
  priority?: Priority;
  label?: string;
}

export interface Result {
  id: string;
  status: 200 | 404 | 409;
  task?: Task;
}

export const BATCH_MAX = 100;

export async function runBatch(ids: string[], b: Batch): Promise<Result[]> {
  const out: Result[] = [];
  for (let i = 0; i < ids.length; i += BATCH_MAX) {
    const d = await api<{ results: Result[] }>('/api/tasks/batch', { method: 'POST', body: { ids: ids.slice(i, i + BATCH_MAX), ...b } });
    out.push(...d.results);
  }
  return out;
}

// how to take a done action back, per task: a batch (grouped by what it
// needs), a PATCH, or a restore from the trash
export interface Inverse {
  batches: { ids: string[]; b: Batch }[];
  patches: { id: string; body: Record<string, unknown> }[];
  restores: string[];
}

// before: the tasks as they were, of those the action was done to; after:
// as the API answered
export function inverse(b: Batch, before: Task[], after: Map<string, Task>): Inverse {
  const inv: Inverse = { batches: [], patches: [], restores: [] };
  const groups = new Map<string, { ids: string[]; b: Batch }>();
  const add = (back: Batch, id: string) => {
    const key = JSON.stringify(back);
    if (!groups.has(key)) groups.set(key, { ids: [], b: back });
    groups.get(key)!.ids.push(id);
  };
  for (const t of before) {
    const a = after.get(t.id);
    switch (b.action) {
      case 'delete':
        inv.restores.push(t.id);
        break;
      case 'complete':
        if (t.status === 'completed') break;
        // a repeating task moved on to its next date (still open): its due
        // date and status back; one that was in progress: its status
        if (a && (a.status !== 'completed' || t.status !== 'pending'))
          inv.patches.push({ id: t.id, body: a.dueDate === t.dueDate ? { status: t.status } : { status: t.status, dueDate: t.dueDate } });
        else add({ action: 'reopen' }, t.id);
        break;
      case 'reopen':
        if (t.status === 'completed') add({ action: 'complete' }, t.id);
        else if (t.status !== a?.status) inv.patches.push({ id: t.id, body: { status: t.status } });
        break;
      case 'move':
        if (t.listId !== b.listId) add({ action: 'move', listId: t.listId }, t.id);
        break;
      case 'setPriority':
        if (t.priority !== b.priority) add({ action: 'setPriority', priority: t.priority }, t.id);
        break;
      case 'addLabel':
        if (!t.labels.includes(b.label!)) add({ action: 'removeLabel', label: b.label }, t.id);
        break;
      case 'removeLabel':
        if (t.labels.includes(b.label!)) add({ action: 'addLabel', label: b.label }, t.id);
        break;
    }
  }
  inv.batches = [...groups.values()];
  return inv;
}

const tasks = (n: number) => (n === 1 ? '1 task' : `${n} tasks`);

// what was done, said: "“Pay rent” moved to Home.", "3 tasks completed."
export function doneText(b: Batch, n: number, title: string | null, listName: string): string {
  const who = title !== null ? `“${title}”` : tasks(n);
  switch (b.action) {
    case 'complete':
      return `${who} completed.`;
    case 'reopen':
      return `${who} reopened.`;
    case 'delete':
      return `${who} moved to the trash.`;
    case 'move':
      return `${who} moved to ${listName}.`;
    case 'setPriority':
      return `${who}: priority ${b.priority}${b.priority === 4 ? ' (none)' : ''}.`;
    case 'addLabel':
      return `Label “${b.label}” added to ${who}.`;
    case 'removeLabel':
      return `Label “${b.label}” removed from ${who}.`;
  }
}

// what was not: " 1 was not found." and the like
export function failText(missing: number, refused: number, b: Batch): string {
  let s = '';
  if (missing) s += ` ${missing === 1 ? '1 task was' : `${missing} tasks were`} not found (deleted elsewhere).`;
  if (refused)
    s += ` ${refused === 1 ? '1 task was' : `${refused} tasks were`} not changed${b.action === 'addLabel' ? ': a task has at most 10 labels' : ''}.`;
  return s;
}
