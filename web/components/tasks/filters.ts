// The task list's filters: read from the page's query string
// (/tasks?status=open&due=custom&from=...), written back to it one control
// at a time, and turned into the API's query.  Pure: no window, no clock
// (the caller passes now).

import { dayEnd, dayStart, localDay, toApi } from '../../lib/dates';
import { dateProblem } from '../../lib/validate';

export const PAGE = 20;

export type StatusFilter = 'all' | 'open' | 'pending' | 'in_progress' | 'completed';
export type DueFilter = 'any' | 'overdue' | 'today' | 'week' | 'custom';
export type SortOrder = 'updated' | 'due';

export interface Filters {
  status: StatusFilter;
  due: DueFilter;
  from: string;
  to: string;
  sort: SortOrder;
}

// a change to the query string: null removes the parameter
export type QueryPatch = Record<string, string | null>;

const STATUSES: readonly StatusFilter[] = ['open', 'pending', 'in_progress', 'completed'];
const DUES: readonly DueFilter[] = ['overdue', 'today', 'week', 'custom'];
const NOT_COMPLETED = 'pending,in_progress';

const isStatus = (s: string | null): s is StatusFilter => STATUSES.some((x) => x === s);
const isDue = (s: string | null): s is DueFilter => DUES.some((x) => x === s);

// anything unknown in the URL reads as the default
export function readFilters(q: URLSearchParams): Filters {
  const status = q.get('status');
  const due = q.get('due');
  return {
    status: isStatus(status) ? status : 'all',
    due: isDue(due) ? due : 'any',
    from: q.get('from') ?? '',
    to: q.get('to') ?? '',
    sort: q.get('sort') === 'due' ? 'due' : 'updated',
  };
}

// the filters as query parameters, defaults left out (the inverse of
// readFilters for what the URL holds)
export function filtersQuery(f: Filters): string {
  const p = new URLSearchParams();
  if (f.status !== 'all') p.set('status', f.status);
  if (f.due !== 'any') p.set('due', f.due);
  if (f.from) p.set('from', f.from);
  if (f.to) p.set('to', f.to);
  if (f.sort !== 'updated') p.set('sort', f.sort);
  return p.toString();
}

// one control changed: its parameter, a default value leaving the URL
export function filterPatch<K extends keyof Filters>(name: K, value: string): QueryPatch {
  const defaults: Filters = { status: 'all', due: 'any', from: '', to: '', sort: 'updated' };
  if (name === 'sort') return { sort: value === 'due' ? 'due' : null };
  return { [name]: value === defaults[name] ? null : value };
}

export const CLEAR_FILTERS: QueryPatch = { status: null, due: null, from: null, to: null };

// "Clear filters" is offered for these (the sort order is not a filter)
export const isFiltered = (f: Filters) => f.status !== 'all' || f.due !== 'any';

// what is wrong with a custom range, per field (from, to); nothing for the
// other choices.  A list with problems is not asked for.
export function filterProblems(f: Filters): Partial<Record<'from' | 'to', string>> {
  if (f.due !== 'custom') return {};
  const out: Partial<Record<'from' | 'to', string>> = {};
  const from = f.from && dateProblem(f.from);
  const to = f.to && dateProblem(f.to);
  if (from) out.from = from;
  if (to) out.to = to;
  if (!from && !to && f.from && f.to && f.from > f.to) out.to = 'Choose an end date on or after the start date.';
  return out;
}

// GET /api/tasks's query: statuses, a due range in UTC from the reader's
// local days, the sort order and the page size
export function apiQuery(f: Filters, now: Date): string {
  const p = new URLSearchParams();
  let status = f.status === 'all' ? '' : f.status === 'open' ? NOT_COMPLETED : f.status;
  const today = localDay(now);
  if (f.due === 'overdue') {
    p.set('dueTo', toApi(now));
    if (!status) status = NOT_COMPLETED;
  } else if (f.due === 'today') {
    setRange(p, dayStart(today), dayEnd(today));
  } else if (f.due === 'week') {
    const end = new Date(now);
    end.setDate(end.getDate() + 6);
    setRange(p, dayStart(today), dayEnd(localDay(end)));
  } else if (f.due === 'custom') {
    setRange(p, f.from ? dayStart(f.from) : null, f.to ? dayEnd(f.to) : null);
  }
  if (status) p.set('status', status);
  if (f.sort === 'due') p.set('sort', 'due');
  p.set('limit', String(PAGE));
  return p.toString();
}

function setRange(p: URLSearchParams, from: string | null, to: string | null) {
  if (from) p.set('dueFrom', from);
  if (to) p.set('dueTo', to);
}
