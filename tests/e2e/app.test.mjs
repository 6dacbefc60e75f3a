// The web app end to end, in Debian's Chromium through nginx, against the
// real stack that tests/e2e/run.sh started (TASKMGR_* from its stack.env).
//
// One user per viewport goes through the whole story: register (with the
// emailed code) -> log in -> three tasks -> edit -> status changes ->
// complete (notification in the bell) -> due-soon reminder from
// taskmgr-scheduler --once -> notifications page -> profile -> session
// expiry -> log out.  A second user then sees nothing of the first's.
// axe-core runs on every screen (no serious or critical violation), every
// screen is photographed, and any CSP violation or page error fails.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import {
  BASE,
  PASSWORD,
  VIEWPORTS,
  apiGet,
  apiSend,
  assertNoProblems,
  bellCount,
  createTask,
  errorShown,
  fillTask,
  localParts,
  newPage,
  path,
  register,
  rowAction,
  rowCheckbox,
  run,
  screen,
  sleep,
  taskRow,
  waitFor,
  useBrowser,
  waitPath,
} from './lib.mjs';

const browser = useBrowser();

// ---- the story, at both sizes ---------------------------------------------


const firstUsers = {};

// E2E_ONLY=desktop (or mobile) runs one size, for a quicker look
for (const V of VIEWPORTS.filter((v) => !process.env.E2E_ONLY || v.name === process.env.E2E_ONLY)) {
  describe(`${V.name} ${V.viewport.width}x${V.viewport.height} (${V.colorScheme}, ${V.timezoneId})`, () => {
    let ctx;
    let page;
    const vp = V.name;
    const user = { first: 'Ada', last: 'Lovelace', email: `ada-${vp}-${run}@example.com` };
    firstUsers[vp] = user;
    const titles = {
      soon: 'Buy groceries',
      later: 'Write the quarterly report',
      none: 'Call the bank',
      edited: 'Call the bank about the card',
    };

    before(async () => {
      const { name, ...opts } = V;
      ctx = await browser().newContext({ ...opts, locale: 'en-US' });
      page = await newPage(ctx);
    });

    after(async () => {
      await ctx?.close();
    });

    test('protected pages send a visitor to log in', async () => {
      await page.goto(BASE + '/');
      await waitPath(page, /^\/login$/);
      await page.goto(BASE + '/tasks');
      await waitPath(page, /^\/login\?reason=required&next=%2Ftasks/);
      await page.getByText('Log in to continue.').waitFor();
      await screen(page, vp, 1, 'login');
      assertNoProblems(page);
    });

    test('register, with the confirmation code', async () => {
      await register(page, vp, 2, user);
      await page.getByRole('heading', { name: 'No tasks yet' }).waitFor();
      await screen(page, vp, 4, 'tasks-empty');
      assertNoProblems(page);
    });

    test('log in (a wrong password first)', async () => {
      // a fresh browser session: no cookies, no hint of an earlier one
      await ctx.clearCookies();
      await page.evaluate(() => localStorage.clear());
      await page.goto(BASE + '/tasks');
      await waitPath(page, /^\/login/);
      await page.getByLabel('Email').fill(user.email);
      await page.getByLabel('Password').fill('Wr0ng!Passw0rd#');
      await page.getByRole('button', { name: 'Log in' }).click();
      await errorShown(page.locator('.form-error, #login-password-error, #login-email-error').first());
      await screen(page, vp, 5, 'login-error');
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Log in' }).click();
      await waitPath(page, /^\/tasks$/);
      await page.getByRole('heading', { name: 'No tasks yet' }).waitFor();
      assertNoProblems(page);
    });

    test('create three tasks (due in local time)', async () => {
      const soon = await localParts(page, 3 * 3600e3);
      const later = await localParts(page, 3 * 86400e3);
      await page.getByRole('button', { name: 'New task' }).click();
      await fillTask(page, { title: titles.soon, description: 'Milk, eggs, bread and coffee.\nAnd apples.', date: soon.date, time: soon.time });
      await screen(page, vp, 6, 'task-dialog');
      await page.locator('dialog[open]').getByRole('button', { name: 'Create task' }).click();
      await taskRow(page, titles.soon).waitFor();
      await createTask(page, { title: titles.later, description: 'Numbers for Q3.', date: later.date, time: '14:30', status: 'in_progress' });
      await createTask(page, { title: titles.none });

      await waitFor(async () => (await page.locator('li.task').count()) === 3, 'three tasks in the list');
      const { json } = await apiGet(page, '/api/tasks');
      const byTitle = Object.fromEntries(json.items.map((t) => [t.title, t]));
      assert.equal(json.items.length, 3);
      assert.equal(byTitle[titles.soon].dueDate, soon.iso, 'local date + time stored as the right UTC instant');
      const laterIso = await page.evaluate(([d]) => {
        const [y, m, day] = d.split('-').map(Number);
        return new Date(y, m - 1, day, 14, 30).toISOString().replace(/\.\d{3}Z$/, 'Z');
      }, [later.date]);
      assert.equal(byTitle[titles.later].dueDate, laterIso);
      assert.equal(byTitle[titles.later].status, 'in_progress');
      assert.equal(byTitle[titles.none].dueDate, null);
      assert.equal(byTitle[titles.soon].description, 'Milk, eggs, bread and coffee.\nAnd apples.');

      // indicators: text (and an icon) besides colour
      const soonRow = taskRow(page, titles.soon);
      assert.match(await soonRow.locator('.chip').getAttribute('data-due'), /^(today|soon)$/);
      assert.match(await soonRow.locator('.chip').textContent(), /Due (today|within 24 h)/);
      // a pending task shows no status badge, its checkbox unticked
      assert.equal(await soonRow.locator('.badge').count(), 0);
      assert.equal(await rowCheckbox(page, titles.soon).isChecked(), false);
      assert.equal(await taskRow(page, titles.later).locator('.chip').getAttribute('data-due'), 'later');
      assert.match(await taskRow(page, titles.later).locator('.badge').textContent(), /In progress/);
      assert.match(await taskRow(page, titles.none).locator('.chip').textContent(), /No due date/);
      await screen(page, vp, 7, 'tasks');
      assertNoProblems(page);
    });

    test('edit one (it becomes overdue)', async () => {
      const past = await localParts(page, -26 * 3600e3);
      await rowAction(page, titles.none, 'Edit');
      await waitPath(page, /[?&]task=/);
      const dlg = page.locator('dialog[open]');
      await dlg.getByRole('heading', { name: 'Edit task' }).waitFor();
      assert.equal(await dlg.getByLabel('Title').inputValue(), titles.none);
      await fillTask(page, { title: titles.edited, description: 'Ask about the replacement card.', date: past.date, time: past.time });
      await screen(page, vp, 8, 'task-edit');
      await dlg.getByRole('button', { name: 'Save changes' }).click();
      await dlg.waitFor({ state: 'detached' });
      const row = taskRow(page, titles.edited);
      await row.waitFor();
      assert.equal(await row.locator('.chip').getAttribute('data-due'), 'overdue');
      assert.match(await row.locator('.chip').textContent(), /Overdue/);
      assert.equal(await page.locator('li.task').count(), 3, 'still three tasks');
      assert.ok(!/task=/.test(path(page)), 'the dialog left the URL');
      assertNoProblems(page);
    });

    test('one-click status change, and complete (its notification in the bell)', async (t) => {
      const notifs = await apiGet(page, '/api/notifications?limit=1');
      const haveNotifications = notifs.status !== 404;
      if (haveNotifications) assert.equal(notifs.status, 200, 'GET /api/notifications works');

      await rowAction(page, titles.soon, 'Start');
      await waitFor(async () => (await taskRow(page, titles.soon).getAttribute('data-status')) === 'in_progress', 'Start -> in progress');
      assert.match(await taskRow(page, titles.soon).locator('.badge').textContent(), /In progress/);

      await rowCheckbox(page, titles.later).check();
      const done = taskRow(page, titles.later);
      await waitFor(async () => (await done.getAttribute('data-status')) === 'completed', 'Complete -> completed');
      assert.match(await done.getAttribute('class'), /\bdone\b/, 'completed tasks look done');
      assert.equal(await rowCheckbox(page, titles.later).isChecked(), true);
      assert.equal(
        await done.locator('.task-title a').evaluate((a) => getComputedStyle(a).textDecorationLine),
        'line-through',
        'a completed title is struck through',
      );
      // a completed task has nothing to start
      await done.getByRole('button', { name: /^Actions for/ }).click();
      assert.equal(await done.getByRole('menuitem', { name: 'Start' }).count(), 0);
      await page.keyboard.press('Escape');

      if (!haveNotifications) {
        assert.equal(await bellCount(page), '', 'the bell hides its count without the API');
        t.skip('bell check skipped: GET /api/notifications answers 404 (the notifications API is not there yet)');
        return;
      }
      await waitFor(async () => (await bellCount(page)) === '1', 'the bell to show 1 unread');
      await page.getByRole('link', { name: 'Notifications 1 unread' }).waitFor();
      await screen(page, vp, 9, 'tasks-after-complete');
      assertNoProblems(page);
    });

    test('filters and sort', async () => {
      await page.getByLabel('Status').selectOption('completed');
      await waitFor(async () => (await page.locator('li.task').count()) === 1 && (await taskRow(page, titles.later).count()) === 1, 'only the completed task');
      assert.match(path(page), /status=completed/);
      await page.getByLabel('Status').selectOption('all');
      await page.getByLabel('Due', { exact: true }).selectOption('overdue');
      await waitFor(async () => (await page.locator('li.task').count()) === 1 && (await taskRow(page, titles.edited).count()) === 1, 'only the overdue task');
      // the completed task is hidden until shown
      await page.getByLabel('Show completed').check();
      await page.getByLabel('Due', { exact: true }).selectOption('custom');
      // from the day after tomorrow: the task due in 3 hours may be due tomorrow
      const from = await localParts(page, 2 * 86400e3);
      const to = await localParts(page, 5 * 86400e3);
      await page.getByLabel('From').fill(from.date);
      await page.getByLabel('To').fill(to.date);
      await waitFor(async () => (await page.locator('li.task').count()) === 1 && (await taskRow(page, titles.later).count()) === 1, 'only the task due in 3 days');
      await screen(page, vp, 10, 'tasks-filtered');
      await page.getByLabel('Due', { exact: true }).selectOption('any');
      await page.getByLabel('Sort by').selectOption('due');
      await waitFor(async () => {
        const t = await page.locator('li.task .task-title').allTextContents();
        return t.length === 3 && t.join('|') === [titles.edited, titles.soon, titles.later].join('|');
      }, 'sorted by due date, soonest first');
      // a reload keeps the filters (they live in the query string)
      await page.reload();
      await waitFor(async () => (await page.locator('li.task').count()) === 3, 'list after reload');
      assert.equal(await page.getByLabel('Sort by').inputValue(), 'due');
      await page.getByLabel('Sort by').selectOption('updated');
      await waitFor(async () => !/sort=/.test(path(page)), 'default sort leaves the URL');
      assertNoProblems(page);
    });

    test('due-soon reminder from taskmgr-scheduler --once --now', async (t) => {
      const bin = process.env.TASKMGR_SCHEDULER_BIN;
      const conf = process.env.TASKMGR_SCHEDULER_CONF;
      if (!bin || !conf || !existsSync(bin) || !existsSync(conf)) {
        t.skip(`taskmgr-scheduler not built or not in the stack (${bin || 'no TASKMGR_SCHEDULER_BIN'})`);
        return;
      }
      if ((await apiGet(page, '/api/notifications?limit=1')).status === 404) {
        t.skip('GET /api/notifications answers 404: the notifications API is not there yet');
        return;
      }
      // the task due in 3 hours: its default reminder (a day before) was
      // already past when it was made, so it is cancelled; one an hour
      // before fires when the scheduler's clock gets there
      const soonTask = (await apiGet(page, '/api/tasks')).json.items.find((x) => x.title === titles.soon);
      const patched = await apiSend(page, 'PATCH', `/api/tasks/${soonTask.id}`, { reminders: [{ before: 'PT1H' }] });
      assert.equal(patched.status, 200);
      const now = new Date(Date.parse(soonTask.dueDate) - 30 * 60e3).toISOString().replace(/\.\d{3}Z$/, 'Z');
      const { stdout, stderr } = await promisify(execFile)(bin, ['-c', conf, '--once', '--now', now], { timeout: 60_000 });
      // the bell asks again when the window gets the focus
      await page.evaluate(() => window.dispatchEvent(new Event('focus')));
      const { json } = await apiGet(page, '/api/notifications');
      try {
        // the completion plus the reminder for the task due in 3 h
        const due = json.items.find((n) => n.type === 'task_due' && n.taskTitle === titles.soon);
        assert.ok(due, 'a task_due notification for the task due in 3 hours');
        assert.ok(json.unreadCount >= 2);
        assert.ok(!json.items.some((n) => n.type === 'task_due' && n.taskTitle === titles.later), 'no reminder for the completed task');
        await waitFor(async () => (await bellCount(page)) === String(json.unreadCount), `the bell to show ${json.unreadCount} unread`);
      } catch (e) {
        console.log('scheduler stdout:\n' + stdout + '\nstderr:\n' + stderr);
        console.log('notifications:', JSON.stringify(json, null, 1));
        throw e;
      }
      const tasks = await apiGet(page, '/api/tasks');
      assert.equal(tasks.json.items.find((x) => x.title === titles.soon).notificationSent, true);
    });

    test('notifications: newest first, mark read, open the task, mark all, delete', async (t) => {
      const probe = await apiGet(page, '/api/notifications?limit=1');
      if (probe.status === 404) {
        t.skip('GET /api/notifications answers 404: the notifications API is not there yet');
        return;
      }
      await page.locator('a.bell').click();
      await waitPath(page, /^\/notifications/);
      const items = page.locator('li.notification');
      await items.first().waitFor();
      const n = await items.count();
      assert.ok(n >= 1);
      const api = (await apiGet(page, '/api/notifications')).json;
      assert.equal(n, api.items.length);
      const times = api.items.map((x) => x.createdAt);
      assert.deepEqual([...times].sort().reverse(), times, 'newest first');
      const shown = await items.locator('.ntitle').allTextContents();
      assert.deepEqual(shown.map((s) => s.replace(/^Unread: /, '')), api.items.map((x) => x.taskTitle), 'in the API order');
      await screen(page, vp, 11, 'notifications');

      // mark the completion one read: the bell goes down by one
      const before = Number(await bellCount(page));
      const completed = page.locator('li.notification[data-type="task_completed"]');
      await completed.getByRole('button', { name: /^Mark read/ }).click();
      await waitFor(async () => (await completed.getAttribute('data-read')) === 'true', 'marked read');
      await waitFor(async () => Number((await bellCount(page)) || 0) === before - 1, 'bell count down by one');
      await completed.getByRole('button', { name: /^Mark unread/ }).click();
      await waitFor(async () => (await completed.getAttribute('data-read')) === 'false', 'marked unread again');

      // a click leads to the task (and marks it read)
      await completed.locator('a.ntitle').click();
      await waitPath(page, /^\/tasks\?task=/);
      const dlg = page.locator('dialog[open]');
      await dlg.getByRole('heading', { name: 'Task', exact: true }).waitFor();
      assert.equal(await dlg.locator('.detail-title').textContent(), titles.later);
      await screen(page, vp, 12, 'task-from-notification');
      await dlg.getByRole('button', { name: 'Close', exact: true }).click();
      await dlg.waitFor({ state: 'detached' });

      await page.locator('a.bell').click();
      await waitPath(page, /^\/notifications/);
      await page.locator('li.notification').first().waitFor();
      await waitFor(async () => (await page.locator('li.notification[data-type="task_completed"]').getAttribute('data-read')) === 'true', 'opened one is read');
      if (Number((await bellCount(page)) || 0) > 0) {
        await page.getByRole('button', { name: 'Mark all as read' }).click();
        await waitFor(async () => (await bellCount(page)) === '', 'no unread count after mark all');
      }
      assert.equal(await page.locator('li.notification.unread').count(), 0);
      const count = await page.locator('li.notification').count();
      await page.locator('li.notification').first().getByRole('button', { name: /^Delete/ }).click();
      await waitFor(async () => (await page.locator('li.notification').count()) === count - 1, 'one deleted');
      assert.equal((await apiGet(page, '/api/notifications')).json.items.length, count - 1);
      assertNoProblems(page);
    });

    test('profile: preferences saved and reloaded', async () => {
      await page.getByRole('link', { name: 'Profile' }).click();
      await waitPath(page, /^\/profile/);
      const sms = page.getByLabel('By SMS');
      await sms.waitFor();
      assert.equal(await page.getByTestId('email').textContent(), user.email);
      assert.equal(await page.getByLabel('First name').inputValue(), user.first);
      assert.ok(await sms.isDisabled(), 'no phone number, no SMS switch');
      await screen(page, vp, 13, 'profile');

      // a number the API refuses (its field error, beside the field)
      await page.getByLabel('Phone number (optional)').fill('+0123');
      await page.getByRole('button', { name: 'Save profile' }).click();
      await errorShown(page.locator('#p-phone-error'));
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'p-phone', 'the field in error has the focus');

      await page.getByLabel('First name').fill('Augusta Ada');
      await page.getByLabel('Phone number (optional)').fill('+14155550123');
      assert.ok(await sms.isEnabled(), 'a phone number enables SMS');
      await sms.check();
      await page.getByLabel('By email').uncheck();
      await page.getByRole('button', { name: 'Save profile' }).click();
      await page.getByText('Your profile is saved.').waitFor();
      await screen(page, vp, 14, 'profile-saved');

      await page.reload();
      await waitFor(async () => (await page.getByLabel('First name').inputValue()) === 'Augusta Ada', 'reloaded first name');
      assert.equal(await page.getByLabel('Phone number (optional)').inputValue(), '+14155550123');
      assert.equal(await page.getByLabel('By SMS').isChecked(), true);
      assert.equal(await page.getByLabel('By email').isChecked(), false);
      const me = (await apiGet(page, '/api/users/me')).json.user;
      assert.deepEqual(me.notificationPreferences, { email: false, sms: true, completedEmail: false, completedSms: false });
      assert.equal(me.phoneNumber, '+14155550123');
      assertNoProblems(page);
    });

    test('session expiry: silent refresh; then log in again without losing the draft', async () => {
      await page.goto(BASE + '/tasks');
      await taskRow(page, titles.soon).waitFor();
      // the access token gone: one refresh, the request retried, nobody notices
      await ctx.clearCookies({ name: 'tm_access' });
      await createTask(page, { title: 'Created after a silent refresh' });
      assert.match(path(page), /^\/tasks/);

      // both gone: what was typed survives the trip through log in
      await page.getByRole('button', { name: 'New task' }).click();
      await fillTask(page, { title: 'Typed while the session expired', description: 'Do not lose me.' });
      await ctx.clearCookies();
      await page.locator('dialog[open]').getByRole('button', { name: 'Create task' }).click();
      await waitPath(page, /^\/login\?reason=expired&next=/);
      await page.getByText(/Your session has expired/).waitFor();
      await screen(page, vp, 15, 'login-expired');
      await page.getByLabel('Email').fill(user.email);
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Log in' }).click();
      await waitPath(page, /^\/tasks\?new=1/);
      const dlg = page.locator('dialog[open]');
      await dlg.getByText('Your unsaved changes were restored.').waitFor();
      assert.equal(await dlg.getByLabel('Title').inputValue(), 'Typed while the session expired');
      assert.equal(await dlg.getByLabel('Description (optional)').inputValue(), 'Do not lose me.');
      await dlg.getByRole('button', { name: 'Create task' }).click();
      await taskRow(page, 'Typed while the session expired').waitFor();
      assertNoProblems(page);
    });

    test('delete with confirmation', async () => {
      const row = taskRow(page, 'Created after a silent refresh');
      await rowAction(page, 'Created after a silent refresh', 'Delete');
      const dlg = page.locator('dialog[open]');
      await dlg.getByRole('heading', { name: 'Delete task?' }).waitFor();
      await screen(page, vp, 16, 'task-delete');
      await dlg.getByRole('button', { name: 'Cancel' }).click();
      await dlg.waitFor({ state: 'detached' });
      assert.equal(await row.count(), 1, 'cancel keeps it');
      await rowAction(page, 'Created after a silent refresh', 'Delete');
      await page.locator('dialog[open]').getByRole('button', { name: 'Delete', exact: true }).click();
      await row.waitFor({ state: 'detached' });
      const { json } = await apiGet(page, '/api/tasks');
      assert.ok(!json.items.some((x) => x.title === 'Created after a silent refresh'), 'gone on the server too');
      assertNoProblems(page);
    });

    test('keyboard: skip link, visible focus, dialog by keyboard', async () => {
      await page.goto(BASE + '/tasks');
      await taskRow(page, titles.soon).waitFor();
      await page.keyboard.press('Tab');
      assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Skip to content');
      const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
      assert.equal(outline, 'solid', 'focus is visible');
      await page.getByRole('button', { name: 'New task' }).focus();
      await page.keyboard.press('Enter');
      const dlg = page.locator('dialog[open]');
      await dlg.waitFor();
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'task-title', 'focus in the dialog title field');
      await page.keyboard.type('Typed with the keyboard');
      // what was typed is not thrown away without a question
      await page.keyboard.press('Escape');
      await dlg.getByText('Discard the changes you made?').waitFor();
      await waitFor(async () => (await page.evaluate(() => document.activeElement?.textContent)) === 'Keep editing', 'focus on Keep editing');
      await page.keyboard.press('Shift+Tab');
      assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Discard changes');
      await page.keyboard.press('Enter');
      await dlg.waitFor({ state: 'detached' });
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'new-task', 'focus back on the button');
      assertNoProblems(page);
    });

    test('log out; protected pages then redirect to log in', async () => {
      await page.getByRole('button', { name: 'Log out' }).click();
      await waitPath(page, /^\/login\?reason=loggedout/);
      await page.getByText('You have logged out.').waitFor();
      await screen(page, vp, 17, 'logged-out');
      for (const p of ['/tasks', '/notifications', '/profile', '/tasks?task=x']) {
        await page.goto(BASE + p);
        await waitPath(page, /^\/login\?reason=required&next=/);
      }
      assert.equal((await apiGet(page, '/api/tasks')).status, 401, 'the API refuses too');
      assertNoProblems(page);
    });
  });
}

// ---- a second user ---------------------------------------------------------

describe('a second user sees none of the first user’s tasks or notifications', () => {
  let ctx;
  let page;
  const user = { first: 'Grace', last: 'Hopper', email: `grace-${run}@example.com` };

  before(async () => {
    ctx = await browser().newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
    page = await newPage(ctx);
  });
  after(async () => {
    await ctx?.close();
  });

  test('empty list, empty history, no count; the first user’s task id is not found', async () => {
    await register(page, 'second', null, user);
    await page.getByRole('heading', { name: 'No tasks yet' }).waitFor();
    assert.equal((await apiGet(page, '/api/tasks')).json.items.length, 0);
    await page.locator('a.bell').click();
    await waitPath(page, /^\/notifications/);
    const notifs = await apiGet(page, '/api/notifications');
    if (notifs.status !== 404) {
      await page.getByRole('heading', { name: 'No notifications yet' }).waitFor();
      assert.equal(notifs.json.items.length, 0);
      assert.equal(notifs.json.unreadCount, 0);
      assert.equal(await bellCount(page), '');
    }
    await screen(page, 'second', 1, 'notifications-empty');

    // the first user's tasks, by id: not found (never "forbidden")
    const other = await browser().newContext();
    const op = await other.newPage();
    await op.goto(BASE + '/login');
    await op.getByLabel('Email').fill(Object.values(firstUsers).at(-1).email);
    await op.getByLabel('Password').fill(PASSWORD);
    await op.getByRole('button', { name: 'Log in' }).click();
    await waitPath(op, /^\/tasks/);
    const theirs = (await apiGet(op, '/api/tasks')).json.items;
    await other.close();
    assert.ok(theirs.length >= 3);
    for (const t of theirs) assert.equal((await apiGet(page, '/api/tasks/' + t.id)).status, 404);
    await page.goto(BASE + '/tasks?task=' + theirs[0].id);
    await page.getByText('This task no longer exists.').waitFor();
    assert.equal(await page.locator('dialog[open]').count(), 0);
    assert.equal(await page.locator('li.task').count(), 0);
    assertNoProblems(page);
  });

  test('load more pages through the cursor', async () => {
    // 23 tasks through the API (the same cookies), 20 a page
    for (let i = 1; i <= 23; i++) {
      const r = await page.request.post(BASE + '/api/tasks', {
        headers: { 'X-Requested-With': 'fetch', 'Content-Type': 'application/json' },
        data: { title: `Bulk task ${String(i).padStart(2, '0')}` },
      });
      assert.equal(r.status(), 201);
    }
    await page.goto(BASE + '/tasks');
    await waitFor(async () => (await page.locator('li.task').count()) === 20, 'first page of 20');
    await page.getByRole('button', { name: 'Load more' }).click();
    await waitFor(async () => (await page.locator('li.task').count()) === 23, 'all 23 after load more');
    assert.equal(await page.getByRole('button', { name: 'Load more' }).count(), 0, 'no more pages');
    const titles = await page.locator('li.task .task-title').allTextContents();
    assert.equal(new Set(titles).size, 23, 'each task once');
    assertNoProblems(page);
  });

  test('a filter change cancels a slow "Load more": only the new filter’s tasks', async () => {
    // two of the 23 completed, through the API
    const some = (await apiGet(page, '/api/tasks')).json.items.slice(0, 2);
    for (const t of some) {
      const r = await page.request.patch(BASE + '/api/tasks/' + t.id, {
        headers: { 'X-Requested-With': 'fetch', 'Content-Type': 'application/json', 'If-Match': `"${t.version}"` },
        data: { status: 'completed' },
      });
      assert.equal(r.status(), 200);
    }
    // the next page of the unfiltered list waits until the test lets it go
    const nextPage = /\/api\/tasks\?.*\bcursor=/;
    let held;
    const holding = new Promise((r) => (held = r));
    let release;
    const released = new Promise((r) => (release = r));
    await page.route(nextPage, async (route) => {
      held();
      await released;
      // the page may have cancelled it meanwhile
      await route.continue().catch(() => undefined);
    });
    await page.goto(BASE + '/tasks');
    await waitFor(async () => (await page.locator('li.task').count()) === 20, 'first page of 20');
    await page.getByRole('button', { name: 'Load more' }).click();
    await holding;
    await page.getByLabel('Status').selectOption('completed');
    const onlyCompleted = async () =>
      (await page.locator('li.task').count()) === 2 && (await page.locator('li.task[data-status="completed"]').count()) === 2;
    await waitFor(onlyCompleted, 'the two completed tasks');
    release();
    // the old filter's page, had it come through, would be in the list by now
    await sleep(1500);
    assert.ok(await onlyCompleted(), 'the list shows only the completed tasks');
    assert.equal(await page.getByRole('button', { name: 'Load more' }).count(), 0, 'no more pages of completed tasks');
    await page.unroute(nextPage);
    assertNoProblems(page);
  });
});

// ---- what nginx serves -----------------------------------------------------

describe('serving', () => {
  test('pages, headers, cache, CSP, 404s; /api stays with the module', async () => {
    const r = await fetch(BASE + '/tasks');
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /^text\/html/);
    assert.equal(r.headers.get('cache-control'), 'no-cache');
    const csp = r.headers.get('content-security-policy');
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /frame-ancestors 'none'/);
    const scriptSrc = /script-src ([^;]+)/.exec(csp)[1];
    assert.ok(!/unsafe-inline|unsafe-eval/.test(scriptSrc), 'no unsafe-* in script-src');
    assert.match(scriptSrc, /'sha256-/);
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
    assert.ok(r.headers.get('referrer-policy'));
    const html = await r.text();
    const asset = /src="(\/_next\/static\/[^"]+\.js)"/.exec(html)[1];
    const a = await fetch(BASE + asset);
    assert.equal(a.status, 200);
    assert.match(a.headers.get('content-type'), /javascript/);
    assert.equal(a.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    // the build's precompressed copies, as the browser asks for them
    const plain = await (await fetch(BASE + asset, { headers: { 'Accept-Encoding': 'identity' } })).arrayBuffer();
    for (const [ask, want] of [['br', 'br'], ['gzip', 'gzip'], ['br, gzip', 'br']]) {
      const c = await fetch(BASE + asset, { headers: { 'Accept-Encoding': ask } });
      assert.equal(c.headers.get('content-encoding'), want, `${asset} with Accept-Encoding: ${ask}`);
      assert.match(c.headers.get('vary') ?? '', /Accept-Encoding/i);
      assert.equal(Buffer.compare(Buffer.from(await c.arrayBuffer()), Buffer.from(plain)), 0, 'the same script once decoded');
    }
    const page = await fetch(BASE + '/tasks', { headers: { 'Accept-Encoding': 'br' } });
    assert.equal(page.headers.get('content-encoding'), 'br', 'pages too');
    assert.match(page.headers.get('content-security-policy'), /script-src 'self' 'sha256-/, 'with their headers');
    const rsc = await fetch(BASE + '/tasks.txt');
    assert.match(rsc.headers.get('content-type'), /^text\/plain/);
    const missing = await fetch(BASE + '/no-such-page');
    assert.equal(missing.status, 404);
    assert.match(await missing.text(), /Page not found/);
    const api = await fetch(BASE + '/api/no-such-route');
    assert.equal(api.status, 404);
    assert.match(api.headers.get('content-type'), /json/);
    assert.ok((await api.json()).error.code);
  });
});
