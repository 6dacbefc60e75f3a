'use client';
// Live updates (issue 14): one EventSource on /api/events per tab
// (lib/eventSource.ts, loaded on first use to keep the pages' first-load
// JS in budget), shared by every hook below.  The browser sends the
// session cookie and, reconnecting, Last-Event-ID: nothing is missed
// within the server's 100 events / 10 minutes.  A stream that cannot open
// (401, 503: Redis down, no push here) is tried again with backoff, and
// pollWhileOffline() keeps the old polling meanwhile.

import { useEffect, useRef, useState } from 'react';

export type LiveTask = { op: 'created' | 'updated' | 'deleted'; id: string; version: number | null; task?: unknown };
export type LiveEvent =
  | { event: 'task'; data: LiveTask }
  | { event: 'notification' | 'notifications_read'; data: Record<string, unknown> };
export type Listener = (e: LiveEvent) => void;

const subs = new Set<Listener>();
const watchers = new Set<(live: boolean) => void>();
let live = false;
let started = false;

export const hub = {
  emit: (e: LiveEvent) => subs.forEach((f) => f(e)),
  setLive: (v: boolean) => {
    if (v !== live) watchers.forEach((f) => f((live = v)));
  },
};

function start() {
  if (!started && typeof EventSource !== 'undefined') {
    started = true;
    import('./eventSource').then((m) => m.open());
  }
}

/** calls f with the stream's state now and on every change (the stream
 * opens on first use); returns a stop */
export function watchLive(f: (live: boolean) => void): () => void {
  watchers.add(f);
  f(live);
  start();
  return () => watchers.delete(f);
}

/** calls onEvent with every live event while mounted; true while live */
export function useLiveEvents(onEvent?: Listener): boolean {
  const ref = useRef(onEvent);
  ref.current = onEvent;
  const [isLive, setIsLive] = useState(live);
  useEffect(() => {
    const f: Listener = (e) => ref.current?.(e);
    subs.add(f);
    watchers.add(setIsLive);
    setIsLive(live);
    start();
    return () => {
      subs.delete(f);
      watchers.delete(setIsLive);
    };
  }, []);
  return isLive;
}

/** runs poll every ms while the stream is not live; returns a stop */
export function pollWhileOffline(poll: () => void, ms: number): () => void {
  let timer: ReturnType<typeof setInterval> | undefined;
  const follow = (v: boolean) => {
    clearInterval(timer);
    if (!v) timer = setInterval(poll, ms);
  };
  watchers.add(follow);
  follow(live);
  return () => {
    watchers.delete(follow);
    clearInterval(timer);
  };
}
