'use client';
// The quick-add bar at the top of every task view: one line such as "Pay
// rent tomorrow 5pm #Home @bills p1" (q anywhere comes here).  As the
// typing pauses (150 ms) POST /api/tasks/parse reads it: the parts it
// recognised are highlighted in the line (a layer behind the input, the
// same text in transparent ink) and the task it will make is spelled out
// under it; Enter sends the line as it is, {"quickAdd"}.  In a list's
// view a line that names no list goes to that list.

import { Fragment, useEffect, useRef, useState } from 'react';
import { api, ApiError, errorText, isSessionRedirect, type Task, type TaskList } from '@/lib/api';
import styles from './QuickAdd.module.css';
import { lineToSend, PARSE_DELAY_MS, previewParts, QUICK_ADD_MAX, segments, type Parsed } from './quickAdd';

export default function QuickAdd({ lists, viewList, onAdded }: { lists: TaskList[]; viewList?: TaskList; onAdded: (t: Task) => void }) {
  const [text, setText] = useState('');
  // the reading of `for`: the task and its parts, or "no title left"
  const [parsed, setParsed] = useState<{ for: string; p: Parsed | null } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const layer = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!text.trim()) return;
    const ac = new AbortController();
    const t = setTimeout(() => {
      api<Parsed>('/api/tasks/parse', { method: 'POST', body: { text }, signal: ac.signal })
        .then((p) => setParsed({ for: text, p }))
        .catch((e: unknown) => {
          if (e instanceof ApiError && e.code === 'empty_title') setParsed({ for: text, p: null });
        });
    }, PARSE_DELAY_MS);
    return () => {
      clearTimeout(t);
      ac.abort();
    };
  }, [text]);

  // the highlights follow the input's horizontal scroll
  const follow = () => {
    if (layer.current && input.current) layer.current.scrollLeft = input.current.scrollLeft;
  };
  useEffect(follow);

  // the highlights only for the very text read; the words may lag a little
  const p = parsed && parsed.for === text ? parsed.p : null;

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    if (busy) return;
    if (!text.trim()) {
      setError('Type a task first, such as “Pay rent tomorrow 5pm #Home @bills p1”.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const d = await api<{ task: Task }>('/api/tasks', { method: 'POST', body: { quickAdd: lineToSend(text, viewList) } });
      setText('');
      setParsed(null);
      onAdded(d.task);
    } catch (e2) {
      if (isSessionRedirect(e2)) return;
      setError(e2 instanceof ApiError && e2.code === 'empty_title' ? 'Add a title: the rest is read as a date, list, label or priority.' : errorText(e2));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className={`quick-add ${styles.quick}`} onSubmit={submit} aria-label="Quick add">
      <label htmlFor="quick-add" className="sr-only">
        Add a task
      </label>
      <div className={styles.box}>
        <div ref={layer} className={styles.layer} aria-hidden="true">
          {p
            ? segments(text, p.tokens).map((s, i) =>
                s.kind ? (
                  <mark key={i} className={`qa-token ${styles.token} ${styles[s.kind]}`} data-kind={s.kind}>
                    {s.text}
                  </mark>
                ) : (
                  <span key={i}>{s.text}</span>
                ),
              )
            : text}
        </div>
        <input
          ref={input}
          id="quick-add"
          className={styles.input}
          type="text"
          autoComplete="off"
          spellCheck={false}
          enterKeyHint="enter"
          placeholder="Add a task: “Pay rent tomorrow 5pm #Home @bills p1” (q)"
          value={text}
          maxLength={QUICK_ADD_MAX}
          readOnly={busy}
          aria-invalid={error ? true : undefined}
          aria-describedby={`quick-add-help${text.trim() ? ' quick-add-preview' : ''}${error ? ' quick-add-error' : ''}`}
          onChange={(e) => {
            setText(e.target.value);
            setError(null);
          }}
          onScroll={follow}
          onKeyDown={(e) => {
            if (e.key === 'Escape' && text) {
              e.preventDefault();
              setText('');
              setError(null);
            }
          }}
        />
      </div>
      <p id="quick-add-help" className="sr-only">
        Type the task with its due date, #list, @labels, priority p1 to p4 and a repeat such as every monday; Enter adds it.
      </p>
      {text.trim() && (
        <p id="quick-add-preview" className={`quick-add-preview ${styles.preview}`}>
          {parsed?.p ? (
            <>
              Adds{' '}
              {previewParts(parsed.p.task, lists, viewList).map((x, i) => (
                <Fragment key={i}>
                  {i ? ', ' : ''}
                  <span className={`qa-part ${styles.part} ${styles[x.kind]}`} data-kind={x.kind}>
                    {x.text}
                  </span>
                </Fragment>
              ))}
            </>
          ) : parsed ? (
            'Add a title: the rest is read as a date, list, label or priority.'
          ) : (
            'Reading…'
          )}
        </p>
      )}
      {error && (
        <p id="quick-add-error" className="field-error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
