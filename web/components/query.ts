'use client';
// The page's state lives in its query string (/tasks?status=open&task=<id>):
// reload and back/forward keep it, and a notification can link to a task.
// history.pushState/replaceState keep Next's useSearchParams in step
// without a request.
//
// A dialog opened here is a history entry of its own (marked in
// history.state): Back closes it, and closing it goes back, so Back never
// lands on the same screen again.  A dialog the page was opened with (a
// link, a reload of an unmarked entry) is closed in place.

// a new object each time: Next.js adds its own keys to the one it is given
const dialogState = () => ({ tmDialog: true });

const urlWith = (patch: Record<string, string | null>) => {
  const p = new URLSearchParams(location.search);
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || v === '') p.delete(k);
    else p.set(k, v);
  }
  const qs = p.toString();
  return location.pathname + (qs ? '?' + qs : '');
};

const inDialogEntry = () => !!(history.state as { tmDialog?: boolean } | null)?.tmDialog;

export function setQuery(patch: Record<string, string | null>, push = false) {
  const url = urlWith(patch);
  if (push) history.pushState(null, '', url);
  else history.replaceState(inDialogEntry() ? dialogState() : null, '', url);
}

export function openDialog(patch: Record<string, string | null>) {
  history.pushState(dialogState(), '', urlWith(patch));
}

// patch: what the URL loses when the dialog closes in place
export function closeDialog(patch: Record<string, string | null>) {
  if (inDialogEntry()) history.back();
  else setQuery(patch);
}
