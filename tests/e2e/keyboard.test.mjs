// Keyboard-first /tasks, bulk actions, undo and the trash (issue 13), at
// both sizes and in both themes: the shortcut sheet (?), j/k between the
// tasks, the keys doing nothing while typing, x / 1-4 / # / Delete / e on
// one task, each undone (z or the toast's Undo) and checked in the API;
// Shift+j/k, Shift+click and the menu's Select choosing several tasks, the
// bulk bar's every action and its undo; the trash reached from the
// sidebar, a task restored and one deleted forever.  axe on each new screen.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, VIEWPORTS, run, usePage, useBrowser } from './lib.mjs';
import { apiGet, apiSend, register, rowAction, taskRow } from './lib.mjs';
import { assertNoProblems, screen, waitFor, waitPath } from './lib.mjs';

const browser = useBrowser();

const TITLES = ['Alpha report', 'Bravo call', 'Charlie invoice', 'Delta tickets', 'Echo backup'];

const dialog = (page) => page.locator('dialog[open]');
const undoButton = (page) => page.getByRole('button', { name: 'Undo', exact: true });
const toastSays = (page, re) => page.locator('p[role="status"][aria-live="polite"]').filter({ hasText: re }).waitFor();

// the row the focus is in (its task id), and the rows' ids in order
const focusedRow = (page) => page.evaluate(() => document.activeElement?.closest('li.task')?.dataset.taskId ?? null);
const rowIds = (page) => page.locator('li.task').evaluateAll((els) => els.map((e) => e.dataset.taskId));
const blur = (page) => page.evaluate(() => document.activeElement?.blur());

async function getTask(page, id) {
  return (await apiGet(page, '/api/tasks/' + encodeURIComponent(id))).json?.task ?? null;
}

// wait until every one of these tasks is as `check` wants it (in the API)
async function apiSays(page, ids, check, what) {
  await waitFor(async () => (await Promise.all(ids.map((id) => getTask(page, id)))).every((t) => t && check(t)), what);
}

const trashIds = async (page) => (await apiGet(page, '/api/tasks?trash=true')).json.items.map((t) => t.id);

for (const V of VIEWPORTS.filter((v) => !process.env.E2E_ONLY || v.name === process.env.E2E_ONLY)) {
  describe(`keyboard, bulk and trash, ${V.name} (${V.colorScheme}, ${V.timezoneId})`, () => {
    let page;
    const vp = 'keyboard-' + V.name;
    const user = { first: 'Kim', last: 'Keys', email: `kim-${V.name}-${run}@example.com` };
    let work;
    const id = {};

    usePage(browser, V, vp, (p) => {
      page = p;
    });

    test('the shortcut sheet; j and k move between the tasks; no key acts while typing', async () => {
      await register(page, vp, null, user);
      // the first /tasks fully up before the next load (not cut off mid-hydration)
      await page.locator('#quick-add').waitFor();
      await page.waitForLoadState('networkidle').catch(() => undefined);
      work = (await apiSend(page, 'POST', '/api/lists', { name: 'Work' })).json.list;
      for (const title of TITLES) {
        const r = await apiSend(page, 'POST', '/api/tasks', { title, reminders: [] });
        assert.equal(r.status, 201);
        id[title] = r.json.task.id;
      }
      await page.goto(BASE + '/tasks');
      await waitFor(async () => (await page.locator('li.task').count()) === 5, 'five tasks');
      await page.locator('#quick-add').waitFor();

      await page.keyboard.press('?');
      const sheet = dialog(page);
      await sheet.getByRole('heading', { name: 'Keyboard shortcuts' }).waitFor();
      assert.ok((await sheet.locator('tbody tr').count()) >= 12, 'every shortcut listed');
      await sheet.getByRole('rowheader', { name: 'x' }).waitFor();
      await screen(page, vp, 1, 'shortcut-sheet');
      await page.keyboard.press('Escape');
      await sheet.waitFor({ state: 'detached' });

      const rows = await rowIds(page);
      await page.keyboard.press('j');
      await waitFor(async () => (await focusedRow(page)) === rows[0], 'j: the first task');
      await page.keyboard.press('j');
      await waitFor(async () => (await focusedRow(page)) === rows[1], 'j: the second');
      await page.keyboard.press('k');
      await waitFor(async () => (await focusedRow(page)) === rows[0], 'k: the first again');

      // typed into a field, the keys are text
      await page.locator('#quick-add').focus();
      await page.keyboard.type('xj#1');
      assert.equal(await page.locator('#quick-add').inputValue(), 'xj#1');
      await page.keyboard.press('Escape');
      assert.equal(await page.locator('#quick-add').inputValue(), '');
      assert.equal(await page.locator('dialog[open]').count(), 0, 'no dialog opened');
      for (const t of TITLES) assert.equal((await getTask(page, id[t])).status, 'pending', `${t} untouched`);
      assertNoProblems(page);
    });

    test('one task: x, a priority, # and Delete, each undone; e edits', async () => {
      await blur(page);
      const first = (await rowIds(page))[0];
      const title = TITLES.find((t) => id[t] === first);
      await page.keyboard.press('j');
      await waitFor(async () => (await focusedRow(page)) === first, 'on the first task');

      // x completes; z takes it back
      await page.keyboard.press('x');
      await apiSays(page, [first], (t) => t.status === 'completed', 'completed');
      await toastSays(page, `“${title}” is now completed.`);
      await undoButton(page).waitFor();
      await screen(page, vp, 2, 'undo-toast');
      await page.keyboard.press('z');
      await apiSays(page, [first], (t) => t.status === 'pending', 'pending again');
      await waitFor(async () => (await taskRow(page, title).getAttribute('data-status')) === 'pending', 'the row pending');

      // 2: priority 2; the toast's Undo takes it back
      await taskRow(page, title).locator('.task-title a').focus();
      await page.keyboard.press('2');
      await apiSays(page, [first], (t) => t.priority === 2, 'priority 2');
      await toastSays(page, `“${title}”: priority 2.`);
      await undoButton(page).click();
      await apiSays(page, [first], (t) => t.priority === 4, 'priority 4 again');
      await waitFor(async () => (await focusedRow(page)) === first, 'the focus back on the task');

      // #: the list dialog, filtered by typing, Enter moves
      await page.keyboard.press('#');
      const move = dialog(page);
      await move.getByRole('heading', { name: 'Move to a list' }).waitFor();
      await page.keyboard.type('wo');
      await waitFor(async () => (await move.locator('ul button').count()) === 1, 'Work alone left');
      await screen(page, vp, 3, 'move-dialog');
      await page.keyboard.press('Enter');
      await move.waitFor({ state: 'detached' });
      await apiSays(page, [first], (t) => t.listId === work.id, 'in Work');
      await toastSays(page, `“${title}” moved to Work.`);
      await page.keyboard.press('z');
      await apiSays(page, [first], (t) => t.listId === 'inbox', 'back in the Inbox');

      // Delete: to the trash, the focus to the next task; z restores
      await taskRow(page, title).locator('.task-title a').focus();
      const second = (await rowIds(page))[1];
      await page.keyboard.press('Delete');
      await taskRow(page, title).waitFor({ state: 'detached' });
      assert.ok((await trashIds(page)).includes(first), 'in the trash');
      await waitFor(async () => (await focusedRow(page)) === second, 'the focus on the next task');
      await toastSays(page, `“${title}” moved to the trash.`);
      await page.keyboard.press('z');
      await taskRow(page, title).waitFor();
      assert.deepEqual(await trashIds(page), [], 'restored');
      assert.equal((await rowIds(page))[0], first, 'at its old place');

      // e: the edit dialog
      await taskRow(page, title).locator('.task-title a').focus();
      await page.keyboard.press('e');
      await waitPath(page, /[?&]edit=1/);
      await dialog(page).getByRole('button', { name: 'Save changes' }).waitFor();
      await page.keyboard.press('Escape');
      await dialog(page).waitFor({ state: 'detached' });
      assertNoProblems(page);
    });

    test('several tasks: Shift+j, the bulk bar, every action and its undo', async () => {
      await blur(page);
      const rows = await rowIds(page);
      const three = rows.slice(0, 3);
      await page.keyboard.press('j');
      await page.keyboard.press('Shift+J');
      await page.keyboard.press('Shift+J');
      await waitFor(async () => (await page.locator('li.task.selected').count()) === 3, 'three selected');
      const bar = page.getByRole('region', { name: '3 tasks selected' });
      await bar.waitFor();
      await page.locator('p.sr-only[role="status"]').filter({ hasText: '3 tasks selected.' }).waitFor();
      await screen(page, vp, 4, 'bulk-bar');

      // x on a selection: one batch; z reopens them
      await page.keyboard.press('x');
      await apiSays(page, three, (t) => t.status === 'completed', 'three completed');
      await toastSays(page, '3 tasks completed.');
      await page.keyboard.press('z');
      await apiSays(page, three, (t) => t.status === 'pending', 'three reopened');

      // the bar: priority
      await bar.getByLabel('Priority').selectOption('1');
      await bar.getByRole('button', { name: 'Set' }).click();
      await apiSays(page, three, (t) => t.priority === 1, 'priority 1');
      await undoButton(page).click();
      await apiSays(page, three, (t) => t.priority === 4, 'priority back');

      // a label added, then removed, the removal undone
      await bar.getByLabel('Label').fill('urgent');
      await bar.getByRole('button', { name: 'Add label' }).click();
      await apiSays(page, three, (t) => t.labels.includes('urgent'), 'labelled');
      await toastSays(page, 'Label “urgent” added to 3 tasks.');
      await bar.getByLabel('Remove').selectOption('urgent');
      await bar.getByRole('button', { name: 'Remove label' }).click();
      await apiSays(page, three, (t) => !t.labels.includes('urgent'), 'unlabelled');
      await undoButton(page).click();
      await apiSays(page, three, (t) => t.labels.includes('urgent'), 'labelled again');

      // move to Work and back
      await bar.getByRole('button', { name: 'Move…' }).click();
      await dialog(page).getByRole('button', { name: /^Work/ }).click();
      await apiSays(page, three, (t) => t.listId === work.id, 'moved');
      await toastSays(page, '3 tasks moved to Work.');
      await undoButton(page).click();
      await apiSays(page, three, (t) => t.listId === 'inbox', 'moved back');

      // delete: gone from the list, in the trash; Undo brings them back
      await bar.getByRole('button', { name: 'Delete' }).click();
      await waitFor(async () => (await page.locator('li.task').count()) === 2, 'two left');
      assert.deepEqual((await trashIds(page)).sort(), [...three].sort());
      await bar.waitFor({ state: 'detached' });
      await undoButton(page).click();
      await waitFor(async () => (await page.locator('li.task').count()) === 5, 'five again');
      assert.deepEqual(await rowIds(page), rows, 'in their old places');
      assert.deepEqual(await trashIds(page), []);

      // Shift+click: a range; Escape clears
      await taskRow(page, TITLES.find((t) => id[t] === rows[1])).locator('.task-title a').click({ modifiers: ['Shift'] });
      await taskRow(page, TITLES.find((t) => id[t] === rows[3])).locator('.task-title a').click({ modifiers: ['Shift'] });
      await waitFor(async () => (await page.locator('li.task.selected').count()) === 3, 'a range of three');
      assert.deepEqual(await page.locator('li.task.selected').evaluateAll((els) => els.map((e) => e.dataset.taskId)), rows.slice(1, 4));
      assert.ok(!/[?&]task=/.test(page.url()), 'no task opened');
      await page.keyboard.press('Escape');
      await waitFor(async () => (await page.locator('li.task.selected').count()) === 0, 'cleared');
      await page.locator('.bulk-bar').waitFor({ state: 'detached' });

      // the row menu's Select (touch screens, screen readers)
      const t4 = TITLES.find((t) => id[t] === rows[4]);
      await rowAction(page, t4, 'Select');
      await page.getByRole('region', { name: '1 task selected' }).waitFor();
      await rowAction(page, t4, 'Deselect');
      await page.locator('.bulk-bar').waitFor({ state: 'detached' });
      assertNoProblems(page);
    });

    test('the trash: from the sidebar, a task restored, one deleted forever', async () => {
      const [a, b] = [id[TITLES[0]], id[TITLES[1]]];
      for (const x of [a, b]) assert.equal((await apiSend(page, 'DELETE', '/api/tasks/' + x)).status, 204);
      await page.goto(BASE + '/tasks');
      await page.locator('li.task').first().waitFor();
      if (V.isMobile) await page.getByRole('button', { name: 'Lists' }).click();
      await page.locator('#sidebar').getByRole('link', { name: 'Trash' }).click();
      await waitPath(page, /^\/trash$/);
      await page.getByRole('heading', { name: 'Trash', level: 1 }).waitFor();
      await waitFor(async () => (await page.locator('li.trashed').count()) === 2, 'two in the trash');
      await screen(page, vp, 5, 'trash');

      await page.getByRole('button', { name: `Restore “${TITLES[0]}”` }).click();
      await page.locator('li.trashed').filter({ hasText: TITLES[0] }).waitFor({ state: 'detached' });
      await toastSays(page, `“${TITLES[0]}” restored`);
      assert.equal((await getTask(page, a)).title, TITLES[0], 'back among the tasks');

      await page.getByRole('button', { name: `Delete forever “${TITLES[1]}”` }).click();
      const dlg = dialog(page);
      await dlg.getByRole('heading', { name: 'Delete forever?' }).waitFor();
      await screen(page, vp, 6, 'trash-delete-forever');
      await dlg.getByRole('button', { name: 'Delete forever' }).click();
      await dlg.waitFor({ state: 'detached' });
      await page.getByRole('heading', { name: 'The trash is empty' }).waitFor();
      assert.equal((await apiGet(page, '/api/tasks/' + b)).status, 404, 'gone for good');
      assert.deepEqual(await trashIds(page), []);
      await screen(page, vp, 7, 'trash-empty');
      await page.getByRole('link', { name: 'Back to tasks' }).click();
      await waitPath(page, /^\/tasks/);
      await taskRow(page, TITLES[0]).waitFor();
      assertNoProblems(page);
    });
  });
}
