'use client';
// The sidebar's list editing, loaded on first use: the form to create or
// rename and recolour a list, the question before deleting one, and moving
// one up or down.

import { useEffect, useState } from 'react';
import { api, errorText, isSessionRedirect, type TaskList } from '@/lib/api';
import type { Filters } from '../tasks/filters';
import type { SidebarData } from '../tasks/useSidebarData';
import DeleteListDialog from './DeleteListDialog';
import ListDialog from './ListDialog';
import type { ListJob } from './listJob';
import { reorder } from './listOrder';
import { listPath } from './listPath';



export default function ListTools({
  job,
  data,
  filters,
  onDone,
  onListsChanged,
}: {
  job: ListJob;
  data: SidebarData;
  filters: Filters;
  onDone: () => void;
  onListsChanged: () => void;
}) {
  const finish = () => {
    data.refresh();
    onDone();
  };
  if (job.kind === 'new' || job.kind === 'edit') return <ListDialog list={job.kind === 'edit' ? job.list : null} onSaved={finish} onClose={onDone} />;
  if (job.kind === 'delete')
    return (
      <DeleteListDialog
        list={job.list}
        showing={filters.list === job.list.id}
        onDeleted={() => {
          onListsChanged();
          finish();
        }}
        onClose={onDone}
      />
    );
  return <Move job={job} data={data} onDone={finish} />;
}

// the new positions at once, then the PATCHes; the server's order after
function Move({ job, data, onDone }: { job: Extract<ListJob, { kind: 'move' }>; data: SidebarData; onDone: () => void }) {
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const changes = reorder(job.lists, job.index, job.by);
    const at = new Map(changes.map((c) => [c.list.id, c.position]));
    data.setLists((old) => old.map((l) => ({ ...l, position: at.get(l.id) ?? l.position })).sort(byPlace));
    Promise.all(
      changes.map((c) =>
        api<{ list: TaskList }>(listPath(c.list.id), { method: 'PATCH', body: { position: c.position }, headers: { 'If-Match': `"${c.list.version}"` } }),
      ),
    )
      .then(onDone)
      .catch((e: unknown) => {
        if (isSessionRedirect(e)) return;
        setError(errorText(e));
        data.refresh();
      });
    // one move per job
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  if (!error) return null;
  return (
    <p className="field-error" role="alert">
      Could not move the list. {error}{' '}
      <button type="button" className="btn small ghost" onClick={onDone}>
        Dismiss
      </button>
    </p>
  );
}

// the Inbox first, then by position
const byPlace = (a: TaskList, b: TaskList) => (a.id === 'inbox' ? -1 : b.id === 'inbox' ? 1 : a.position - b.position);
