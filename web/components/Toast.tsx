'use client';
// A short confirmation at the bottom of the screen, read out by screen
// readers (a polite live region that is always in the page).  With an
// undo it stays 8 s (longer while the pointer or the focus is on it) and
// offers "Undo" (also the key z on /tasks: the button's id is "undo").

import { useCallback, useEffect, useRef, useState } from 'react';
import styles from './Toast.module.css';

type Msg = { text: string; undo?: () => void };

export function useToast(): [React.ReactNode, (s: string, undo?: () => void) => void] {
  const [msg, setMsg] = useState<Msg>({ text: '' });
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const box = useRef<HTMLDivElement>(null);
  const announce = useCallback((text: string, undo?: () => void) => {
    clearTimeout(timer.current);
    setMsg({ text: '' });
    requestAnimationFrame(() => setMsg({ text, undo }));
    const end = (ms: number) =>
      (timer.current = setTimeout(() => (box.current?.matches(':hover, :focus-within') ? end(1000) : setMsg({ text: '' })), ms));
    end(undo ? 8000 : 5000);
  }, []);
  useEffect(() => () => clearTimeout(timer.current), []);
  const node = (
    <div ref={box} className={styles.toast}>
      <p role="status" aria-live="polite">
        {msg.text}
        {msg.undo && <span className="sr-only"> Press z to undo.</span>}
      </p>
      {msg.undo && msg.text && (
        <button
          type="button"
          id="undo"
          className={styles.undo}
          onClick={() => {
            setMsg({ text: '' });
            msg.undo!();
          }}
        >
          Undo
        </button>
      )}
    </div>
  );
  return [node, announce];
}
