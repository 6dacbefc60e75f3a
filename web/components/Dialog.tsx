'use client';
// A modal on the native <dialog>: focus stays inside, Escape closes, the
// page behind is inert; focus goes back where it was on close.

import { useEffect, useRef } from 'react';
import styles from './Dialog.module.css';

export default function Dialog({
  title,
  onClose,
  children,
  narrow,
}: {
  title: string;
  onClose: () => void;
  children: React.ReactNode;
  // a short question rather than a form
  narrow?: boolean;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const close = useRef(onClose);
  close.current = onClose;

  useEffect(() => {
    const d = ref.current!;
    const before = document.activeElement as HTMLElement | null;
    if (!d.open) d.showModal();
    // React's autoFocus runs before the dialog is open: do it here
    d.querySelector<HTMLElement>('[data-autofocus]')?.focus();
    const onCancel = (e: Event) => {
      e.preventDefault();
      close.current();
    };
    d.addEventListener('cancel', onCancel);
    return () => {
      d.removeEventListener('cancel', onCancel);
      if (d.open) d.close();
      if (before && document.contains(before)) before.focus();
    };
  }, []);

  return (
    <dialog ref={ref} className={narrow ? `${styles.dialog} ${styles.narrow}` : styles.dialog} aria-labelledby="dialog-title">
      <div className={styles.head}>
        <h2 id="dialog-title">{title}</h2>
        <button type="button" className={styles.close} onClick={() => close.current()} aria-label="Close">
          <span aria-hidden="true">×</span>
        </button>
      </div>
      {children}
    </dialog>
  );
}
