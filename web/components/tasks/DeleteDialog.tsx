'use client';
// "Delete forever?" (the trash): DELETE ?permanent=true with the version
// shown; when the task was changed elsewhere meanwhile (412) the dialog
// shows the latest version and asks again.  (Deleting from the list moves
// a task to the trash at once, with an "Undo": useTaskMutations.trash.)

import { useState } from 'react';
import { api, ApiError, errorText, isSessionRedirect, type Task } from '@/lib/api';
import DeleteActions from '../DeleteActions';
import Dialog from '../Dialog';
import { taskPath } from './useTaskMutations';

export default function DeleteDialog({
  task,
  onDeleted,
  onClose,
  onChanged,
}: {
  task: Task;
  onDeleted: (t: Task) => void;
  onClose: () => void;
  onChanged: (t: Task) => void;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [version, setVersion] = useState(task.version);
  const del = async () => {
    setBusy(true);
    setError(null);
    try {
      await api(taskPath(task.id) + '?permanent=true', { method: 'DELETE', headers: { 'If-Match': `"${version}"` } });
      onDeleted(task);
    } catch (e) {
      setBusy(false);
      if (e instanceof ApiError && e.status === 404) onDeleted(task);
      else if (e instanceof ApiError && e.status === 412) {
        try {
          const latest = (await api<{ task: Task }>(taskPath(task.id))).task;
          onChanged(latest);
          setVersion(latest.version);
          setError('This task was changed somewhere else in the meantime. Delete it anyway?');
        } catch (e2) {
          setError(errorText(e2));
        }
      } else if (!isSessionRedirect(e)) setError(errorText(e));
    }
  };
  return (
    <Dialog title="Delete forever?" onClose={onClose} narrow busy={busy}>
      <p>
        Delete <strong>“{task.title}”</strong> for good? This cannot be undone.
      </p>
      <DeleteActions error={error} busy={busy} label="Delete forever" onDelete={del} onCancel={onClose} />
    </Dialog>
  );
}
