'use client';
// The sidebar of /tasks (a drawer on phones): all tasks, the Inbox, Today,
// Upcoming, the user's lists with their colour and count, and the labels
// in use with theirs.  A choice is a link that changes the query string.
// Creating, renaming, recolouring, reordering and deleting lists is
// ListTools' job, loaded when first needed.  The trash is a page of its own
// (/trash).

import Link from 'next/link';
import { lazy, Suspense, useEffect, useRef, useState } from 'react';
import type { TaskList } from '@/lib/api';
import RowMenu from '../menu/RowMenu';
import { setQuery } from '../query';
import { isPlace, placePatch, type Filters, type Place } from '../tasks/filters';
import type { SidebarData } from '../tasks/useSidebarData';
import { INBOX } from './listOrder';
import type { ListJob } from './listJob';
import styles from './Sidebar.module.css';

const ListTools = lazy(() => import('./ListTools'));

const href = (place: Place) => {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(placePatch(place))) if (v) p.set(k, v);
  return '?' + p.toString();
};

export default function Sidebar({
  filters,
  data,
  open,
  onClose,
  onListsChanged,
}: {
  filters: Filters;
  data: SidebarData;
  // the drawer, on phones
  open: boolean;
  onClose: () => void;
  // a list deleted (its tasks moved or gone): the task list reloads
  onListsChanged: () => void;
}) {
  const [job, setJob] = useState<ListJob | null>(null);
  const nav = useRef<HTMLElement>(null);

  // the drawer: focus in it when it opens, Escape closes it
  useEffect(() => {
    if (!open) return;
    nav.current?.querySelector<HTMLElement>('a')?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && !document.querySelector('dialog[open]')) onClose();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [open, onClose]);
  const inbox = data.lists.find((l) => l.id === INBOX);
  const lists = data.lists.filter((l) => l.id !== INBOX);

  const link = (place: Place, text: React.ReactNode, count?: number) => (
    <a
      href={href(place)}
      className={styles.link}
      aria-current={isPlace(filters, place) ? 'page' : undefined}
      onClick={(e) => {
        e.preventDefault();
        setQuery({ ...placePatch(place), task: null, edit: null, new: null }, true);
        onClose();
      }}
    >
      {text}
      {count ? (
        <span className={styles.count} aria-hidden="true">
          {count}
        </span>
      ) : null}
    </a>
  );

  const listItem = (l: TaskList, index: number) => (
    <li key={l.id} className={`sidebar-list ${styles.item}`} data-list-id={l.id}>
      {link(
        { list: l.id },
        <>
          <span className={styles.dot} style={{ background: l.color }} aria-hidden="true" />
          <span className={`list-name ${styles.name}`}>{l.name}</span>
          <span className="sr-only">{l.taskCount === 1 ? ', 1 task' : `, ${l.taskCount} tasks`}</span>
        </>,
        l.taskCount,
      )}
      <RowMenu
        label={`Actions for the list “${l.name}”`}
        actions={[
          { label: 'Rename or recolour', onSelect: () => setJob({ kind: 'edit', list: l }) },
          ...(l.id === INBOX
            ? []
            : [
                { label: 'Move up', disabled: index === 0, onSelect: () => setJob({ kind: 'move', lists, index, by: -1 }) },
                { label: 'Move down', disabled: index === lists.length - 1, onSelect: () => setJob({ kind: 'move', lists, index, by: 1 }) },
                { label: 'Delete', danger: true, onSelect: () => setJob({ kind: 'delete', list: l }) },
              ]),
        ]}
      />
    </li>
  );

  return (
    <nav ref={nav} id="sidebar" aria-label="Lists and labels" className={`${styles.sidebar}${open ? ' ' + styles.open : ''}`}>
      <div className={styles.drawerHead}>
        <button type="button" className="btn small" onClick={onClose}>
          Close
        </button>
      </div>
      <ul className={styles.group}>
        <li className={styles.item}>{link('all', 'All tasks')}</li>
        {inbox && listItem(inbox, -1)}
        <li className={styles.item}>{link({ view: 'today' }, 'Today')}</li>
        <li className={styles.item}>{link({ view: 'upcoming' }, 'Upcoming')}</li>
        <li className={styles.item}>
          <Link href="/trash" className={styles.link}>
            Trash
          </Link>
        </li>
      </ul>
      <div className={styles.heading}>
        <h2 id="lists-heading">Lists</h2>
        <button type="button" className="btn small ghost" onClick={() => setJob({ kind: 'new' })}>
          <span aria-hidden="true">+ </span>New list
        </button>
      </div>
      {lists.length ? (
        <ul className={styles.group} aria-labelledby="lists-heading">
          {lists.map(listItem)}
        </ul>
      ) : (
        <p className={styles.none}>No lists yet.</p>
      )}
      <div className={styles.heading}>
        <h2 id="labels-heading">Labels</h2>
      </div>
      {data.labels.length ? (
        <ul className={styles.group} aria-labelledby="labels-heading">
          {data.labels.map((b) => (
            <li key={b.name} className={`sidebar-label ${styles.item}`}>
              {link(
                { label: b.name },
                <>
                  <span className={styles.name}># {b.name}</span>
                  <span className="sr-only">{b.taskCount === 1 ? ', 1 task' : `, ${b.taskCount} tasks`}</span>
                </>,
                b.taskCount,
              )}
            </li>
          ))}
        </ul>
      ) : (
        <p className={styles.none}>Labels you give tasks show here.</p>
      )}
      {data.error && (
        <p className="field-error" role="alert">
          Could not load your lists. {data.error}
        </p>
      )}
      {job && (
        <Suspense fallback={null}>
          <ListTools job={job} data={data} filters={filters} onDone={() => setJob(null)} onListsChanged={onListsChanged} />
        </Suspense>
      )}
    </nav>
  );
}
