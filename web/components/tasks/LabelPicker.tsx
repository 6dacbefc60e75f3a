'use client';
// The task form's labels: the chosen ones as chips (each can be removed),
// and a box to add one, suggesting the labels already in use.

import { useState } from 'react';
import type { Label } from '@/lib/api';
import { labelProblem } from '@/lib/labels';
import styles from './LabelPicker.module.css';

export default function LabelPicker({
  labels,
  known,
  error,
  onChange,
}: {
  labels: string[];
  known: Label[];
  // the server's word about the labels
  error?: string;
  onChange: (labels: string[]) => void;
}) {
  const [text, setText] = useState('');
  const [problem, setProblem] = useState<string | undefined>();
  const shown = problem ?? error;

  const add = () => {
    const p = labelProblem(text, labels);
    setProblem(p);
    if (p) return;
    // a label in use keeps its spelling
    const l = text.trim();
    onChange([...labels, known.find((k) => k.name.toLowerCase() === l.toLowerCase())?.name ?? l]);
    setText('');
  };

  return (
    <fieldset className={`field ${styles.picker}${shown ? ' has-error' : ''}`}>
      <legend>Labels (optional)</legend>
      {labels.length > 0 && (
        <ul className={styles.chosen} aria-label="Chosen labels">
          {labels.map((l) => (
            <li key={l} className={styles.chip}>
              <span aria-hidden="true">#</span>
              {l}
              <button type="button" className={styles.remove} aria-label={`Remove the label “${l}”`} onClick={() => onChange(labels.filter((x) => x !== l))}>
                <span aria-hidden="true">×</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className={styles.add}>
        <label htmlFor="task-label" className="sr-only">
          New label
        </label>
        <input
          id="task-label"
          list="known-labels"
          placeholder="Add a label"
          value={text}
          aria-invalid={shown ? true : undefined}
          aria-describedby={shown ? 'task-label-error' : undefined}
          onChange={(e) => {
            setText(e.target.value);
            setProblem(undefined);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter' || e.key === ',') {
              e.preventDefault();
              add();
            }
          }}
        />
        <datalist id="known-labels">
          {known
            .filter((k) => !labels.some((l) => l.toLowerCase() === k.name.toLowerCase()))
            .map((k) => (
              <option key={k.name} value={k.name} />
            ))}
        </datalist>
        <button type="button" className="btn small" onClick={add}>
          Add label
        </button>
      </div>
      {shown && (
        <p className="field-error" id="task-label-error">
          <span aria-hidden="true">⚠ </span>
          {shown}
        </p>
      )}
    </fieldset>
  );
}
