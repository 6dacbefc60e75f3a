// Live updates (issue 14) in Chromium, two pages of the same user (one
// browser context: the same session cookie): the bell is live (no 30 s
// poll), a task created, changed or deleted in one page shows in the
// other without a reload, a completion's notification reaches the other
// page's bell, and an edit dialog open on a task changed elsewhere says so.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, VIEWPORTS, run, usePage, useBrowser } from './lib.mjs';
import { apiSend, assertNoProblems, bellCount, createTask, newPage, register, taskRow, waitFor } from './lib.mjs';

const browser = useBrowser();
const V = VIEWPORTS.find((v) => v.name === 'desktop');

describe('live updates, two pages of one user', () => {
  let a;
  let b;
  const user = { first: 'Ada', last: 'Live', email: `live-${run}@example.com` };

  usePage(browser, V, 'live', (p) => {
    a = p;
  });

  test('both pages hold a live stream; the bell does not poll', async () => {
    await register(a, 'live', null, user);
    b = await newPage(a.context());
    await b.goto(BASE + '/tasks');
    for (const p of [a, b]) {
      await waitFor(async () => (await p.locator('a.bell').getAttribute('data-live')) === 'on', 'the bell is live');
    }
    assert.equal(await b.locator('.live-off').count(), 0, 'no "live updates unavailable" mark');
  });

  test('a task created in one page appears in the other, its changes and its deletion too', async () => {
    await createTask(a, { title: 'Pushed across tabs' });
    await taskRow(b, 'Pushed across tabs').waitFor({ timeout: 5000 });
    const id = await taskRow(a, 'Pushed across tabs').getAttribute('data-task-id');
    const r = await apiSend(a, 'PATCH', `/api/tasks/${id}`, { title: 'Renamed elsewhere' });
    assert.equal(r.status, 200);
    await taskRow(b, 'Renamed elsewhere').waitFor({ timeout: 5000 });
    assert.equal((await apiSend(a, 'DELETE', `/api/tasks/${id}`)).status, 204);
    await taskRow(b, 'Renamed elsewhere').waitFor({ state: 'detached', timeout: 5000 });
  });

  test('a completion\'s notification reaches the other page\'s bell at once', async () => {
    const t = await apiSend(a, 'POST', '/api/tasks', { title: 'Complete me' });
    assert.equal(t.status, 201);
    const before = Number((await bellCount(b)) || 0);
    const r = await apiSend(a, 'PATCH', `/api/tasks/${t.json.task.id}`, { status: 'completed' });
    assert.equal(r.status, 200);
    await waitFor(async () => Number((await bellCount(b)) || 0) === before + 1, 'the bell counts it within 5 s', 5000);
  });

  test('an edit dialog open on a task changed elsewhere says so', async () => {
    const t = await apiSend(a, 'POST', '/api/tasks', { title: 'Edited in two places' });
    await b.goto(BASE + `/tasks?task=${t.json.task.id}&edit=1`);
    const dlg = b.locator('dialog[open]');
    await dlg.getByLabel('Title').waitFor();
    await dlg.getByLabel('Title').fill('Mine');
    await apiSend(a, 'PATCH', `/api/tasks/${t.json.task.id}`, { title: 'Theirs' });
    await b.locator('.changed-elsewhere').waitFor({ timeout: 5000 });
    assertNoProblems(a);
    assertNoProblems(b);
  });
});
