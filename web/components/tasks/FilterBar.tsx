'use client';
// Status, due range and sort order of the task list; every change goes to
// the query string, which the list reads.

import { Field } from '../Field';
import { setQuery } from '../query';
import styles from './FilterBar.module.css';
import { filterPatch, type Filters } from './filters';

export default function FilterBar({ filters, problems }: { filters: Filters; problems: Partial<Record<'from' | 'to', string>> }) {
  const change = (name: keyof Filters) => (e: React.ChangeEvent<HTMLSelectElement | HTMLInputElement>) =>
    setQuery(filterPatch(name, e.target.value));
  return (
    <form className={styles.bar} aria-label="Filter and sort tasks" onSubmit={(e) => e.preventDefault()}>
      <div className="field">
        <label htmlFor="f-status">Status</label>
        <select id="f-status" value={filters.status} onChange={change('status')}>
          <option value="all">All</option>
          <option value="open">Not completed</option>
          <option value="pending">Pending</option>
          <option value="in_progress">In progress</option>
          <option value="completed">Completed</option>
        </select>
      </div>
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
      {filters.due === 'custom' && (
        <>
          <Field id="f-from" label="From" error={problems.from}>
            {(a) => <input {...a} type="date" value={filters.from} min="1970-01-01" max={filters.to || undefined} onChange={change('from')} />}
          </Field>
          <Field id="f-to" label="To" error={problems.to}>
            {(a) => <input {...a} type="date" value={filters.to} min={filters.from || '1970-01-01'} onChange={change('to')} />}
          </Field>
        </>
      )}
      <div className="field">
        <label htmlFor="f-sort">Sort by</label>
        <select id="f-sort" value={filters.sort} onChange={change('sort')}>
          <option value="updated">Last updated</option>
          <option value="due">Due date</option>
        </select>
      </div>
    </form>
  );
}
