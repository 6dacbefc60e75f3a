'use client';
// "Delete the list?": a list with tasks asks what becomes of them (moved
// to the Inbox, the default, or deleted with it).  Completed tasks, which
// the count leaves out, are moved unless the user chose to delete.

import { useState } from 'react';
import { api, errorText, isSessionRedirect, type TaskList } from '@/lib/api';
import DeleteActions from '../DeleteActions';
import Dialog from '../Dialog';
import { setQuery } from '../query';
import { listPath } from './listPath';

export default function DeleteListDialog({
  list,
  showing,
  onDeleted,
  onClose,
}: {
  list: TaskList;
  // the page shows this list: it goes to the Inbox after
  showing: boolean;
  onDeleted: () => void;
  onClose: () => void;
}) {
  const [tasks, setTasks] = useState<'move' | 'delete'>('move');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const n = list.taskCount;

  const del = async () => {
    setBusy(true);
    setError(null);
    try {
      await api(`${listPath(list.id)}?tasks=${tasks}`, { method: 'DELETE', headers: { 'If-Match': `"${list.version}"` } });
      if (showing) setQuery({ list: 'inbox' });
      onDeleted();
    } catch (e) {
      setBusy(false);
      if (!isSessionRedirect(e)) setError(errorText(e));
    }
  };

  return (
    <Dialog title="Delete the list?" onClose={onClose} narrow busy={busy}>
      <p>
        Delete the list <strong>“{list.name}”</strong>?{' '}
        {n ? `It has ${n === 1 ? 'one task' : n + ' tasks'} not completed.` : 'It has no task left to do.'}
      </p>
      {n > 0 && (
        <fieldset className="choices">
          <legend>Its tasks</legend>
          <label>
            <input type="radio" name="list-tasks" checked={tasks === 'move'} onChange={() => setTasks('move')} /> Move them to the Inbox
          </label>
          <label>
            <input type="radio" name="list-tasks" checked={tasks === 'delete'} onChange={() => setTasks('delete')} /> Delete them too
          </label>
        </fieldset>
      )}
      <DeleteActions error={error} busy={busy} label="Delete list" onDelete={del} onCancel={onClose} />
    </Dialog>
  );
}
