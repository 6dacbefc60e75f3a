// After a 412: the version saved elsewhere beside the one being edited,
// field by field, and the choice between them.

import type { TaskList } from '@/lib/api';
import { reminderWords } from '@/lib/reminders';
import { describe } from '@/lib/repeat';
import { STATUS_LABEL } from '../Badges';
import { PRIORITY_TEXT } from './TaskChips';
import { sameLabels, type TaskValues } from './taskForm';

const FIELD_NAMES: [Exclude<keyof TaskValues, 'repeatFrom'>, string][] = [
  ['title', 'Title'],
  ['description', 'Description'],
  ['date', 'Due date'],
  ['time', 'Due time'],
  ['status', 'Status'],
  ['listId', 'List'],
  ['priority', 'Priority'],
  ['labels', 'Labels'],
  ['reminders', 'Reminders'],
  ['repeat', 'Repeat'],
];

const shown = (k: keyof TaskValues, v: TaskValues, lists: TaskList[]) => {
  if (k === 'status') return STATUS_LABEL[v.status];
  if (k === 'priority') return PRIORITY_TEXT[v.priority];
  if (k === 'labels') return v.labels.join(', ') || 'None';
  if (k === 'reminders') return v.reminders.map(reminderWords).join(', ') || 'None';
  if (k === 'repeat') return v.repeat ? describe(v.repeat) + (v.repeatFrom === 'completion' ? ', counted from completion' : '') : 'Does not repeat';
  if (k === 'listId') return lists.find((l) => l.id === v.listId)?.name ?? v.listId;
  return v[k] || (k === 'time' && v.date ? 'End of the day' : 'None');
};

const differs = (k: keyof TaskValues, a: TaskValues, b: TaskValues) =>
  k === 'labels' || k === 'reminders'
    ? !sameLabels(a[k], b[k])
    : k === 'repeat'
      ? a.repeat !== b.repeat || a.repeatFrom !== b.repeatFrom
      : a[k] !== b[k];

export default function ConflictNotice({
  lists,
  theirs,
  mine,
  busy,
  onKeepMine,
  onUseTheirs,
}: {
  lists: TaskList[];
  theirs: TaskValues;
  mine: TaskValues;
  busy: boolean;
  onKeepMine: () => void;
  onUseTheirs: () => void;
}) {
  const changed = FIELD_NAMES.filter(([k]) => differs(k, theirs, mine));
  return (
    <div className="conflict" role="alert">
      <p>
        <strong>This task was changed somewhere else while you were editing it.</strong> Choose which version to keep.
      </p>
      {changed.length > 0 && (
        <table>
          <thead>
            <tr>
              <th scope="col">Field</th>
              <th scope="col">The other version</th>
              <th scope="col">Yours</th>
            </tr>
          </thead>
          <tbody>
            {changed.map(([k, name]) => (
              <tr key={k} data-field={k}>
                <th scope="row">{name}</th>
                <td className="theirs">{shown(k, theirs, lists)}</td>
                <td className="mine">{shown(k, mine, lists)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="actions">
        <button type="button" className="btn primary" onClick={onKeepMine} disabled={busy}>
          Keep mine
        </button>
        <button type="button" className="btn" onClick={onUseTheirs} disabled={busy}>
          Use the other version
        </button>
      </div>
    </div>
  );
}
