// The task list's filters: read from the page's query string
// (/tasks?list=inbox&status=open&due=custom&from=...&q=report), written
// back to it one control at a time, and turned into the API's query.
// Where the sidebar points (a list, a label, Today or Upcoming), the
// search and "Show completed" are filters too.  Pure: no window, no clock
// (the caller passes now).

import { dayEnd, dayStart, localDay, toApi } from '../../lib/dates';
import { dateProblem } from '../../lib/validate';

export const PAGE = 20;

export type StatusFilter = 'all' | 'open' | 'pending' | 'in_progress' | 'completed';
export type DueFilter = 'any' | 'overdue' | 'today' | 'week' | 'custom';
export type SortOrder = 'updated' | 'due' | 'priority';
export type View = '' | 'today' | 'upcoming';

export interface Filters {
  status: StatusFilter;
  due: DueFilter;
  from: string;
  to: string;
  sort: SortOrder;
  // the sidebar's choice: one list, labels (all must match) or a view
  list: string;
  labels: string[];
  view: View;
  // the search box
  q: string;
  // "Show completed"
  done: boolean;
}

export const DEFAULT_FILTERS: Filters = {
  status: 'all',
  due: 'any',
  from: '',
  to: '',
  sort: 'updated',
  list: '',
  labels: [],
  view: '',
  q: '',
  done: false,
};

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
  const sort = q.get('sort');
  const view = q.get('view');
  return {
    status: isStatus(status) ? status : 'all',
    due: isDue(due) ? due : 'any',
    from: q.get('from') ?? '',
    to: q.get('to') ?? '',
    sort: sort === 'due' || sort === 'priority' ? sort : 'updated',
    list: q.get('list') ?? '',
    labels: q.getAll('label').filter(Boolean),
    view: view === 'today' || view === 'upcoming' ? view : '',
    q: q.get('q') ?? '',
    done: q.get('done') === '1',
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
  if (f.list) p.set('list', f.list);
  for (const l of f.labels) p.append('label', l);
  if (f.view) p.set('view', f.view);
  if (f.q) p.set('q', f.q);
  if (f.done) p.set('done', '1');
  return p.toString();
}

// one control of the filter bar changed: its parameter, a default value
// leaving the URL
export function filterPatch(name: 'status' | 'due' | 'from' | 'to' | 'sort', value: string): QueryPatch {
  return { [name]: value === DEFAULT_FILTERS[name] ? null : value };
}

// where the sidebar points: one place at a time, the search kept
export type Place = { list: string } | { label: string } | { view: Exclude<View, ''> } | 'all';

export function placePatch(place: Place): QueryPatch {
  const none: QueryPatch = { list: null, label: null, view: null };
  return place === 'all' ? none : { ...none, ...place };
}

export function isPlace(f: Filters, place: Place): boolean {
  if (place === 'all') return !f.list && !f.labels.length && !f.view;
  if ('list' in place) return f.list === place.list && !f.labels.length && !f.view;
  if ('label' in place) return f.labels.length === 1 && f.labels[0].toLowerCase() === place.label.toLowerCase() && !f.list && !f.view;
  return f.view === place.view && !f.list && !f.labels.length;
}

export const CLEAR_FILTERS: QueryPatch = { status: null, due: null, from: null, to: null, q: null };

// "Clear filters" is offered for these (the sort order and the place are
// not filters)
export const isFiltered = (f: Filters) => f.status !== 'all' || f.due !== 'any' || !!f.q;


// what is wrong with a custom range, per field (from, to); nothing for the
// other choices.  A list with problems is not asked for.
export type FilterProblems = Partial<Record<'from' | 'to' | 'q', string>>;

export const SEARCH_MAX = 100;
export const SEARCH_WORDS = 10;

export function filterProblems(f: Filters): FilterProblems {
  const out: FilterProblems = {};
  const words = f.q.trim().split(/\s+/).filter(Boolean).length;
  if (f.q.length > SEARCH_MAX) out.q = `Search for at most ${SEARCH_MAX} characters.`;
  else if (words > SEARCH_WORDS) out.q = `Search for at most ${SEARCH_WORDS} words.`;
  if (f.due !== 'custom' || f.view) return out;
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
  if (f.list) p.set('list', f.list);
  for (const l of f.labels) p.append('label', l);
  const q = f.q.trim();
  if (q) p.set('q', q);
  if (f.view) {
    p.set('view', f.view);
    if (status) p.set('status', status);
    p.set('limit', String(PAGE));
    return p.toString();
  }
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
  else if (!f.done) p.set('completed', 'false');
  if (f.sort !== 'updated') p.set('sort', f.sort);
  p.set('limit', String(PAGE));
  return p.toString();
}

function setRange(p: URLSearchParams, from: string | null, to: string | null) {
  if (from) p.set('dueFrom', from);
  if (to) p.set('dueTo', to);
}
