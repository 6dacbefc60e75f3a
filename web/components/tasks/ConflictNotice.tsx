// After a 412: the version saved elsewhere beside the one being edited,
// field by field, and the choice between them.

import { STATUS_LABEL } from '../Badges';
import type { TaskValues } from './taskForm';

const FIELD_NAMES: [keyof TaskValues, string][] = [
  ['title', 'Title'],
  ['description', 'Description'],
  ['date', 'Due date'],
  ['time', 'Due time'],
  ['status', 'Status'],
];

const shown = (k: keyof TaskValues, v: TaskValues) => {
  if (k === 'status') return STATUS_LABEL[v.status];
  return v[k] || (k === 'time' && v.date ? 'End of the day' : 'None');
};

export default function ConflictNotice({
  theirs,
  mine,
  busy,
  onKeepMine,
  onUseTheirs,
}: {
  theirs: TaskValues;
  mine: TaskValues;
  busy: boolean;
  onKeepMine: () => void;
  onUseTheirs: () => void;
}) {
  const changed = FIELD_NAMES.filter(([k]) => theirs[k] !== mine[k]);
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
                <td className="theirs">{shown(k, theirs)}</td>
                <td className="mine">{shown(k, mine)}</td>
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
