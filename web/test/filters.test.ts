// components/tasks/filters.ts: URL -> filters -> URL, and the API query
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  apiQuery,
  CLEAR_FILTERS,
  filterPatch,
  filterProblems,
  filtersQuery,
  isFiltered,
  readFilters,
  type Filters,
} from '@/components/tasks/filters';
import { dayEnd, dayStart, toApi } from '@/lib/dates';

const read = (qs: string) => readFilters(new URLSearchParams(qs));
const DEFAULTS: Filters = { status: 'all', due: 'any', from: '', to: '', sort: 'updated' };
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
    });
    for (const s of ['pending', 'in_progress', 'completed'] as const) assert.equal(read('status=' + s).status, s);
    for (const d of ['overdue', 'today', 'week'] as const) assert.equal(read('due=' + d).due, d);
  });
  test('filters -> query string -> the same filters, defaults left out', () => {
    const f: Filters = { status: 'completed', due: 'custom', from: '2025-06-01', to: '', sort: 'due' };
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
    assert.deepEqual(CLEAR_FILTERS, { status: null, due: null, from: null, to: null });
    assert.equal(isFiltered(DEFAULTS), false);
    assert.equal(isFiltered({ ...DEFAULTS, sort: 'due' }), false);
    assert.equal(isFiltered({ ...DEFAULTS, status: 'open' }), true);
    assert.equal(isFiltered({ ...DEFAULTS, due: 'week' }), true);
  });
});

describe('the API query', () => {
  const now = new Date(2025, 5, 10, 12, 34, 56);
  test('no filter: a page, newest change first', () => {
    assert.deepEqual(query({}, now), { limit: '20' });
    assert.deepEqual(query({ sort: 'due' }, now), { sort: 'due', limit: '20' });
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
    assert.deepEqual(query({ due: 'today' }, now), { dueFrom: dayStart('2025-06-10'), dueTo: dayEnd('2025-06-10'), limit: '20' });
    assert.deepEqual(query({ due: 'week' }, now), { dueFrom: dayStart('2025-06-10'), dueTo: dayEnd('2025-06-16'), limit: '20' });
    // the week across a month's end
    const late = new Date(2025, 0, 29, 8, 0);
    assert.equal(query({ due: 'week' }, late).dueTo, dayEnd('2025-02-04'));
  });
  test('between dates: either end may be open, a bad date is no bound', () => {
    assert.deepEqual(query({ due: 'custom', from: '2025-06-01', to: '2025-06-30' }, now), {
      dueFrom: dayStart('2025-06-01'),
      dueTo: dayEnd('2025-06-30'),
      limit: '20',
    });
    assert.deepEqual(query({ due: 'custom', to: '2025-06-30' }, now), { dueTo: dayEnd('2025-06-30'), limit: '20' });
    assert.deepEqual(query({ due: 'custom', from: 'soon' }, now), { limit: '20' });
    // dates without "between dates" are ignored
    assert.deepEqual(query({ from: '2025-06-01' }, now), { limit: '20' });
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
});
