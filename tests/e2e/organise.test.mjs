// Organising and finding tasks (issue 12), at both sizes and in both
// themes, against the real stack through nginx: the sidebar's lists
// (create, rename, recolour, reorder, delete with the tasks moved), the
// labels as filters, the search box, Today and Upcoming, the list,
// priority and label pickers of the task form, "Show completed", and how
// many dense rows fit on the screen.  axe on every new screen.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, VIEWPORTS, run, usePage, useBrowser } from './lib.mjs';
import { apiGet, apiSend, fillTask, register, rowCheckbox, taskRow } from './lib.mjs';
import { assertNoProblems, path, screen, waitFor } from './lib.mjs';

const browser = useBrowser();

const dialog = (page) => page.locator('dialog[open]');
const sidebar = (page) => page.locator('#sidebar');
const sidebarList = (page, name) => page.locator('#sidebar li.sidebar-list', { hasText: name });

async function newTask(page, data) {
  const r = await apiSend(page, 'POST', '/api/tasks', data);
  assert.equal(r.status, 201, JSON.stringify(r.json));
  return r.json.task;
}

async function lists(page) {
  return (await apiGet(page, '/api/lists')).json.items;
}

// the titles of the rows shown, in order
const shownTitles = (page) => page.locator('li.task .task-title').allTextContents();

async function waitTitles(page, expected, what) {
  await waitFor(async () => (await shownTitles(page)).slice().sort().join('|') === [...expected].sort().join('|'), what);
}

for (const V of VIEWPORTS.filter((v) => !process.env.E2E_ONLY || v.name === process.env.E2E_ONLY)) {
  describe(`organise, ${V.name} (${V.colorScheme}, ${V.timezoneId})`, () => {
    let page;
    const vp = 'organise-' + V.name;
    const user = { first: 'Grace', last: 'Hopper', email: `grace-${V.name}-${run}@example.com` };
    const phone = V.name === 'mobile';

    // the sidebar: beside the list on a desktop, a drawer on a phone
    async function openSidebar() {
      if (phone && !(await sidebar(page).isVisible())) {
        await page.getByRole('button', { name: 'Lists' }).click();
        await sidebar(page).waitFor({ state: 'visible' });
      }
    }
    async function goTo(name) {
      await openSidebar();
      await sidebar(page).getByRole('link', { name }).first().click();
      if (phone) await sidebar(page).waitFor({ state: 'hidden' });
    }
    async function listAction(name, action) {
      await openSidebar();
      await sidebarList(page, name).getByRole('button', { name: /^Actions for the list/ }).click();
      await sidebarList(page, name).getByRole('menuitem', { name: action }).click();
    }

    usePage(browser, V, vp, (p) => {
      page = p;
    });

    test('registration keeps the browser’s time zone', async () => {
      await register(page, vp, null, user);
      const me = (await apiGet(page, '/api/users/me')).json.user;
      // as the browser names it (Chromium says Asia/Calcutta for Kolkata)
      assert.equal(me.timeZone, await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone));
      const now = new Date();
      assert.equal(
        now.toLocaleString('en-US', { timeZone: me.timeZone }),
        now.toLocaleString('en-US', { timeZone: V.timezoneId }),
        'the same zone as the browser’s',
      );
    });

    test('lists: create, refuse a duplicate, rename and recolour, reorder, delete with the tasks moved', async () => {
      await page.goto(BASE + '/tasks');
      await openSidebar();
      await sidebarList(page, 'Inbox').waitFor();
      await screen(page, vp, 1, 'sidebar');
      for (const name of ['Work', 'Home', 'Errands']) {
        await sidebar(page).getByRole('button', { name: 'New list' }).click();
        await dialog(page).getByLabel('Name').fill(name);
        if (name === 'Work') await screen(page, vp, 2, 'list-new');
        await dialog(page).getByRole('button', { name: 'Create list' }).click();
        await dialog(page).waitFor({ state: 'detached' });
        await sidebarList(page, name).waitFor();
      }
      // a name in use, whatever its case: said beside the field
      await sidebar(page).getByRole('button', { name: 'New list' }).click();
      await dialog(page).getByLabel('Name').fill('work');
      await dialog(page).getByRole('button', { name: 'Create list' }).click();
      await dialog(page).locator('#list-name-error').getByText('You already have a list with this name.').waitFor();
      await dialog(page).getByRole('button', { name: 'Cancel' }).click();
      await dialog(page).waitFor({ state: 'detached' });
      const names = () => page.locator('#sidebar li.sidebar-list .list-name').allTextContents();
      assert.deepEqual((await lists(page)).map((l) => l.name), ['Inbox', 'Work', 'Home', 'Errands']);

      // rename and recolour
      await listAction('Errands', 'Rename or recolour');
      await dialog(page).getByLabel('Name').fill('Shopping');
      await dialog(page).getByLabel('Colour').fill('#16a34a');
      await dialog(page).getByRole('button', { name: 'Save' }).click();
      await dialog(page).waitFor({ state: 'detached' });
      await sidebarList(page, 'Shopping').waitFor();
      const shopping = (await lists(page)).find((l) => l.name === 'Shopping');
      assert.equal(shopping.color, '#16a34a');

      // Shopping up, above Home; a reload keeps the order
      await listAction('Shopping', 'Move up');
      await waitFor(async () => (await lists(page)).map((l) => l.name).join('|') === 'Inbox|Work|Shopping|Home', 'Shopping above Home on the server');
      await page.reload();
      await openSidebar();
      await waitFor(async () => (await names()).join('|') === 'Inbox|Work|Shopping|Home', 'the sidebar in the new order');
      await listAction('Work', 'Move down');
      await waitFor(async () => (await names()).join('|') === 'Inbox|Shopping|Work|Home', 'Work below Shopping');
      if (phone) await page.keyboard.press('Escape');

      // Home has a task: deleting it asks, and moves the task to the Inbox
      const home = (await lists(page)).find((l) => l.name === 'Home');
      const chore = await newTask(page, { title: 'Fix the tap', listId: home.id });
      await page.reload();
      await goTo('Home');
      await waitTitles(page, ['Fix the tap'], 'the task of Home');
      assert.match(path(page), new RegExp('list=' + home.id));
      await page.getByRole('heading', { level: 1, name: 'Home' }).waitFor();
      await listAction('Home', 'Delete');
      const dlg = dialog(page);
      await dlg.getByRole('heading', { name: 'Delete the list?' }).waitFor();
      await dlg.getByText('It has one task not completed.').waitFor();
      assert.equal(await dlg.getByLabel('Move them to the Inbox').isChecked(), true, 'moving is the default');
      await screen(page, vp, 3, 'list-delete');
      await dlg.getByRole('button', { name: 'Delete list' }).click();
      await dlg.waitFor({ state: 'detached' });
      await waitFor(async () => !(await lists(page)).some((l) => l.name === 'Home'), 'Home gone');
      const moved = (await apiGet(page, '/api/tasks/' + chore.id)).json.task;
      assert.equal(moved.listId, 'inbox', 'its task moved to the Inbox');
      // the page showed Home: it shows the Inbox now, with the task
      await page.getByRole('heading', { level: 1, name: 'Inbox' }).waitFor();
      await waitTitles(page, ['Fix the tap'], 'the moved task in the Inbox');
      assertNoProblems(page);
    });

    test('the task form: list, priority and labels', async () => {
      await page.goto(BASE + '/tasks');
      await page.getByRole('button', { name: 'New task' }).click();
      const dlg = await fillTask(page, { title: 'Write the report' });
      await dlg.getByLabel('List').selectOption({ label: 'Work' });
      await dlg.getByLabel('Priority').selectOption({ label: 'Priority 1 (highest)' });
      for (const l of ['client', 'Q3']) {
        await dlg.getByLabel('New label').fill(l);
        await dlg.getByRole('button', { name: 'Add label' }).click();
      }
      // the same label again, whatever the case, is refused where it is typed
      await dlg.getByLabel('New label').fill('CLIENT');
      await dlg.getByRole('button', { name: 'Add label' }).click();
      await dlg.getByText('The task already has the label “CLIENT”.').waitFor();
      await dlg.getByLabel('New label').fill('');
      await screen(page, vp, 4, 'task-form-organised');
      await dlg.getByRole('button', { name: 'Create task' }).click();
      await dlg.waitFor({ state: 'detached' });
      const row = taskRow(page, 'Write the report');
      await row.waitFor();
      const saved = (await apiGet(page, '/api/tasks')).json.items.find((t) => t.title === 'Write the report');
      const work = (await lists(page)).find((l) => l.name === 'Work');
      assert.equal(saved.listId, work.id);
      assert.equal(saved.priority, 1);
      assert.deepEqual(saved.labels, ['client', 'Q3']);
      // the row: its flag and its chips
      assert.equal(await row.locator('.flag').getAttribute('data-priority'), '1');
      assert.match(await row.locator('.flag').textContent(), /Priority\s*P?1/);
      assert.deepEqual(await row.locator('.label-chip').allTextContents(), ['#client', '#Q3']);
      // the sidebar counts it
      await openSidebar();
      await waitFor(async () => /1/.test(await sidebarList(page, 'Work').locator('a').textContent()), 'Work counts one task');
      if (phone) await page.keyboard.press('Escape');

      // edit: another list, a lower priority, one label less
      await page.goto(BASE + '/tasks?task=' + saved.id + '&edit=1');
      await dialog(page).getByLabel('List').selectOption({ label: 'Shopping' });
      await dialog(page).getByLabel('Priority').selectOption('3');
      await dialog(page).getByRole('button', { name: 'Remove the label “Q3”' }).click();
      await dialog(page).getByRole('button', { name: 'Save changes' }).click();
      await dialog(page).waitFor({ state: 'detached' });
      const edited = (await apiGet(page, '/api/tasks/' + saved.id)).json.task;
      assert.equal(edited.listId, (await lists(page)).find((l) => l.name === 'Shopping').id);
      assert.equal(edited.priority, 3);
      assert.deepEqual(edited.labels, ['client']);
      // back to Work, priority 1 and both labels for what follows
      const r = await apiSend(page, 'PATCH', '/api/tasks/' + saved.id, { listId: work.id, priority: 1, labels: ['client', 'Q3'] }, { 'If-Match': `"${edited.version}"` });
      assert.equal(r.status, 200);
      assertNoProblems(page);
    });

    test('labels: the sidebar lists them with counts, a click filters', async () => {
      await newTask(page, { title: 'Call the client', labels: ['client'] });
      await newTask(page, { title: 'Water the plants', labels: ['home'] });
      await page.goto(BASE + '/tasks');
      await openSidebar();
      const client = sidebar(page).locator('li.sidebar-label', { hasText: '# client' });
      await waitFor(async () => /2/.test(await client.textContent()), 'client on two tasks');
      await screen(page, vp, 5, 'sidebar-labels');
      await goTo(/# client/);
      await waitTitles(page, ['Write the report', 'Call the client'], 'the tasks labelled client');
      assert.match(path(page), /label=client/);
      await page.getByRole('heading', { level: 1, name: '#client' }).waitFor();
      await screen(page, vp, 6, 'label-filter');
      assertNoProblems(page);
    });

    test('search: results as you type, "/" focuses the box', async () => {
      await newTask(page, { title: 'Café with Ada', description: 'About the report draft.' });
      await page.goto(BASE + '/tasks');
      await taskRow(page, 'Water the plants').waitFor();
      await page.evaluate(() => document.activeElement?.blur());
      await page.keyboard.press('/');
      await waitFor(async () => (await page.evaluate(() => document.activeElement?.id)) === 'search', '"/" focuses the search box');
      await page.keyboard.type('rep');
      // the start of a word, in a title or a description
      await waitTitles(page, ['Write the report', 'Café with Ada'], 'tasks with a word starting "rep"');
      assert.match(path(page), /q=rep/);
      await screen(page, vp, 7, 'search');
      // accents and case do not matter; every word must match
      await page.getByLabel('Search tasks').fill('cafe ADA');
      await waitTitles(page, ['Café with Ada'], 'the café task');
      await page.getByLabel('Search tasks').fill('nothing-like-this');
      await page.getByRole('heading', { name: 'No tasks match these filters' }).waitFor();
      await page.getByRole('button', { name: 'Clear filters' }).click();
      await waitFor(async () => !/q=/.test(path(page)) && (await page.getByLabel('Search tasks').inputValue()) === '', 'the search cleared');
      await taskRow(page, 'Water the plants').waitFor();
      assertNoProblems(page);
    });

    test('Today and Upcoming, in the user’s time zone', async () => {
      const due = await page.evaluate(() => {
        const at = (days, h, m) => {
          const d = new Date();
          d.setDate(d.getDate() + days);
          d.setHours(h, m, 0, 0);
          return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
        };
        return { yesterday: at(-1, 12, 0), today: at(0, 23, 59), inThree: at(3, 12, 0), inTwenty: at(20, 12, 0) };
      });
      await newTask(page, { title: 'Overdue since yesterday', dueDate: due.yesterday });
      await newTask(page, { title: 'Due tonight', dueDate: due.today });
      await newTask(page, { title: 'Due in three days', dueDate: due.inThree });
      await newTask(page, { title: 'Due in twenty days', dueDate: due.inTwenty });
      await page.goto(BASE + '/tasks');
      await goTo('Today');
      await waitTitles(page, ['Overdue since yesterday', 'Due tonight'], 'Today: overdue and due today');
      assert.deepEqual(await shownTitles(page), ['Overdue since yesterday', 'Due tonight'], 'overdue first');
      assert.match(path(page), /view=today/);
      await page.getByRole('heading', { level: 1, name: 'Today' }).waitFor();
      await screen(page, vp, 8, 'today');
      await goTo('Upcoming');
      await waitTitles(page, ['Due tonight', 'Due in three days'], 'Upcoming: the next 7 days');
      await page.getByRole('heading', { level: 1, name: 'Upcoming' }).waitFor();
      await screen(page, vp, 9, 'upcoming');
      assertNoProblems(page);
    });

    test('completed tasks are hidden until "Show completed"', async () => {
      await goTo('All tasks');
      await rowCheckbox(page, 'Due tonight').check();
      await waitFor(async () => (await taskRow(page, 'Due tonight').getAttribute('data-status')) === 'completed', 'completed');
      // still there until the list is loaded again, to be reopened
      await page.reload();
      await taskRow(page, 'Water the plants').waitFor();
      assert.equal(await taskRow(page, 'Due tonight').count(), 0, 'hidden by default');
      await page.getByLabel('Show completed').check();
      await taskRow(page, 'Due tonight').waitFor();
      assert.match(path(page), /done=1/);
      assert.equal(await rowCheckbox(page, 'Due tonight').isChecked(), true);
      await screen(page, vp, 10, 'show-completed');
      // reopen it with its checkbox
      await rowCheckbox(page, 'Due tonight').uncheck();
      await waitFor(async () => (await taskRow(page, 'Due tonight').getAttribute('data-status')) === 'pending', 'reopened');
      await page.getByLabel('Show completed').uncheck();
      await taskRow(page, 'Due tonight').waitFor();
      assertNoProblems(page);
    });

    test(`dense rows: at least ${phone ? 6 : 10} tasks fully on the screen`, async () => {
      const dense = await apiSend(page, 'POST', '/api/lists', { name: 'Dense' });
      assert.equal(dense.status, 201);
      const due = new Date(Date.now() + 5 * 86400e3).toISOString().replace(/\.\d{3}Z$/, 'Z');
      for (let i = 1; i <= 12; i++) {
        await newTask(page, {
          title: `Dense task ${String(i).padStart(2, '0')}`,
          listId: dense.json.list.id,
          dueDate: due,
          labels: i % 3 ? ['errand'] : [],
          priority: (i % 4) + 1,
        });
      }
      await page.goto(BASE + '/tasks?list=' + dense.json.list.id);
      await waitFor(async () => (await page.locator('li.task').count()) === 12, 'the twelve tasks');
      await page.evaluate(() => window.scrollTo(0, 0));
      const inView = await page.evaluate(
        () =>
          [...document.querySelectorAll('li.task')].filter((li) => {
            const r = li.getBoundingClientRect();
            return r.top >= 0 && r.bottom <= window.innerHeight;
          }).length,
      );
      assert.ok(inView >= (phone ? 6 : 10), `${inView} rows fully on a ${V.viewport.width}x${V.viewport.height} screen`);
      await screen(page, vp, 11, 'dense');
      assertNoProblems(page);
    });
  });
}
