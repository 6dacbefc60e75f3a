'use client';
// What /tasks offers beyond the list itself, loaded just after the page:
// the quick-add bar; the keyboard shortcuts (j/k move between the tasks,
// Shift+j/k select as they go, x completes, e edits, # moves to a list,
// 1-4 set the priority, Delete trashes, q goes to the quick-add bar, z
// undoes, ? shows them all, Escape clears the selection), never while
// typing in a field or in a dialog; Shift+click selecting tasks (a range
// from the last one); and the bulk actions on the selection (BulkBar,
// through POST /api/tasks/batch), each announced with an "Undo" that
// takes it back.  With tasks selected the keys act on all of them.  And
// other tabs' and devices' changes to the list (useLiveTasks).

import { lazy, Suspense, useEffect, useRef, useState } from 'react';
import { api, errorText, isSessionRedirect, notificationsChanged, type Priority, type Task } from '@/lib/api';
import type { PagedList } from '@/lib/usePagedList';
import { formatDateTime } from '@/lib/dates';
import { openDialog } from '../query';
import { doneText, failText, inverse, runBatch, type Batch } from './batch';
import type { Filters } from './filters';
import QuickAdd from './QuickAdd';
import type { SidebarData } from './useSidebarData';
import { focusTask, leaveRows, refocus, taskPath, type TaskMutations } from './useTaskMutations';
import { useLiveTasks } from './useLiveTasks';

const BulkBar = lazy(() => import('./BulkBar'));
const MoveDialog = lazy(() => import('./MoveDialog'));
const ShortcutSheet = lazy(() => import('./ShortcutSheet'));

// where a key is text, not a command
export const typingIn = (el: Element | null) =>
  !!el &&
  (el.matches('input:not([type=checkbox]):not([type=radio]), textarea, select, [contenteditable=""], [contenteditable="true"]') ||
    !!el.closest('dialog, [role=menu]'));

const rows = () => [...document.querySelectorAll<HTMLElement>('li.task')];
const rowOf = (el: Element | null) => el?.closest<HTMLElement>('li.task') ?? null;
const idOf = (li: HTMLElement) => li.dataset.taskId!;

// a few requests at a time
async function each<T>(xs: T[], fn: (x: T) => Promise<void>) {
  let i = 0;
  await Promise.all(Array.from({ length: Math.min(4, xs.length) }, async () => {
    while (i < xs.length) await fn(xs[i++]);
  }));
}

export default function Power({
  list,
  filters,
  sidebar,
  announce,
  m,
  selected,
  setSelected,
}: {
  list: PagedList<Task>;
  filters: Filters;
  sidebar: SidebarData;
  announce: (text: string, undo?: () => void) => void;
  m: TaskMutations;
  selected: string[];
  setSelected: React.Dispatch<React.SetStateAction<string[]>>;
}) {
  useLiveTasks(list, m.replace, m.remove);
  const [dialog, setDialog] = useState<'keys' | string[] | null>(null);
  // the row a Shift+click range starts from
  const anchor = useRef<string | null>(null);
  const { items, setItems } = list;
  const viewList = filters.list && filters.list !== 'inbox' ? sidebar.lists.find((l) => l.id === filters.list) : undefined;
  const listName = (id?: string) => sidebar.lists.find((l) => l.id === id)?.name ?? 'the list';

  // the selection keeps only tasks still in the list (another filter, a task gone)
  useEffect(() => {
    setSelected((s) => {
      const keep = s.filter((id) => items.some((t) => t.id === id));
      return keep.length === s.length ? s : keep;
    });
  }, [items, setSelected]);

  // still in this view after a change? (a move out of the list shown)
  const fits = (t: Task) => (!filters.list || t.listId === filters.list) && filters.labels.every((l) => t.labels.includes(l));

  // the tasks the keys act on: the selection, else the focused task's row
  const targets = (): Task[] => {
    if (selected.length) return items.filter((t) => selected.includes(t.id));
    const li = rowOf(document.activeElement);
    const t = li && items.find((x) => x.id === idOf(li));
    return t ? [t] : [];
  };

  // tasks back in the list as they were, at their old places
  const putBack = (back: Task[], at: Map<string, number>) =>
    setItems((old) => {
      const out = old.map((o) => back.find((t) => t.id === o.id) ?? o);
      const missing = back.filter((t) => !old.some((o) => o.id === t.id)).sort((a, b) => (at.get(a.id) ?? 0) - (at.get(b.id) ?? 0));
      for (const t of missing) out.splice(Math.min(at.get(t.id) ?? out.length, out.length), 0, t);
      return out;
    });

  const undo = async (b: Batch, done: Task[], after: Map<string, Task>, at: Map<string, number>) => {
    const inv = inverse(b, done, after);
    const back: Task[] = [];
    let failed = 0;
    const one = (f: () => Promise<Task>) => async () => {
      try {
        back.push(await f());
      } catch (e) {
        if (isSessionRedirect(e)) throw e;
        failed++;
      }
    };
    try {
      for (const g of inv.batches)
        for (const r of await runBatch(g.ids, g.b)) {
          if (r.task) back.push(r.task);
          else failed++;
        }
      await each(inv.patches, (p) => one(async () => (await api<{ task: Task }>(taskPath(p.id), { method: 'PATCH', body: p.body })).task)());
      await each(inv.restores, (id) => one(async () => (await api<{ task: Task }>(taskPath(id) + '/restore', { method: 'POST' })).task)());
    } catch (e) {
      if (isSessionRedirect(e)) return;
      announce('Could not undo. ' + errorText(e));
      return;
    }
    putBack(back.filter(fits), at);
    sidebar.refresh();
    if (back[0]) refocus(back[0].id);
    announce(
      failed
        ? `Undone for ${back.length} of ${done.length}; ${failed} could not be taken back.`
        : `Undone: ${done.length === 1 ? `“${done[0].title}” is` : `${done.length} tasks are`} as before.`,
    );
  };

  // one action on these tasks, with its Undo
  const act = async (ids: string[], b: Batch) => {
    if (!ids.length) return;
    const before = items.filter((t) => ids.includes(t.id));
    const at = new Map(items.map((t, i) => [t.id, i]));
    let results;
    try {
      results = await runBatch(ids, b);
    } catch (e) {
      if (!isSessionRedirect(e)) announce('Nothing was changed. ' + errorText(e));
      return;
    }
    const ok = new Set(results.filter((r) => r.status === 200).map((r) => r.id));
    const after = new Map(results.filter((r) => r.task).map((r) => [r.id, r.task!]));
    const missing = results.filter((r) => r.status === 404).map((r) => r.id);
    const out = [...missing, ...[...ok].filter((id) => b.action === 'delete' || (after.has(id) && !fits(after.get(id)!)))];
    leaveRows(out);
    setItems((old) => old.filter((t) => !out.includes(t.id)).map((t) => after.get(t.id) ?? t));
    sidebar.refresh();
    if (b.action === 'complete') notificationsChanged();
    const done = before.filter((t) => ok.has(t.id));
    // a repeating task completed alone: where it went
    const next = b.action === 'complete' && done.length === 1 && after.get(done[0].id)?.status !== 'completed' && after.get(done[0].id)?.dueDate;
    const text = !done.length
      ? 'Nothing was changed.'
      : next
        ? `“${done[0].title}” is done; next due ${formatDateTime(next, true)}.`
        : doneText(b, done.length, ids.length === 1 ? done[0].title : null, listName(b.listId));
    announce(text + failText(missing.length, results.filter((r) => r.status === 409).length, b), done.length ? () => undo(b, done, after, at) : undefined);
  };

  const select = (ids: string[]) => setSelected((s) => [...s, ...ids.filter((id) => !s.includes(id))]);

  const onKey = (e: KeyboardEvent) => {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || typingIn(document.activeElement)) return;
    const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
    const all = rows();
    const cur = rowOf(document.activeElement);
    const t = targets();
    if (key === 'j' || key === 'k') {
      if (!all.length) return;
      const i = cur ? all.indexOf(cur) + (key === 'j' ? 1 : -1) : key === 'j' ? 0 : all.length - 1;
      const to = all[Math.max(0, Math.min(all.length - 1, i))];
      if (e.shiftKey) {
        select([...(cur ? [idOf(cur)] : []), idOf(to)]);
        anchor.current = idOf(to);
      }
      // at once: the next key may come before the next frame
      to.querySelector<HTMLElement>('.task-title a')?.focus();
    } else if (e.shiftKey && !'?#'.includes(key)) {
      return;
    } else if (key === 'q') document.getElementById('quick-add')?.focus();
    else if (key === '?') setDialog('keys');
    else if (key === 'z') document.getElementById('undo')?.click();
    else if (key === 'Escape' && selected.length) setSelected([]);
    else if (!t.length) return;
    else if (key === 'x') {
      if (t.length === 1 && !selected.length) m.changeStatus(t[0], t[0].status === 'completed' ? 'pending' : 'completed');
      else
        act(
          t.map((x) => x.id),
          { action: t.every((x) => x.status === 'completed') ? 'reopen' : 'complete' },
        );
    } else if (key === 'e' && cur) openDialog({ task: idOf(cur), edit: '1', new: null });
    else if (key === '#') setDialog(t.map((x) => x.id));
    else if ('1234'.includes(key) && key.length === 1)
      act(
        t.map((x) => x.id),
        { action: 'setPriority', priority: Number(key) as Priority },
      );
    else if (key === 'Delete' || key === 'Backspace') {
      if (t.length === 1 && !selected.length) m.trash(t[0]);
      else act(t.map((x) => x.id), { action: 'delete' });
    } else return;
    e.preventDefault();
  };

  // the latest handlers, read when a key or a click comes
  const handlers = useRef<{ onKey: (e: KeyboardEvent) => void; onClick: (e: MouseEvent) => void } | null>(null);
  useEffect(() => {
    handlers.current = {
      onKey,
      // Shift+click on a task (not its checkbox or menu): selects it, or the
      // range from the last one so chosen
      onClick: (e: MouseEvent) => {
        const el = e.target as Element;
        const li = rowOf(el);
        if (!e.shiftKey || !li || el.closest('input, [aria-haspopup], [role=menu]')) return;
        e.preventDefault();
        e.stopPropagation();
        const all = rows().map(idOf);
        const id = idOf(li);
        const from = anchor.current ? all.indexOf(anchor.current) : -1;
        if (from >= 0 && anchor.current !== id) {
          const to = all.indexOf(id);
          select(all.slice(Math.min(from, to), Math.max(from, to) + 1));
        } else setSelected((s) => (s.includes(id) ? s.filter((x) => x !== id) : [...s, id]));
        anchor.current = id;
        focusTask(id);
      },
    };
  });
  useEffect(() => {
    const key = (e: KeyboardEvent) => handlers.current?.onKey(e);
    const click = (e: MouseEvent) => handlers.current?.onClick(e);
    // no text selection from a Shift+click on a task
    const down = (e: MouseEvent) => {
      if (e.shiftKey && rowOf(e.target as Element) && !(e.target as Element).closest('input')) e.preventDefault();
    };
    document.addEventListener('keydown', key);
    document.addEventListener('click', click, true);
    document.addEventListener('mousedown', down);
    return () => {
      document.removeEventListener('keydown', key);
      document.removeEventListener('click', click, true);
      document.removeEventListener('mousedown', down);
    };
  }, []);

  const chosen = items.filter((t) => selected.includes(t.id));
  return (
    <>
      <QuickAdd
        lists={sidebar.lists}
        viewList={viewList}
        onAdded={(t) => {
          announce(`Added “${t.title}” to ${listName(t.listId)}${t.dueDate ? ', due ' + formatDateTime(t.dueDate, true) : ''}.`);
          list.reload();
          sidebar.refresh();
        }}
      />
      <p className="sr-only" role="status" aria-live="polite">
        {selected.length ? `${selected.length === 1 ? '1 task' : selected.length + ' tasks'} selected.` : ''}
      </p>
      <Suspense fallback={null}>
        {chosen.length > 0 && (
          <BulkBar
            tasks={chosen}
            onAct={(b) => act(selected, b)}
            onMove={() => setDialog(selected)}
            onClear={() => setSelected([])}
          />
        )}
        {dialog === 'keys' && <ShortcutSheet onClose={() => setDialog(null)} />}
        {Array.isArray(dialog) && (
          <MoveDialog
            tasks={items.filter((t) => dialog.includes(t.id))}
            lists={sidebar.lists}
            onMove={(listId) => {
              setDialog(null);
              act(dialog, { action: 'move', listId });
            }}
            onClose={() => setDialog(null)}
          />
        )}
      </Suspense>
    </>
  );
}
