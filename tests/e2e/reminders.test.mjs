// Reminders the user controls (issue 11), at both sizes and in both
// themes, against the real stack through nginx: reminders chosen in the
// task dialog and seen after a reload, a repeat with its summary and next
// dates, a repeating task completed moving to its next date, a due
// reminder (from taskmgr-scheduler --once) snoozed, and the profile's
// time zone, default reminders, quiet hours, digest and completion
// channels saved and reloaded.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, VIEWPORTS, run, usePage, useBrowser } from './lib.mjs';
import { apiGet, apiSend, fillTask, localParts, register, rowCheckbox, schedulerOnce, taskRow, utc } from './lib.mjs';
import { assertNoProblems, screen, waitFor } from './lib.mjs';

const browser = useBrowser();

const dialog = (page) => page.locator('dialog[open]');
const DAY = 86400_000;

// a local wall-clock time `days` from today in the browser's zone:
// { date, time, iso, weekday (0 Sunday) }
async function localAt(page, days, hh, mm) {
  return page.evaluate(
    ([days, hh, mm]) => {
      const n = new Date();
      const d = new Date(n.getFullYear(), n.getMonth(), n.getDate() + days, hh, mm, 0);
      const p = (x) => String(x).padStart(2, '0');
      return {
        date: `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`,
        time: `${p(hh)}:${p(mm)}`,
        iso: d.toISOString().replace(/\.\d{3}Z$/, 'Z'),
        weekday: d.getDay(),
      };
    },
    [days, hh, mm],
  );
}

// an instant's local parts in the browser: weekday, day of the month, the
// month's length, hours and minutes
async function localOf(page, iso) {
  return page.evaluate((iso) => {
    const d = new Date(iso);
    return { weekday: d.getDay(), day: d.getDate(), last: new Date(d.getFullYear(), d.getMonth() + 1, 0).getDate(), hh: d.getHours(), mm: d.getMinutes() };
  }, iso);
}

async function newTask(page, data) {
  const r = await apiSend(page, 'POST', '/api/tasks', data);
  assert.equal(r.status, 201, JSON.stringify(r.json));
  return r.json.task;
}

async function getTask(page, id) {
  const r = await apiGet(page, '/api/tasks/' + encodeURIComponent(id));
  assert.equal(r.status, 200, JSON.stringify(r.json));
  return r.json.task;
}

async function taskByTitle(page, title) {
  const r = await apiGet(page, '/api/tasks?limit=100');
  const t = r.json.items.find((x) => x.title === title);
  assert.ok(t, `task “${title}” in GET /api/tasks`);
  return t;
}

const reminderTexts = (scope) => scope.locator('li.reminder .reminder-text').allTextContents();

async function addReminder(scope, option) {
  await scope.getByLabel('Add a reminder').selectOption({ label: option });
  await scope.getByRole('button', { name: 'Add reminder' }).click();
}

// what a reminder of the API stands for: "before:PT15M" or "at:<UTC>"
const keyOf = (r) => (r.before !== undefined ? 'before:' + r.before : 'at:' + r.at);
const seconds = { PT0S: 0, PT15M: 900, PT30M: 1800, PT1H: 3600, PT2H: 7200, P1D: 86400 };

for (const V of VIEWPORTS.filter((v) => !process.env.E2E_ONLY || v.name === process.env.E2E_ONLY)) {
  describe(`reminders, ${V.name} (${V.colorScheme}, ${V.timezoneId})`, () => {
    let page;
    const vp = 'reminders-' + V.name;
    const user = { first: 'Rosa', last: 'Remind', email: `rosa-${V.name}-${run}@example.com` };
    const T = {
      rem: 'Renew the passport',
      rep: 'Water the plants',
      daily: 'Take the vitamins',
      snooze: 'Call the plumber',
    };

    usePage(browser, V, vp, (p) => {
      page = p;
    });

    test('registration: the browser’s zone and the default reminder', async () => {
      await register(page, vp, null, user);
      const me = (await apiGet(page, '/api/users/me')).json.user;
      assert.equal(me.timeZone, await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone));
      assert.deepEqual(me.defaultReminders, [{ before: 'P1D' }]);
      // the empty list's promise (polish.test.mjs checks the same words)
      assert.equal(
        await page.locator('.empty .reminders').textContent(),
        'Before a task is due, you get its reminders in the app and by email. Choose when in the task; the defaults and the channels are in your profile.',
      );
      assertNoProblems(page);
    });

    test('reminders: chosen in the task dialog, kept after a reload, replaced by an edit', async () => {
      await page.goto(BASE + '/tasks');
      const due = await localParts(page, 2 * DAY);
      const at = await localAt(page, 1, 8, 30);
      await page.getByRole('button', { name: 'New task' }).click();
      const dlg = await fillTask(page, { title: T.rem, date: due.date, time: due.time });
      // a new task starts with the user's default
      assert.deepEqual(await reminderTexts(dlg), ['1 day before']);
      await addReminder(dlg, '15 minutes before');
      await dlg.getByLabel('Add a reminder').selectOption({ label: 'Custom time before…' });
      await dlg.getByLabel('How long before').fill('2');
      await dlg.getByLabel('Unit', { exact: true }).selectOption('hours');
      await dlg.getByRole('button', { name: 'Add reminder' }).click();
      await dlg.getByLabel('Add a reminder').selectOption({ label: 'On a day and time…' });
      await dlg.getByLabel('Remind me on').fill(at.date);
      await dlg.getByLabel('Remind me at').fill(at.time);
      await dlg.getByRole('button', { name: 'Add reminder' }).click();
      const texts = await reminderTexts(dlg);
      assert.deepEqual(texts.slice(0, 3), ['1 day before', '15 minutes before', '2 hours before']);
      assert.match(texts[3], /^On .*8:30/);
      await screen(page, vp, 1, 'task-reminders');
      // the default goes
      await dlg.locator('li.reminder', { hasText: '1 day before' }).getByRole('button', { name: /^Remove/ }).click();
      await dlg.getByRole('button', { name: 'Create task' }).click();
      await dlg.waitFor({ state: 'detached' });
      await taskRow(page, T.rem).waitFor();

      const t = await taskByTitle(page, T.rem);
      assert.equal(t.dueDate, due.iso);
      assert.deepEqual(t.reminders.map(keyOf).sort(), ['at:' + at.iso, 'before:PT15M', 'before:PT2H'].sort());
      for (const r of t.reminders) {
        assert.equal(typeof r.id, 'string');
        assert.equal(r.state, 'pending');
        const fire = r.before !== undefined ? Date.parse(t.dueDate) - seconds[r.before] * 1000 : Date.parse(r.at);
        assert.equal(r.fireAt, utc(fire), `fireAt of ${keyOf(r)}`);
      }

      // after a reload the form shows them again
      await page.goto(BASE + `/tasks?task=${encodeURIComponent(t.id)}&edit=1`);
      await dialog(page).locator('li.reminder').first().waitFor();
      const again = await reminderTexts(dialog(page));
      assert.equal(again.length, 3);
      assert.ok(again.includes('15 minutes before') && again.includes('2 hours before') && again.some((s) => /^On .*8:30/.test(s)), again.join(' | '));

      // an edit replaces the list: one out, "at the due time" in
      await dialog(page).locator('li.reminder', { hasText: '2 hours before' }).getByRole('button', { name: /^Remove/ }).click();
      await addReminder(dialog(page), 'At the due time');
      await dialog(page).getByRole('button', { name: 'Save changes' }).click();
      await dialog(page).waitFor({ state: 'detached' });
      const saved = await getTask(page, t.id);
      assert.deepEqual(saved.reminders.map(keyOf).sort(), ['at:' + at.iso, 'before:PT0S', 'before:PT15M'].sort());
      const kept = saved.reminders.find((r) => r.before === 'PT15M');
      assert.equal(kept.fireAt, utc(Date.parse(due.iso) - 900_000));

      // a reminder before the due date needs one: said beside the picker, nothing sent
      await page.goto(BASE + `/tasks?task=${encodeURIComponent(t.id)}&edit=1`);
      const dlg2 = dialog(page);
      await dlg2.locator('li.reminder').first().waitFor();
      await dlg2.getByLabel('Date', { exact: true }).fill('');
      await dlg2.getByLabel('Time', { exact: true }).fill('');
      await addReminder(dlg2, '1 day before');
      await dlg2.getByRole('button', { name: 'Save changes' }).click();
      const err = dlg2.locator('#task-reminders-add-error');
      await err.waitFor();
      assert.match(await err.textContent(), /due date/);
      assert.equal((await getTask(page, t.id)).version, saved.version, 'nothing sent');
      await dlg2.getByRole('button', { name: 'Cancel' }).click();
      await dlg2.getByRole('button', { name: 'Discard changes' }).click();
      await dlg2.waitFor({ state: 'detached' });
      assertNoProblems(page);
    });

    test('repeat: picked in words, its summary and next dates shown, the icon in the list', async () => {
      const due = await localAt(page, 3, 9, 0);
      const t = await newTask(page, { title: T.rep, dueDate: due.iso, reminders: [] });
      await page.goto(BASE + `/tasks?task=${encodeURIComponent(t.id)}&edit=1`);
      const dlg = dialog(page);
      await dlg.getByLabel('Repeat', { exact: true }).selectOption({ label: 'Custom' });
      await dlg.getByLabel('Every', { exact: true }).fill('2');
      await dlg.getByLabel('Period').selectOption('WEEKLY');
      for (const d of ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']) {
        await dlg.getByRole('checkbox', { name: d, exact: true }).setChecked(d === 'Mon' || d === 'Thu');
      }
      assert.equal(await dlg.locator('.repeat-summary').textContent(), 'Every 2 weeks on Mon and Thu');
      await screen(page, vp, 2, 'task-repeat');
      await dlg.getByRole('button', { name: 'Save changes' }).click();
      await dlg.waitFor({ state: 'detached' });

      let saved = await getTask(page, t.id);
      assert.deepEqual(saved.repeat, { rule: 'FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH', from: 'due' });
      assert.equal(saved.nextOccurrences.length, 3);
      let prev = Date.parse(saved.dueDate);
      for (const n of saved.nextOccurrences) {
        assert.ok(Date.parse(n) > prev, 'later and later');
        prev = Date.parse(n);
        const l = await localOf(page, n);
        assert.ok(l.weekday === 1 || l.weekday === 4, `${n} is a Monday or a Thursday here`);
        assert.deepEqual([l.hh, l.mm], [9, 0], `${n} at 9:00 here`);
      }
      // the list shows that it repeats
      await taskRow(page, T.rep).locator('.repeat-icon').waitFor();
      assert.equal(await taskRow(page, T.rep).locator('.repeat-icon').textContent(), 'Repeats');

      // the task to read: the summary and the next dates
      await page.goto(BASE + `/tasks?task=${encodeURIComponent(t.id)}`);
      const detail = dialog(page);
      await detail.locator('.next-occurrences li').first().waitFor();
      assert.equal(await detail.locator('.repeat-summary').textContent(), 'Every 2 weeks on Mon and Thu');
      assert.deepEqual(await detail.locator('.next-occurrences time').evaluateAll((ts) => ts.map((x) => x.getAttribute('datetime'))), saved.nextOccurrences);
      await screen(page, vp, 3, 'task-repeat-detail');

      // the form has them too; monthly on the last Friday, 5 times, from completion
      await detail.getByRole('button', { name: 'Edit' }).click();
      const form = dialog(page);
      await form.locator('.next-occurrences li').first().waitFor();
      assert.equal(await form.locator('.next-occurrences li').count(), 3);
      await form.getByLabel('Repeat', { exact: true }).selectOption({ label: 'Monthly' });
      await form.getByRole('radio', { name: 'On the' }).check();
      await form.getByLabel('Which week').selectOption({ label: 'last' });
      await form.getByLabel('Weekday').selectOption({ label: 'Friday' });
      await form.getByLabel('Ends').selectOption({ label: 'After a number of times' });
      await form.getByLabel('Occurrences').fill('5');
      await form.getByLabel('Count the next one from').selectOption({ label: 'The day it is completed' });
      assert.equal(await form.locator('.repeat-summary').textContent(), 'Every month on the last Friday, 5 times, counted from completion');
      assert.equal(await form.locator('.next-occurrences').count(), 0, 'no next dates of the old rule');
      await screen(page, vp, 4, 'task-repeat-monthly');
      await form.getByRole('button', { name: 'Save changes' }).click();
      await form.waitFor({ state: 'detached' });
      saved = await getTask(page, t.id);
      assert.deepEqual(saved.repeat, { rule: 'FREQ=MONTHLY;BYDAY=-1FR;COUNT=5', from: 'completion' });
      assert.ok(saved.nextOccurrences.length >= 1 && saved.nextOccurrences.length <= 3);
      for (const n of saved.nextOccurrences) {
        const l = await localOf(page, n);
        assert.ok(l.weekday === 5 && l.day + 7 > l.last, `${n} is the last Friday of its month`);
      }
      assertNoProblems(page);
    });

    test('completing a repeating task moves it to its next date', async () => {
      const due = await localAt(page, 1, 9, 0);
      const next = await localAt(page, 2, 9, 0);
      const t = await newTask(page, { title: T.daily, dueDate: due.iso, reminders: [], repeat: { rule: 'FREQ=DAILY', from: 'due' } });
      await page.goto(BASE + '/tasks');
      const row = taskRow(page, T.daily);
      await row.locator('.repeat-icon').waitFor();
      await rowCheckbox(page, T.daily).click();
      await page.getByRole('status').filter({ hasText: 'next due' }).waitFor();
      await waitFor(async () => (await row.locator('time').getAttribute('datetime')) === next.iso, 'the row due at the next date');
      assert.equal(await row.getAttribute('data-status'), 'pending');
      assert.equal(await rowCheckbox(page, T.daily).isChecked(), false);
      const after = await getTask(page, t.id);
      assert.equal(after.status, 'pending');
      assert.equal(after.dueDate, next.iso);
      assert.equal(after.completedAt, null);
      assert.ok(after.lastCompletedAt, 'lastCompletedAt set');
      const n = (await apiGet(page, '/api/notifications')).json;
      assert.ok(n.items.some((x) => x.type === 'task_completed' && x.taskId === t.id), 'the completion is recorded');
      await screen(page, vp, 5, 'task-repeat-completed');
      assertNoProblems(page);
    });

    test('a due reminder snoozed from the notifications page', async (t) => {
      const now = Date.now();
      const task = await newTask(page, { title: T.snooze, dueDate: utc(now + 2 * 3600_000), reminders: [{ at: utc(now + 60_000) }] });
      const ran = await schedulerOnce(new Date(now + 120_000));
      if (!ran) {
        t.skip('taskmgr-scheduler not built or not in the stack');
        return;
      }
      const list = (await apiGet(page, '/api/notifications')).json;
      const due = list.items.find((x) => x.type === 'task_due' && x.taskId === task.id);
      try {
        assert.ok(due, 'a task_due notification for the reminder');
        assert.equal(due.reminderId, task.reminders[0].id);
        assert.equal(due.dueDate, task.dueDate);
      } catch (e) {
        console.log('scheduler stdout:\n' + ran.stdout + '\nstderr:\n' + ran.stderr);
        console.log('notifications:', JSON.stringify(list, null, 1));
        throw e;
      }

      await page.goto(BASE + '/notifications');
      const item = page.locator('li.notification[data-type="task_due"]', { hasText: T.snooze });
      await item.waitFor();
      await screen(page, vp, 6, 'notifications-snooze');
      const clicked = Date.now();
      await item.getByRole('button', { name: 'Snooze 10 min' }).click();
      await item.locator('.snoozed').waitFor();
      await waitFor(async () => (await item.getAttribute('data-read')) === 'true', 'snoozed is read');
      let r = await getTask(page, task.id);
      const ten = r.reminders.find((x) => x.state === 'pending' && Math.abs(Date.parse(x.fireAt) - (clicked + 600_000)) < 90_000);
      assert.ok(ten, 'a reminder 10 minutes from now: ' + JSON.stringify(r.reminders));

      const nine = await localAt(page, 1, 9, 0);
      await item.getByRole('button', { name: 'Snooze Tomorrow 9:00' }).click();
      await waitFor(async () => (await getTask(page, task.id)).reminders.some((x) => x.fireAt === nine.iso && x.state === 'pending'), 'a reminder tomorrow at 9:00 here');
      await screen(page, vp, 7, 'notifications-snoozed');

      // a completed task has nothing to snooze
      r = await getTask(page, task.id);
      const done = await apiSend(page, 'PATCH', '/api/tasks/' + task.id, { status: 'completed' }, { 'If-Match': `"${r.version}"` });
      assert.equal(done.status, 200, JSON.stringify(done.json));
      await item.getByRole('button', { name: 'Snooze 1 hour' }).click();
      await page.locator('.banner.error').getByText('This task is completed or gone: there is nothing to snooze.').waitFor();
      const direct = await apiSend(page, 'POST', `/api/notifications/${encodeURIComponent(due.id)}/snooze`, { for: 'PT1H' });
      assert.equal(direct.status, 409);
      assert.equal(direct.json.error.code, 'not_snoozable');
      assertNoProblems(page);
    });

    test('profile: time zone (and the offer of the browser’s), default reminders, quiet hours, digest, completions', async () => {
      const zone = await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone);
      const other = 'Europe/Berlin';
      assert.equal((await apiSend(page, 'PATCH', '/api/users/me', { timeZone: other })).status, 200);
      await page.goto(BASE + '/profile');
      const offer = page.locator('.zone-offer');
      await offer.waitFor();
      assert.match(await offer.textContent(), new RegExp(`${zone}.*${other}`));
      assert.equal(await page.getByLabel('Time zone').inputValue(), other);
      await screen(page, vp, 8, 'profile-zone-offer');
      await offer.getByRole('button', { name: `Use ${zone}` }).click();
      await offer.waitFor({ state: 'detached' });
      assert.equal((await apiGet(page, '/api/users/me')).json.user.timeZone, zone);
      assert.equal(await page.getByLabel('Time zone').inputValue(), zone);

      await page.getByLabel('Time zone').selectOption('Asia/Tokyo');
      const rem = page.locator('#p-reminders');
      assert.deepEqual(await reminderTexts(rem), ['1 day before']);
      await rem.locator('li.reminder', { hasText: '1 day before' }).getByRole('button', { name: /^Remove/ }).click();
      assert.equal(await rem.locator('.reminders-none').count(), 1);
      await addReminder(rem, '1 hour before');
      await rem.getByLabel('Add a reminder').selectOption({ label: 'Custom time before…' });
      await rem.getByLabel('How long before').fill('30');
      // Enter adds it; the form is not sent
      await rem.getByLabel('How long before').press('Enter');
      await rem.locator('li.reminder', { hasText: '30 minutes before' }).waitFor();
      assert.deepEqual((await apiGet(page, '/api/users/me')).json.user.defaultReminders, [{ before: 'P1D' }], 'not saved yet');
      assert.equal(await rem.getByLabel('Add a reminder').locator('option', { hasText: 'On a day and time' }).count(), 0, 'defaults are relative only');
      await page.getByRole('switch', { name: 'Hold email and SMS during quiet hours' }).check();
      await page.getByLabel('Quiet from').fill('21:30');
      assert.equal(await page.getByLabel('Quiet until').inputValue(), '07:00');
      await page.getByRole('switch', { name: 'Email me a digest every day' }).check();
      await page.getByLabel('Send the digest at').fill('07:45');
      const byEmail = page.getByRole('switch', { name: 'By email' });
      if (!(await byEmail.isChecked())) await byEmail.check();
      await page.getByRole('switch', { name: 'Email about my completed tasks' }).check();
      assert.ok(await page.getByRole('switch', { name: 'SMS about my completed tasks' }).isDisabled(), 'no SMS without a number');
      await screen(page, vp, 9, 'profile-reminders');
      await page.getByRole('button', { name: 'Save profile' }).click();
      await page.getByText('Your profile is saved.').waitFor();

      const me = (await apiGet(page, '/api/users/me')).json.user;
      assert.equal(me.timeZone, 'Asia/Tokyo');
      assert.deepEqual(me.defaultReminders, [{ before: 'PT1H' }, { before: 'PT30M' }]);
      assert.deepEqual(me.quietHours, { start: '21:30', end: '07:00' });
      assert.deepEqual(me.digest, { enabled: true, time: '07:45' });
      assert.equal(me.notificationPreferences.completedEmail, true);
      assert.equal(me.notificationPreferences.completedSms, false);

      await page.reload();
      await page.getByLabel('Time zone').waitFor();
      assert.equal(await page.getByLabel('Time zone').inputValue(), 'Asia/Tokyo');
      assert.deepEqual(await reminderTexts(page.locator('#p-reminders')), ['1 hour before', '30 minutes before']);
      assert.equal(await page.getByRole('switch', { name: 'Hold email and SMS during quiet hours' }).isChecked(), true);
      assert.equal(await page.getByLabel('Quiet from').inputValue(), '21:30');
      assert.equal(await page.getByLabel('Quiet until').inputValue(), '07:00');
      assert.equal(await page.getByRole('switch', { name: 'Email me a digest every day' }).isChecked(), true);
      assert.equal(await page.getByLabel('Send the digest at').inputValue(), '07:45');
      assert.equal(await page.getByRole('switch', { name: 'Email about my completed tasks' }).isChecked(), true);
      // the browser is elsewhere now: offered again
      await page.locator('.zone-offer').waitFor();

      // quiet hours off again: null
      await page.getByRole('switch', { name: 'Hold email and SMS during quiet hours' }).uncheck();
      await page.getByRole('button', { name: 'Save profile' }).click();
      await page.getByText('Your profile is saved.').waitFor();
      assert.equal((await apiGet(page, '/api/users/me')).json.user.quietHours, null);

      // other pages offer it under the header; kept, it is not asked again
      await page.goto(BASE + '/tasks');
      const nudge = page.locator('.zone-nudge');
      await nudge.waitFor();
      assert.match(await nudge.textContent(), new RegExp(`${zone}.*Asia/Tokyo`));
      await screen(page, vp, 10, 'tasks-zone-nudge');
      await nudge.getByRole('button', { name: 'Keep Asia/Tokyo' }).click();
      await nudge.waitFor({ state: 'detached' });
      await page.reload();
      await page.locator('li.task').first().waitFor();
      assert.equal(await page.locator('.zone-nudge').count(), 0, 'kept: not asked again');

      // a new task starts with the new defaults
      await page.goto(BASE + '/tasks?new=1');
      await dialog(page).locator('li.reminder').first().waitFor();
      assert.deepEqual(await reminderTexts(dialog(page)), ['1 hour before', '30 minutes before']);
      assertNoProblems(page);
    });
  });
}
