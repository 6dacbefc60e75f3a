'use client';
// A short confirmation at the bottom of the screen, read out by screen
// readers (a polite live region that is always in the page).

import { useCallback, useEffect, useRef, useState } from 'react';
import styles from './Toast.module.css';

export function useToast(): [React.ReactNode, (s: string) => void] {
  const [text, setText] = useState('');
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const announce = useCallback((s: string) => {
    clearTimeout(timer.current);
    setText('');
    requestAnimationFrame(() => setText(s));
    timer.current = setTimeout(() => setText(''), 5000);
  }, []);
  useEffect(() => () => clearTimeout(timer.current), []);
  const node = (
    <p className={styles.toast} role="status" aria-live="polite">
      {text}
    </p>
  );
  return [node, announce];
}
