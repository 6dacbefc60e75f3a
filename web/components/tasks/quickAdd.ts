// The quick-add bar's reading of POST /api/tasks/parse (QuickAdd.tsx):
// the line cut into plain text and recognised parts, the task in words,
// and the line sent in a list's view.

import type { Priority, Repeat, TaskList } from '@/lib/api';
import { formatDateTime } from '@/lib/dates';
import { describe } from '@/lib/repeat';

export const PARSE_DELAY_MS = 150;
export const QUICK_ADD_MAX = 2000;

export type TokenKind = 'date' | 'time' | 'list' | 'label' | 'priority' | 'repeat';

export interface Parsed {
  task: { title: string; dueDate: string | null; listId?: string; listName?: string; labels: string[]; priority: Priority; repeat?: Repeat };
  // offsets in UTF-16 code units: JavaScript's string indexes
  tokens: { start: number; end: number; kind: TokenKind }[];
}

// the line cut into plain text and recognised parts, in order (overlapping
// or out-of-range tokens are skipped, never trusted)
export function segments(text: string, tokens: Parsed['tokens']): { text: string; kind?: TokenKind }[] {
  const out: { text: string; kind?: TokenKind }[] = [];
  let at = 0;
  for (const t of [...tokens].sort((a, b) => a.start - b.start)) {
    if (t.start < at || t.end <= t.start || t.end > text.length) continue;
    if (t.start > at) out.push({ text: text.slice(at, t.start) });
    out.push({ text: text.slice(t.start, t.end), kind: t.kind });
    at = t.end;
  }
  if (at < text.length) out.push({ text: text.slice(at) });
  return out;
}

// the line that is sent: in a list's view, that list when the line names none
export function lineToSend(text: string, viewList?: { name: string }): string {
  const line = text.trim();
  if (!viewList || /(^|\s)#\S/.test(line) || viewList.name.includes('"')) return line;
  return `${line} #"${viewList.name}"`;
}

// what the task will be, in words, each part tagged with its kind
export function previewParts(p: Parsed['task'], lists: TaskList[], viewList?: TaskList): { kind: TokenKind | 'title'; text: string }[] {
  const parts: { kind: TokenKind | 'title'; text: string }[] = [{ kind: 'title', text: `“${p.title}”` }];
  if (p.dueDate) parts.push({ kind: 'date', text: 'due ' + formatDateTime(p.dueDate, true) });
  const known = p.listId ? lists.find((l) => l.id === p.listId) : undefined;
  if (known || p.listName) parts.push({ kind: 'list', text: 'in ' + (known ? known.name : `${p.listName} (a new list)`) });
  else if (viewList) parts.push({ kind: 'list', text: 'in ' + viewList.name });
  if (p.labels.length) parts.push({ kind: 'label', text: (p.labels.length > 1 ? 'labels ' : 'label ') + p.labels.join(', ') });
  if (p.priority !== 4) parts.push({ kind: 'priority', text: 'priority ' + p.priority });
  const r = p.repeat && describe(p.repeat.rule);
  if (r) parts.push({ kind: 'repeat', text: 'repeats ' + r.charAt(0).toLowerCase() + r.slice(1) });
  return parts;
}
