'use client';
// A modal on the native <dialog>: focus stays inside, Escape closes, the
// page behind is inert; focus goes back where it was on close.  While
// busy (a save in flight) nothing closes it: Escape and × wait.

import { useEffect, useRef } from 'react';
import styles from './Dialog.module.css';

export default function Dialog({
  title,
  onClose,
  children,
  narrow,
  busy,
}: {
  title: string;
  // Escape or ×: the owner decides (it may ask first)
  onClose: () => void;
  children: React.ReactNode;
  // a short question rather than a form
  narrow?: boolean;
  busy?: boolean;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const close = useRef(onClose);
  const waiting = useRef(busy);
  useEffect(() => {
    close.current = onClose;
    waiting.current = busy;
  });

  useEffect(() => {
    const d = ref.current!;
    const before = document.activeElement as HTMLElement | null;
    if (!d.open) d.showModal();
    // React's autoFocus runs before the dialog is open: do it here
    d.querySelector<HTMLElement>('[data-autofocus]')?.focus();
    const request = () => {
      if (!waiting.current) close.current();
    };
    // Escape is handled here, before it becomes the dialog's own close
    // request (which Chromium stops letting a page refuse twice in a row)
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      e.preventDefault();
      request();
    };
    const onCancel = (e: Event) => {
      e.preventDefault();
      request();
    };
    // closed by the browser anyway: open again, the owner decides
    let mounted = true;
    const onNativeClose = () => {
      if (mounted && d.isConnected) d.showModal();
    };
    d.addEventListener('keydown', onKey);
    d.addEventListener('cancel', onCancel);
    d.addEventListener('close', onNativeClose);
    return () => {
      mounted = false;
      d.removeEventListener('keydown', onKey);
      d.removeEventListener('cancel', onCancel);
      d.removeEventListener('close', onNativeClose);
      if (d.open) d.close();
      if (before && document.contains(before)) before.focus();
    };
  }, []);

  return (
    <dialog ref={ref} className={narrow ? `${styles.dialog} ${styles.narrow}` : styles.dialog} aria-labelledby="dialog-title" aria-busy={busy || undefined}>
      <div className={styles.head}>
        <h2 id="dialog-title">{title}</h2>
        <button type="button" className={styles.close} onClick={() => close.current()} aria-label="Close" disabled={busy}>
          <span aria-hidden="true">×</span>
        </button>
      </div>
      {children}
    </dialog>
  );
}
