'use client';
// A list the API hands out in pages (items + nextCursor): the first page
// whenever the query (its URL) changes, further pages on loadMore.  Each
// query gets one AbortController, shared by its first page and its "Load
// more" requests: a new query (or a reload) aborts them all, so a page of
// the old query can never land in the new list.

import { useCallback, useEffect, useRef, useState } from 'react';
import { api, ApiError, errorText, isRetryable, isSessionRedirect, type Page } from './api';

export type ListState = 'loading' | 'ready' | 'error' | 'absent';

export interface PagedListOptions<P> {
  // every page that arrives for the current query (first: the first page)
  onPage?: (page: P, first: boolean) => void;
  // a 404 for the first page means "this server has no such list"
  absentOn404?: boolean;
}

export interface PagedList<T> {
  items: T[];
  cursor: string | null;
  state: ListState;
  // why the first page failed (state 'error'), and whether asking again
  // can help (not for a request the server refuses as it is)
  error: string | null;
  retryable: boolean;
  // a "Load more" is in flight / why the last one failed
  more: boolean;
  moreError: string | null;
  loadMore: () => Promise<void>;
  reload: () => void;
  // local changes after an action (a task saved, a notification deleted)
  setItems: React.Dispatch<React.SetStateAction<T[]>>;
  setCursor: React.Dispatch<React.SetStateAction<string | null>>;
}

interface Query {
  url: string;
  ac: AbortController;
}

// the old items, then those of the new page not already there
export function appendNew<T extends { id: string }>(old: T[], page: T[]): T[] {
  const seen = new Set(old.map((x) => x.id));
  return old.concat(page.filter((x) => !seen.has(x.id)));
}

export function withCursor(url: string, cursor: string): string {
  return url + (url.includes('?') ? '&' : '?') + 'cursor=' + encodeURIComponent(cursor);
}

export function usePagedList<T extends { id: string }, P extends Page<T> = Page<T>>(
  url: string,
  options: PagedListOptions<P> = {},
): PagedList<T> {
  const [items, setItems] = useState<T[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [state, setState] = useState<ListState>('loading');
  const [error, setError] = useState<string | null>(null);
  const [retryable, setRetryable] = useState(true);
  const [more, setMore] = useState(false);
  const [moreError, setMoreError] = useState<string | null>(null);
  const [reloads, setReloads] = useState(0);
  const query = useRef<Query | null>(null);
  // the latest callbacks, read when a page arrives: they are not part of
  // the query, so changing them must not refetch
  const opts = useRef(options);
  useEffect(() => {
    opts.current = options;
  });

  useEffect(() => {
    const ac = new AbortController();
    query.current = { url, ac };
    setState('loading');
    setError(null);
    setMore(false);
    setMoreError(null);
    api<P>(url, { signal: ac.signal })
      .then((p) => {
        if (ac.signal.aborted) return;
        setItems(p.items);
        setCursor(p.nextCursor);
        setState('ready');
        opts.current.onPage?.(p, true);
      })
      .catch((e: unknown) => {
        if (ac.signal.aborted || isSessionRedirect(e)) return;
        if (opts.current.absentOn404 && e instanceof ApiError && e.status === 404) {
          setState('absent');
          return;
        }
        setError(errorText(e));
        setRetryable(isRetryable(e));
        setState('error');
      });
    return () => ac.abort();
  }, [url, reloads]);

  const loadMore = useCallback(async () => {
    const q = query.current;
    if (!cursor || !q) return;
    const { ac } = q;
    setMore(true);
    setMoreError(null);
    try {
      const p = await api<P>(withCursor(q.url, cursor), { signal: ac.signal });
      if (ac.signal.aborted) return;
      setItems((old) => appendNew(old, p.items));
      setCursor(p.nextCursor);
      opts.current.onPage?.(p, false);
    } catch (e) {
      if (ac.signal.aborted || isSessionRedirect(e)) return;
      setMoreError(errorText(e));
    } finally {
      // an aborted query's state is the new query's to set
      if (!ac.signal.aborted) setMore(false);
    }
  }, [cursor]);

  const reload = useCallback(() => setReloads((n) => n + 1), []);

  return { items, cursor, state, error, retryable, more, moreError, loadMore, reload, setItems, setCursor };
}
