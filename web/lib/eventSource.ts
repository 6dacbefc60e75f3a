'use client';
// The EventSource of lib/events.ts, loaded on first use: one per tab, on
// /api/events, open for the tab's life.  The browser retries after a network error by itself (with
// Last-Event-ID); a stream that could not open (401, 503) is ours to try
// again, with backoff from 2 s to a minute.

import { notificationsChanged } from './api';
import { hub, type LiveEvent } from './events';

const NAMES = ['notification', 'task', 'notifications_read'] as const;
let source: EventSource | null = null;
let retryMs = 2000;

export function open() {
  if (source) return;
  const es = new EventSource('/api/events');
  source = es;
  es.onopen = () => {
    retryMs = 2000;
    hub.setLive(true);
  };
  es.onerror = () => {
    hub.setLive(false);
    // CONNECTING: the browser retries; CLOSED: it gave up (not a stream)
    if (es.readyState !== EventSource.CLOSED) return;
    es.close();
    source = null;
    setTimeout(open, retryMs);
    retryMs = Math.min(retryMs * 2, 60_000);
  };
  for (const name of NAMES) {
    es.addEventListener(name, (m) => {
      let data;
      try {
        data = JSON.parse((m as MessageEvent<string>).data);
      } catch {
        return;
      }
      // the bell reloads its count on this
      if (name !== 'task') notificationsChanged();
      hub.emit({ event: name, data } as LiveEvent);
    });
  }
}
