'use client';
// "?" on /tasks: every keyboard shortcut, in a dialog (loaded when first
// asked for).

import Dialog from '../Dialog';
import styles from './Power.module.css';

const KEYS: [string[], string][] = [
  [['q'], 'Go to the quick-add bar'],
  [['j', 'k'], 'Next task, previous task'],
  [['Shift+j', 'Shift+k'], 'Select the tasks on the way'],
  [['Shift+click'], 'Select a task, or all from the last one chosen'],
  [['x'], 'Complete the task (or reopen it)'],
  [['e'], 'Edit the task'],
  [['#'], 'Move to a list'],
  [['1', '2', '3', '4'], 'Set the priority (1 is the highest)'],
  [['Delete'], 'Move to the trash'],
  [['z'], 'Undo, while its message shows'],
  [['Escape'], 'Clear the selection'],
  [['/'], 'Search'],
  [['?'], 'Show these shortcuts'],
];

export default function ShortcutSheet({ onClose }: { onClose: () => void }) {
  return (
    <Dialog title="Keyboard shortcuts" onClose={onClose}>
      <table className={`shortcut-sheet ${styles.sheet}`}>
        <thead>
          <tr>
            <th scope="col">Keys</th>
            <th scope="col">What they do</th>
          </tr>
        </thead>
        <tbody>
          {KEYS.map(([keys, what]) => (
            <tr key={what}>
              <th scope="row">
                {keys.map((k, i) => (
                  <span key={k}>
                    {i ? ' or ' : ''}
                    <kbd>{k}</kbd>
                  </span>
                ))}
              </th>
              <td>{what}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="hint">
        With tasks selected, x, #, 1–4 and Delete act on all of them. The keys do nothing while you type in a field.
      </p>
      <div className="actions">
        <button type="button" className="btn" onClick={onClose} data-autofocus>
          Close
        </button>
      </div>
    </Dialog>
  );
}
