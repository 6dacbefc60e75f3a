// components/tasks/filters.ts: URL -> filters -> URL, and the API query
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  apiQuery,
  CLEAR_FILTERS,
  DEFAULT_FILTERS,
  filterPatch,
  filterProblems,
  filtersQuery,
  isFiltered,
  isPlace,
  placePatch,
  readFilters,
  type Filters,
} from '@/components/tasks/filters';
import { dayEnd, dayStart, toApi } from '@/lib/dates';

const read = (qs: string) => readFilters(new URLSearchParams(qs));
const DEFAULTS: Filters = DEFAULT_FILTERS;
const NONE = { list: '', labels: [], view: '', q: '', done: false } as const;
const query = (f: Partial<Filters>, now: Date) => Object.fromEntries(new URLSearchParams(apiQuery({ ...DEFAULTS, ...f }, now)));

describe('the query string', () => {
  test('nothing, or nonsense, reads as the defaults', () => {
    assert.deepEqual(read(''), DEFAULTS);
    assert.deepEqual(read('status=done&due=yesterday&sort=title'), DEFAULTS);
  });
  test('every filter is read', () => {
    assert.deepEqual(read('status=open&due=custom&from=2025-06-01&to=2025-06-30&sort=due&task=abc'), {
      status: 'open',
      due: 'custom',
      from: '2025-06-01',
      to: '2025-06-30',
      sort: 'due',
      ...NONE,
    });
    for (const s of ['pending', 'in_progress', 'completed'] as const) assert.equal(read('status=' + s).status, s);
    for (const d of ['overdue', 'today', 'week'] as const) assert.equal(read('due=' + d).due, d);
  });
  test('filters -> query string -> the same filters, defaults left out', () => {
    const f: Filters = { ...DEFAULTS, status: 'completed', due: 'custom', from: '2025-06-01', to: '', sort: 'due' };
    assert.equal(filtersQuery(f), 'status=completed&due=custom&from=2025-06-01&sort=due');
    assert.deepEqual(read(filtersQuery(f)), f);
    assert.equal(filtersQuery(DEFAULTS), '');
  });
  test('one control changed: its parameter, a default removes it', () => {
    assert.deepEqual(filterPatch('status', 'open'), { status: 'open' });
    assert.deepEqual(filterPatch('status', 'all'), { status: null });
    assert.deepEqual(filterPatch('due', 'any'), { due: null });
    assert.deepEqual(filterPatch('from', '2025-06-01'), { from: '2025-06-01' });
    assert.deepEqual(filterPatch('to', ''), { to: null });
    assert.deepEqual(filterPatch('sort', 'due'), { sort: 'due' });
    assert.deepEqual(filterPatch('sort', 'updated'), { sort: null });
  });
  test('"Clear filters" keeps the sort order', () => {
    assert.deepEqual(CLEAR_FILTERS, { status: null, due: null, from: null, to: null, q: null });
    assert.equal(isFiltered(DEFAULTS), false);
    assert.equal(isFiltered({ ...DEFAULTS, sort: 'due' }), false);
    assert.equal(isFiltered({ ...DEFAULTS, status: 'open' }), true);
    assert.equal(isFiltered({ ...DEFAULTS, due: 'week' }), true);
    assert.equal(isFiltered({ ...DEFAULTS, q: 'report' }), true);
    assert.equal(isFiltered({ ...DEFAULTS, list: 'inbox', done: true }), false);
  });
  test('the sidebar, the search and "Show completed" are read and written back', () => {
    const f = read('list=abc&label=home&label=Work&q=rep%20cafe&done=1&sort=priority');
    assert.deepEqual(f, { ...DEFAULTS, list: 'abc', labels: ['home', 'Work'], q: 'rep cafe', done: true, sort: 'priority' });
    assert.deepEqual(read(filtersQuery(f)), f);
    assert.equal(read('view=today').view, 'today');
    assert.equal(read('view=upcoming').view, 'upcoming');
    assert.equal(read('view=tomorrow').view, '');
  });
  test('one place at a time: choosing one leaves the others', () => {
    assert.deepEqual(placePatch({ list: 'abc' }), { list: 'abc', label: null, view: null });
    assert.deepEqual(placePatch({ label: 'home' }), { list: null, label: 'home', view: null });
    assert.deepEqual(placePatch({ view: 'today' }), { list: null, label: null, view: 'today' });
    assert.deepEqual(placePatch('all'), { list: null, label: null, view: null });
    assert.equal(isPlace(read('list=abc&q=x'), { list: 'abc' }), true);
    assert.equal(isPlace(read('list=abc&view=today'), { list: 'abc' }), false);
    assert.equal(isPlace(read('label=Home'), { label: 'home' }), true);
    assert.equal(isPlace(read(''), 'all'), true);
    assert.equal(isPlace(read('view=today'), 'all'), false);
  });
});

describe('the API query', () => {
  const now = new Date(2025, 5, 10, 12, 34, 56);
  test('no filter: a page, newest change first', () => {
    assert.deepEqual(query({}, now), { completed: 'false', limit: '20' });
    assert.deepEqual(query({ sort: 'due' }, now), { completed: 'false', sort: 'due', limit: '20' });
    assert.deepEqual(query({ sort: 'priority' }, now), { completed: 'false', sort: 'priority', limit: '20' });
  });
  test('completed tasks are left out unless shown or a status is chosen', () => {
    assert.deepEqual(query({ done: true }, now), { limit: '20' });
    assert.equal(query({ status: 'completed' }, now).completed, undefined);
  });
  test('a list, labels and the search go with the other filters', () => {
    const p = new URLSearchParams(apiQuery({ ...DEFAULTS, list: 'abc', labels: ['home', 'work'], q: '  rep cafe ', status: 'open' }, now));
    assert.equal(p.get('list'), 'abc');
    assert.deepEqual(p.getAll('label'), ['home', 'work']);
    assert.equal(p.get('q'), 'rep cafe');
    assert.equal(p.get('status'), 'pending,in_progress');
  });
  test('Today and Upcoming: the view, without a due range or sort order', () => {
    assert.deepEqual(query({ view: 'today', due: 'week', sort: 'priority' }, now), { view: 'today', limit: '20' });
    assert.deepEqual(query({ view: 'upcoming', list: 'inbox', done: true }, now), { list: 'inbox', view: 'upcoming', limit: '20' });
  });
  test('statuses: "not completed" is two of them', () => {
    assert.deepEqual(query({ status: 'open' }, now), { status: 'pending,in_progress', limit: '20' });
    assert.deepEqual(query({ status: 'completed' }, now), { status: 'completed', limit: '20' });
  });
  test('overdue: due before now and not completed, unless a status is chosen', () => {
    assert.deepEqual(query({ due: 'overdue' }, now), { dueTo: toApi(now), status: 'pending,in_progress', limit: '20' });
    assert.deepEqual(query({ due: 'overdue', status: 'in_progress' }, now), { dueTo: toApi(now), status: 'in_progress', limit: '20' });
  });
  test('today and the next 7 days: whole local days', () => {
    assert.deepEqual(query({ due: 'today' }, now), { dueFrom: dayStart('2025-06-10'), dueTo: dayEnd('2025-06-10'), completed: 'false', limit: '20' });
    assert.deepEqual(query({ due: 'week' }, now), { dueFrom: dayStart('2025-06-10'), dueTo: dayEnd('2025-06-16'), completed: 'false', limit: '20' });
    // the week across a month's end
    const late = new Date(2025, 0, 29, 8, 0);
    assert.equal(query({ due: 'week' }, late).dueTo, dayEnd('2025-02-04'));
  });
  test('between dates: either end may be open, a bad date is no bound', () => {
    assert.deepEqual(query({ due: 'custom', from: '2025-06-01', to: '2025-06-30' }, now), {
      dueFrom: dayStart('2025-06-01'),
      dueTo: dayEnd('2025-06-30'),
      completed: 'false',
      limit: '20',
    });
    assert.deepEqual(query({ due: 'custom', to: '2025-06-30' }, now), { dueTo: dayEnd('2025-06-30'), completed: 'false', limit: '20' });
    assert.deepEqual(query({ due: 'custom', from: 'soon' }, now), { completed: 'false', limit: '20' });
    // dates without "between dates" are ignored
    assert.deepEqual(query({ from: '2025-06-01' }, now), { completed: 'false', limit: '20' });
  });
});

describe('a custom range that cannot be asked for', () => {
  const custom = (from: string, to: string) => filterProblems({ ...DEFAULTS, due: 'custom', from, to });
  test('fine: open ends, one day, in order', () => {
    assert.deepEqual(custom('', ''), {});
    assert.deepEqual(custom('2026-01-05', ''), {});
    assert.deepEqual(custom('2026-01-05', '2026-01-05'), {});
  });
  test('an end before the start, or a year before 1970: a message for its field', () => {
    assert.deepEqual(custom('2026-01-05', '2026-01-01'), { to: 'Choose an end date on or after the start date.' });
    assert.deepEqual(custom('1900-01-01', ''), { from: 'Enter a date from 1970 on.' });
    assert.deepEqual(custom('', '1900-01-01'), { to: 'Enter a date from 1970 on.' });
  });
  test('other due choices have no range to check', () => {
    assert.deepEqual(filterProblems({ ...DEFAULTS, due: 'week', from: '2026-01-05', to: '2026-01-01' }), {});
  });
  test('a search the API refuses: too long, too many words', () => {
    assert.deepEqual(filterProblems({ ...DEFAULTS, q: 'a b c d e f g h i j' }), {});
    assert.deepEqual(filterProblems({ ...DEFAULTS, q: 'a b c d e f g h i j k' }), { q: 'Search for at most 10 words.' });
    assert.deepEqual(filterProblems({ ...DEFAULTS, q: 'x'.repeat(101) }), { q: 'Search for at most 100 characters.' });
  });
});
