'use client';
// The actions on the selected tasks, above the list while any is selected
// (loaded then): complete, reopen, move (the list dialog), priority, add
// and remove a label, delete, clear the selection.  Each is one POST
// /api/tasks/batch (Power.act), announced with an "Undo".

import { useState } from 'react';
import type { Priority, Task } from '@/lib/api';
import { LABEL_MAX, labelProblem } from '@/lib/labels';
import type { Batch } from './batch';
import styles from './Power.module.css';

export default function BulkBar({
  tasks,
  onAct,
  onMove,
  onClear,
}: {
  tasks: Task[];
  onAct: (b: Batch) => void;
  onMove: () => void;
  onClear: () => void;
}) {
  const [priority, setPriority] = useState('');
  const [label, setLabel] = useState('');
  const [labelError, setLabelError] = useState<string | null>(null);
  const [drop, setDrop] = useState('');
  const present = [...new Set(tasks.flatMap((t) => t.labels))].sort((a, b) => a.localeCompare(b));
  const n = tasks.length;
  const form = (run: () => void) => (e: React.FormEvent) => {
    e.preventDefault();
    run();
  };
  return (
    <section className={`bulk-bar ${styles.bulk}`} aria-labelledby="bulk-count">
      <h2 id="bulk-count" className={styles.count}>
        {n === 1 ? '1 task selected' : `${n} tasks selected`}
      </h2>
      <div className={styles.group}>
        <button type="button" className="btn small" onClick={() => onAct({ action: 'complete' })}>
          Complete
        </button>
        <button type="button" className="btn small" onClick={() => onAct({ action: 'reopen' })}>
          Reopen
        </button>
        <button type="button" className="btn small" onClick={onMove}>
          Move…
        </button>
        <button type="button" className="btn small danger" onClick={() => onAct({ action: 'delete' })}>
          Delete
        </button>
        <button type="button" className="btn small ghost" onClick={onClear}>
          Clear selection
        </button>
      </div>
      <div className={styles.group}>
        <form className={styles.inline} onSubmit={form(() => priority && onAct({ action: 'setPriority', priority: Number(priority) as Priority }))}>
          <label htmlFor="bulk-priority">Priority</label>
          <select id="bulk-priority" value={priority} onChange={(e) => setPriority(e.target.value)}>
            <option value="">Choose…</option>
            <option value="1">1 (highest)</option>
            <option value="2">2</option>
            <option value="3">3</option>
            <option value="4">4 (none)</option>
          </select>
          <button type="submit" className="btn small" disabled={!priority}>
            Set
          </button>
        </form>
        <form
          className={styles.inline}
          onSubmit={form(() => {
            const l = label.trim();
            const problem = labelProblem(l, []);
            setLabelError(problem ?? null);
            if (problem) return;
            setLabel('');
            onAct({ action: 'addLabel', label: l });
          })}
        >
          <label htmlFor="bulk-label">Label</label>
          <input
            id="bulk-label"
            type="text"
            value={label}
            maxLength={LABEL_MAX * 2}
            autoComplete="off"
            aria-invalid={labelError ? true : undefined}
            aria-describedby={labelError ? 'bulk-label-error' : undefined}
            onChange={(e) => {
              setLabel(e.target.value);
              setLabelError(null);
            }}
          />
          <button type="submit" className="btn small">
            Add label
          </button>
        </form>
        {present.length > 0 && (
          <form className={styles.inline} onSubmit={form(() => drop && present.includes(drop) && onAct({ action: 'removeLabel', label: drop }))}>
            <label htmlFor="bulk-unlabel">Remove</label>
            <select id="bulk-unlabel" value={present.includes(drop) ? drop : ''} onChange={(e) => setDrop(e.target.value)}>
              <option value="">Choose a label…</option>
              {present.map((l) => (
                <option key={l} value={l}>
                  {l}
                </option>
              ))}
            </select>
            <button type="submit" className="btn small" disabled={!present.includes(drop)}>
              Remove label
            </button>
          </form>
        )}
      </div>
      {labelError && (
        <p className="field-error" id="bulk-label-error" role="alert">
          {labelError}
        </p>
      )}
    </section>
  );
}
