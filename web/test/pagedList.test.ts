// the pure parts of usePagedList: the next page's URL, appending a page
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { appendNew, withCursor } from '@/lib/usePagedList';

test('the cursor joins the query', () => {
  assert.equal(withCursor('/api/tasks?limit=20', 'a b/c'), '/api/tasks?limit=20&cursor=a%20b%2Fc');
  assert.equal(withCursor('/api/tasks', 'x'), '/api/tasks?cursor=x');
});

test('a page adds only the items not already listed, in its order', () => {
  const a = { id: 'a' };
  const b = { id: 'b' };
  const c = { id: 'c' };
  assert.deepEqual(appendNew([a, b], [{ id: 'b' }, c]), [a, b, c]);
  assert.deepEqual(appendNew([], [c, a]), [c, a]);
});
