'use client';
// The page's state lives in its query string (/tasks?status=open&task=<id>):
// reload and back/forward keep it, and a notification can link to a task.
// history.pushState/replaceState keep Next's useSearchParams in step
// without a request.

export function setQuery(patch: Record<string, string | null>, push = false) {
  const p = new URLSearchParams(location.search);
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || v === '') p.delete(k);
    else p.set(k, v);
  }
  const qs = p.toString();
  const url = location.pathname + (qs ? '?' + qs : '');
  if (push) history.pushState(null, '', url);
  else history.replaceState(null, '', url);
}
