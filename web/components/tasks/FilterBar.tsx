'use client';
// Status, due range, sort order and "Show completed" of the task list;
// every change goes to the query string, which the list reads.  Today and
// Upcoming have their own days and order: no due range or sort there.

import { Field } from '../Field';
import { setQuery } from '../query';
import styles from './FilterBar.module.css';
import { filterPatch, type FilterProblems, type Filters } from './filters';

export default function FilterBar({ filters, problems }: { filters: Filters; problems: FilterProblems }) {
  const change = (name: 'status' | 'due' | 'from' | 'to' | 'sort') => (e: React.ChangeEvent<HTMLSelectElement | HTMLInputElement>) =>
    setQuery(filterPatch(name, e.target.value));
  const view = !!filters.view;
  return (
    <form className={styles.bar} aria-label="Filter and sort tasks" onSubmit={(e) => e.preventDefault()}>
      <div className="field">
        <label htmlFor="f-status">Status</label>
        <select id="f-status" value={filters.status} onChange={change('status')}>
          <option value="all">All</option>
          <option value="open">Not completed</option>
          <option value="pending">Pending</option>
          <option value="in_progress">In progress</option>
          {!view && <option value="completed">Completed</option>}
        </select>
      </div>
      {!view && (
        <div className="field">
          <label htmlFor="f-due">Due</label>
          <select id="f-due" value={filters.due} onChange={change('due')}>
            <option value="any">Any time</option>
            <option value="overdue">Overdue</option>
            <option value="today">Today</option>
            <option value="week">Next 7 days</option>
            <option value="custom">Between dates…</option>
          </select>
        </div>
      )}
      {!view && filters.due === 'custom' && (
        <>
          <Field id="f-from" label="From" error={problems.from}>
            {(a) => <input {...a} type="date" value={filters.from} min="1970-01-01" max={filters.to || undefined} onChange={change('from')} />}
          </Field>
          <Field id="f-to" label="To" error={problems.to}>
            {(a) => <input {...a} type="date" value={filters.to} min={filters.from || '1970-01-01'} onChange={change('to')} />}
          </Field>
        </>
      )}
      {!view && (
        <div className="field">
          <label htmlFor="f-sort">Sort by</label>
          <select id="f-sort" value={filters.sort} onChange={change('sort')}>
            <option value="updated">Last updated</option>
            <option value="due">Due date</option>
            <option value="priority">Priority</option>
          </select>
        </div>
      )}
      {!view && filters.status === 'all' && (
        <label className={styles.toggle}>
          <input type="checkbox" checked={filters.done} onChange={(e) => setQuery({ done: e.target.checked ? '1' : null })} /> Show completed
        </label>
      )}
    </form>
  );
}
