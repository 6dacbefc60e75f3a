'use client';
// The search box: what is typed goes to the query string (?q=) once the
// typing pauses, and the list follows; "/" anywhere else focuses it.

import { useEffect, useRef, useState } from 'react';
import { setQuery } from '../query';
import { SEARCH_MAX } from './filters';
import styles from './SearchBox.module.css';

export const SEARCH_DELAY_MS = 300;

const typingSomewhere = (el: Element | null) =>
  !!el && (el.matches('input:not([type=checkbox]):not([type=radio]), textarea, select, [contenteditable=""], [contenteditable="true"]') || !!el.closest('dialog'));

export default function SearchBox({ value, error }: { value: string; error?: string }) {
  const [text, setText] = useState(value);
  const input = useRef<HTMLInputElement>(null);
  const sent = useRef(value);

  // the URL changed from elsewhere ("Clear filters", Back)
  useEffect(() => {
    if (value !== sent.current) {
      sent.current = value;
      setText(value);
    }
  }, [value]);

  useEffect(() => {
    if (text === sent.current) return;
    const t = setTimeout(() => {
      sent.current = text;
      setQuery({ q: text || null });
    }, SEARCH_DELAY_MS);
    return () => clearTimeout(t);
  }, [text]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey || typingSomewhere(document.activeElement)) return;
      e.preventDefault();
      input.current?.focus();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  return (
    <div className={`field ${styles.search}${error ? ' has-error' : ''}`} role="search">
      <label htmlFor="search" className="sr-only">
        Search tasks
      </label>
      <input
        ref={input}
        id="search"
        type="search"
        placeholder="Search tasks (press / to come here)"
        value={text}
        maxLength={SEARCH_MAX}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? 'search-error' : undefined}
        onChange={(e) => setText(e.target.value)}
      />
      {error && (
        <p className="field-error" id="search-error">
          <span aria-hidden="true">⚠ </span>
          {error}
        </p>
      )}
    </div>
  );
}
