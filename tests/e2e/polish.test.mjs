// What a new user tripped over (issue 18), one behaviour a test, at both
// sizes and in both themes, against the real stack through nginx: every
// form error at once, alert channels at sign-up, filters checked before
// they are sent, an edit conflict shown, closing a dialog with changes,
// long text refused not cut, the logged-in user kept off /login, wording,
// a task's detail with safe links, Back and the dialogs, the bell without
// its API.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
// the stack, the browser, and the steps and checks every e2e test uses
import { BASE, PASSWORD, VIEWPORTS, run, sleep, usePage, useBrowser } from './lib.mjs';
import { apiGet, apiSend, bellCount, confirmationCode, fillTask, localParts, rowAction, taskRow } from './lib.mjs';
import { assertNoProblems, errorShown, newPage, path, screen, waitFor, waitPath } from './lib.mjs';

const browser = useBrowser();

// the requests the page sends whose URL matches re
function recordRequests(page, re) {
  const seen = [];
  page.on('request', (r) => re.test(r.url()) && seen.push(`${r.method()} ${r.url()}`));
  return seen;
}

const dialog = (page) => page.locator('dialog[open]');

async function newTask(page, data) {
  const r = await apiSend(page, 'POST', '/api/tasks', data);
  assert.equal(r.status, 201, JSON.stringify(r.json));
  return r.json.task;
}

for (const V of VIEWPORTS.filter((v) => !process.env.E2E_ONLY || v.name === process.env.E2E_ONLY)) {
  describe(`polish, ${V.name} (${V.colorScheme})`, () => {
    let page;
    const vp = 'polish-' + V.name;
    const user = { email: `lin-${V.name}-${run}@example.com` };

    usePage(browser, V, vp, (p) => {
      page = p;
    });

    test('log in page: the Email field has the focus; a wrong password in plain words', async () => {
      await page.goto(BASE + '/login');
      await waitFor(async () => (await page.evaluate(() => document.activeElement?.id)) === 'login-email', 'focus on Email');
      await page.getByLabel('Email').fill(`nobody-${run}@example.com`);
      await page.getByLabel('Password').fill('Wr0ng!Passw0rd#');
      await page.getByRole('button', { name: 'Log in' }).click();
      const err = page.locator('.form-error');
      await err.waitFor();
      assert.equal(await err.textContent(), 'The email or password is incorrect.');
      assertNoProblems(page);
    });

    test('registration: every field checked at once, in the browser', async () => {
      const sent = recordRequests(page, /\/api\/users\/register/);
      await page.goto(BASE + '/register');
      await page.getByLabel('First name').fill('Lin');
      await page.getByLabel('Last name').fill('Chen');
      await page.getByLabel('Email', { exact: true }).fill('lin-at-example.com');
      await page.getByLabel('Password', { exact: true }).fill('short');
      await page.getByLabel('Phone number (optional)').fill('555-1234');
      await page.getByRole('button', { name: 'Create account' }).click();
      for (const [id, text] of [
        ['reg-email', 'Enter an email address like name@example.com.'],
        ['reg-password', /^Choose a stronger password: at least 12 characters/],
        ['reg-phone', /^Enter the number in international format/],
      ]) {
        const e = page.locator(`#${id}-error`);
        await e.waitFor();
        const said = (await e.textContent()).replace(/^⚠ /, '');
        if (typeof text === 'string') assert.equal(said, text);
        else assert.match(said, text);
        assert.equal(await page.locator('#' + id).getAttribute('aria-invalid'), 'true');
      }
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'reg-email', 'the first field in error has the focus');
      assert.equal(await page.locator('.field-error').count(), 3, 'three errors, no more');
      assert.deepEqual(sent, [], 'nothing sent while the form has errors');
      await screen(page, vp, 1, 'register-errors');
      assertNoProblems(page);
    });

    test('registration: the alert channels chosen are the account’s, and the empty list says so', async () => {
      const email = page.getByRole('switch', { name: 'By email' });
      const sms = page.getByRole('switch', { name: 'By SMS' });
      assert.equal(await email.isChecked(), true, 'email on by default');
      await page.getByLabel('Phone number (optional)').fill('');
      assert.ok(await sms.isDisabled(), 'no number, no SMS');
      await page.getByLabel('Email', { exact: true }).fill(user.email);
      await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await page.getByLabel('Phone number (optional)').fill('+1 (415) 555-0123');
      await sms.check();
      await page.getByRole('button', { name: 'Create account' }).click();
      await page.getByRole('heading', { name: 'Confirm your email' }).waitFor();
      await page.getByLabel('Confirmation code').fill(await confirmationCode(user.email));
      await page.getByRole('button', { name: 'Confirm' }).click();
      await waitPath(page, /^\/tasks$/);
      await page.getByRole('heading', { name: 'No tasks yet' }).waitFor();
      const me = (await apiGet(page, '/api/users/me')).json.user;
      assert.deepEqual(me.notificationPreferences, { email: true, sms: true, completedEmail: false, completedSms: false });
      assert.equal(me.phoneNumber, '+14155550123');
      const promise = page.locator('.empty .reminders');
      assert.equal(
        await promise.textContent(),
        'Before a task is due, you get its reminders in the app, by email and by SMS. Choose when in the task; the defaults and the channels are in your profile.',
      );
      await screen(page, vp, 2, 'tasks-empty-reminders');
      assertNoProblems(page);
    });

    test('the channels chosen survive a reload between the code and the log in', async () => {
      // another visitor, in a browser of their own
      const { name, ...opts } = V;
      const other = await browser().newContext({ ...opts, locale: 'en-US' });
      other.setDefaultTimeout(10_000);
      const p = await newPage(other);
      const email = `ray-${V.name}-${run}@example.com`;
      await p.goto(BASE + '/register');
      await p.getByLabel('First name').fill('Ray');
      await p.getByLabel('Last name').fill('Ng');
      await p.getByLabel('Email', { exact: true }).fill(email);
      await p.getByLabel('Password', { exact: true }).fill(PASSWORD);
      assert.equal(await p.getByRole('switch', { name: 'By email' }).isChecked(), true);
      await p.getByRole('button', { name: 'Create account' }).click();
      await p.getByRole('heading', { name: 'Confirm your email' }).waitFor();
      // the password is gone with the reload: confirming ends on the log-in page
      await p.reload();
      await p.getByLabel('Confirmation code').fill(await confirmationCode(email));
      await p.getByRole('button', { name: 'Confirm' }).click();
      await waitPath(p, /^\/login\?reason=confirmed/);
      await p.getByLabel('Password').fill(PASSWORD);
      await p.getByRole('button', { name: 'Log in' }).click();
      await waitPath(p, /^\/tasks$/);
      await p.locator('.empty .reminders').getByText('you get its reminders in the app and by email.', { exact: false }).waitFor();
      assert.deepEqual((await apiGet(p, '/api/users/me')).json.user.notificationPreferences, { email: true, sms: false, completedEmail: false, completedSms: false });
      assertNoProblems(p);
      await other.close();
    });

    test('logged in: /login and /register lead to the tasks; /tasks/ is /tasks', async () => {
      for (const p of ['/login', '/register']) {
        await page.goto(BASE + p);
        await waitPath(page, /^\/tasks$/);
        await page.getByRole('button', { name: 'Log out' }).waitFor();
      }
      await page.goto(BASE + '/tasks/?status=open');
      await waitPath(page, /^\/tasks\?status=open$/);
      await page.getByRole('heading', { name: 'All tasks', exact: true }).waitFor();
      const r = await fetch(BASE + '/tasks/?status=open', { redirect: 'manual' });
      assert.equal(r.status, 301);
      assert.equal(r.headers.get('location'), '/tasks?status=open');
      await page.getByLabel('Status').selectOption('all');
      await waitPath(page, /^\/tasks$/);
      assertNoProblems(page);
    });

    test('filters: a range that cannot be asked for is explained and not sent', async () => {
      const sent = recordRequests(page, /\/api\/tasks\?/);
      await page.getByLabel('Due', { exact: true }).selectOption('custom');
      await page.getByLabel('From').fill('2026-01-10');
      await waitFor(() => sent.some((u) => /dueFrom=/.test(u)), 'the list for the start date');
      const before = sent.length;
      await page.getByLabel('To').fill('2026-01-05');
      const toError = page.locator('#f-to-error');
      await toError.waitFor();
      assert.match(await toError.textContent(), /Choose an end date on or after the start date\./);
      await page.getByLabel('From').fill('1900-01-01');
      await page.locator('#f-from-error').getByText('Enter a date from 1970 on.').waitFor();
      await screen(page, vp, 3, 'filters-invalid');
      await sleep(500);
      assert.equal(sent.length, before, 'no request for an invalid range');
      await page.getByLabel('From').fill('2026-01-01');
      await waitFor(() => sent.length === before + 1, 'the list for the corrected range');
      assert.equal(await page.locator('#f-to-error, #f-from-error').count(), 0);
      await page.getByLabel('Due', { exact: true }).selectOption('any');
      assertNoProblems(page);
    });

    test('a list the server refuses offers no "Try again"; a server error does', async () => {
      const list = /\/api\/tasks\?/;
      const answer = (status, code) => (route) =>
        route.fulfill({ status, contentType: 'application/json', body: JSON.stringify({ error: { code, message: 'must not be after dueTo', field: 'dueFrom' } }) });
      // each answer for the list asked by a change of sort order
      await page.route(list, answer(400, 'invalid_field'));
      await page.getByLabel('Sort by').selectOption('due');
      await page.getByText('Could not load your tasks. Must not be after dueTo.').waitFor();
      assert.equal(await page.getByRole('button', { name: 'Try again' }).count(), 0);
      await page.unroute(list);
      await page.route(list, answer(503, 'unavailable'));
      await page.getByLabel('Sort by').selectOption('updated');
      await page.getByRole('button', { name: 'Try again' }).waitFor();
      await page.unroute(list);
      await page.getByRole('button', { name: 'Try again' }).click();
      await page.getByRole('heading', { name: 'No tasks yet' }).waitFor();
      assertNoProblems(page);
    });

    test('long text: a counter near the limit, refused past it and never cut; a long title wraps', async () => {
      const posts = recordRequests(page, /\/api\/tasks$/);
      await page.getByRole('button', { name: 'New task' }).click();
      const dlg = dialog(page);
      const long = 'W'.repeat(205);
      await fillTask(page, { title: long });
      assert.equal((await dlg.getByLabel('Title').inputValue()).length, 205, 'nothing cut');
      await dlg.getByText('205 of 200 characters: 5 too many.').waitFor();
      await dlg.getByRole('button', { name: 'Create task' }).click();
      await errorShown(dlg.locator('#task-title-error').getByText('The title is 5 characters too long: use at most 200.'));
      assert.deepEqual(posts.filter((u) => u.startsWith('POST')), [], 'not sent');
      await screen(page, vp, 4, 'task-too-long');
      const desc = 'd'.repeat(4100);
      await dlg.getByLabel('Description (optional)').fill(desc);
      await dlg.getByText('4,100 of 5,000 characters.').waitFor();
      await dlg.getByLabel('Title').fill(long.slice(0, 200));
      await dlg.getByText('200 of 200 characters.').waitFor();
      await dlg.getByRole('button', { name: 'Create task' }).click();
      await dlg.waitFor({ state: 'detached' });
      const toast = page.locator('p[role="status"][aria-live="polite"]').filter({ hasText: 'created' });
      await toast.waitFor();
      const box = await toast.boundingBox();
      assert.ok(box.x >= 0 && box.x + box.width <= V.viewport.width, `the toast fits the screen (${box.x}+${box.width} > ${V.viewport.width})`);
      await screen(page, vp, 5, 'toast-long-title');
      const saved = (await apiGet(page, '/api/tasks')).json.items.find((t) => t.title.startsWith('WWW'));
      assert.equal(saved.title.length, 200);
      assert.equal(saved.description, desc);
      await rowAction(page, saved.title, 'Delete');
      await dialog(page).getByRole('button', { name: 'Delete', exact: true }).click();
      await taskRow(page, saved.title).waitFor({ state: 'detached' });
      assertNoProblems(page);
    });

    test('closing a dialog with changes asks first; a save in flight cannot be closed', async () => {
      await page.getByRole('button', { name: 'New task' }).click();
      const dlg = dialog(page);
      await dlg.getByRole('button', { name: 'Cancel' }).click();
      await dlg.waitFor({ state: 'detached' });

      await page.getByRole('button', { name: 'New task' }).click();
      await fillTask(page, { title: 'Half-typed idea' });
      await page.keyboard.press('Escape');
      const ask = dlg.getByText('Discard the changes you made? They are not saved.');
      await ask.waitFor();
      await screen(page, vp, 6, 'task-discard-ask');
      await dlg.getByRole('button', { name: 'Keep editing' }).click();
      await ask.waitFor({ state: 'detached' });
      assert.equal(await dlg.getByLabel('Title').inputValue(), 'Half-typed idea');
      await dlg.getByRole('button', { name: 'Close' }).click();
      await dlg.getByRole('button', { name: 'Discard changes' }).click();
      await dlg.waitFor({ state: 'detached' });
      assert.ok(!(await apiGet(page, '/api/tasks')).json.items.some((t) => t.title === 'Half-typed idea'), 'nothing created');

      // a slow save: Escape and × wait for it, the task is created once
      let release;
      const released = new Promise((r) => (release = r));
      const create = /\/api\/tasks$/;
      await page.route(create, async (route) => {
        await released;
        await route.continue();
      });
      await page.getByRole('button', { name: 'New task' }).click();
      await fillTask(page, { title: 'Saved slowly' });
      await dlg.getByRole('button', { name: 'Create task' }).click();
      await dlg.getByRole('button', { name: 'Saving…' }).waitFor();
      await page.keyboard.press('Escape');
      await page.keyboard.press('Escape');
      assert.ok(await dlg.getByRole('button', { name: 'Close' }).isDisabled(), '× waits');
      await sleep(300);
      assert.equal(await dlg.isVisible(), true, 'still open while saving');
      release();
      await dlg.waitFor({ state: 'detached' });
      await page.unroute(create);
      await taskRow(page, 'Saved slowly').waitFor();
      assert.equal((await apiGet(page, '/api/tasks')).json.items.filter((t) => t.title === 'Saved slowly').length, 1);
      assertNoProblems(page);
    });

    test('a date the API cannot take is explained in the form; a date-only due date shows no time', async () => {
      const posts = recordRequests(page, /\/api\/tasks$/);
      await page.getByRole('button', { name: 'New task' }).click();
      await fillTask(page, { title: 'Date without a time', date: '1900-01-01' });
      await dialog(page).getByRole('button', { name: 'Create task' }).click();
      await errorShown(dialog(page).locator('#task-date-error').getByText('Enter a date from 1970 on.'));
      assert.deepEqual(posts, [], 'not sent');
      const later = await localParts(page, 3 * 86400e3);
      await dialog(page).getByLabel('Date').fill(later.date);
      await dialog(page).getByRole('button', { name: 'Create task' }).click();
      const chip = taskRow(page, 'Date without a time').locator('.chip');
      await chip.waitFor();
      assert.match(await chip.textContent(), /^Due /);
      assert.doesNotMatch(await chip.textContent(), /\d:\d\d/, 'no time of day');
      await rowAction(page, 'Date without a time', 'Edit');
      assert.equal(await dialog(page).getByLabel('Time').inputValue(), '', 'the time field stays empty');
      assert.equal(await dialog(page).getByLabel('Date').inputValue(), later.date);
      await dialog(page).getByRole('button', { name: 'Cancel' }).click();
      await dialog(page).waitFor({ state: 'detached' });
    });

    test('a task’s detail: the description with its line breaks, links safe, no HTML', async () => {
      const description = 'First line.\nSee https://example.org/plan?x=1.\n<b>not bold</b> <img src=x onerror="window.pwned=1">';
      const t = await newTask(page, { title: 'Read me', description });
      await page.reload();
      await taskRow(page, 'Read me').locator('.task-title a').click();
      await waitPath(page, /^\/tasks\?(.*&)?task=/);
      const dlg = dialog(page);
      await dlg.getByRole('heading', { name: 'Task', exact: true }).waitFor();
      const desc = dlg.locator('.detail-desc');
      assert.equal(await desc.innerText(), description, 'every line as written');
      assert.equal(await desc.evaluate((e) => getComputedStyle(e).whiteSpace), 'pre-wrap');
      const link = desc.getByRole('link', { name: 'https://example.org/plan?x=1' });
      assert.equal(await link.getAttribute('href'), 'https://example.org/plan?x=1');
      assert.equal(await link.getAttribute('rel'), 'noopener noreferrer');
      assert.equal(await link.getAttribute('target'), '_blank');
      assert.equal(await desc.locator('b, img').count(), 0, 'the user’s HTML is text');
      assert.equal(await page.evaluate(() => window.pwned), undefined);
      await screen(page, vp, 7, 'task-detail');
      await dlg.getByRole('button', { name: 'Edit' }).click();
      await dlg.getByRole('heading', { name: 'Edit task' }).waitFor();
      assert.equal(await dlg.getByLabel('Description (optional)').inputValue(), description);
      assert.match(path(page), /edit=1/);
      await dlg.getByRole('button', { name: 'Cancel' }).click();
      await dlg.waitFor({ state: 'detached' });
      await apiSend(page, 'DELETE', '/api/tasks/' + t.id, undefined, { 'If-Match': `"${t.version}"` });
    });

    test('an edit conflict shows both versions; the user keeps theirs or takes the other', async () => {
      const t = await newTask(page, { title: 'Plan the trip', description: 'Trains.' });
      await page.reload();
      const row = taskRow(page, 'Plan the trip');
      await rowAction(page, 'Plan the trip', 'Edit');
      const dlg = dialog(page);
      await dlg.getByLabel('Description (optional)').fill('Trains and a ferry.');
      // meanwhile, another tab
      const other = await apiSend(page, 'PATCH', '/api/tasks/' + t.id, { title: 'Plan the trip to Oslo' }, { 'If-Match': `"${t.version}"` });
      assert.equal(other.status, 200);
      await dlg.getByRole('button', { name: 'Save changes' }).click();
      const conflict = dlg.locator('.conflict');
      await conflict.waitFor();
      assert.equal(await conflict.locator('tr[data-field="title"] .theirs').textContent(), 'Plan the trip to Oslo');
      assert.equal(await conflict.locator('tr[data-field="title"] .mine').textContent(), 'Plan the trip');
      assert.equal(await conflict.locator('tr[data-field="description"] .theirs').textContent(), 'Trains.');
      assert.equal(await conflict.locator('tr[data-field="description"] .mine').textContent(), 'Trains and a ferry.');
      await waitFor(async () => (await taskRow(page, 'Plan the trip to Oslo').count()) === 1, 'the list row shows the other version');
      await screen(page, vp, 8, 'task-conflict');
      await conflict.getByRole('button', { name: 'Use the other version' }).click();
      assert.equal(await dlg.getByLabel('Title').inputValue(), 'Plan the trip to Oslo');
      assert.equal(await dlg.getByLabel('Description (optional)').inputValue(), 'Trains.');
      await dlg.getByLabel('Description (optional)').fill('Trains, then the ferry.');

      // and again, this time keeping mine
      const now = (await apiGet(page, '/api/tasks/' + t.id)).json.task;
      await apiSend(page, 'PATCH', '/api/tasks/' + t.id, { status: 'in_progress' }, { 'If-Match': `"${now.version}"` });
      await dlg.getByRole('button', { name: 'Save changes' }).click();
      await conflict.waitFor();
      assert.equal(await conflict.locator('tr[data-field="status"] .theirs').textContent(), 'In progress');
      await conflict.getByRole('button', { name: 'Keep mine' }).click();
      await dlg.waitFor({ state: 'detached' });
      const saved = (await apiGet(page, '/api/tasks/' + t.id)).json.task;
      assert.equal(saved.title, 'Plan the trip to Oslo');
      assert.equal(saved.description, 'Trains, then the ferry.');
      assert.equal(saved.status, 'pending', 'mine kept: pending, as in the form');
      assertNoProblems(page);
    });

    test('Back closes a dialog; a closed dialog leaves nothing for Back', async () => {
      await page.getByRole('link', { name: 'Profile' }).click();
      await waitPath(page, /^\/profile$/);
      await page.getByRole('link', { name: 'Tasks', exact: true }).click();
      await waitPath(page, /^\/tasks$/);
      const title = taskRow(page, 'Plan the trip to Oslo').locator('.task-title a');
      await title.click();
      await dialog(page).waitFor();
      await page.goBack();
      await dialog(page).waitFor({ state: 'detached' });
      assert.equal(path(page), '/tasks');
      await title.click();
      await dialog(page).getByRole('button', { name: 'Close', exact: true }).click();
      await dialog(page).waitFor({ state: 'detached' });
      assert.equal(path(page), '/tasks');
      await page.goBack();
      await waitPath(page, /^\/profile$/);
      assertNoProblems(page);
    });

    test('the bell hides its count while the notifications API answers 404', async () => {
      const t = await newTask(page, { title: 'Ring the bell' });
      await apiSend(page, 'PATCH', '/api/tasks/' + t.id, { status: 'completed' }, { 'If-Match': `"${t.version}"` });
      const unread = (await apiGet(page, '/api/notifications?unread=true&limit=1')).json.unreadCount;
      assert.ok(unread >= 1, 'a completion to count');
      await page.goto(BASE + '/tasks');
      await waitFor(async () => (await bellCount(page)) === String(unread), `the bell shows ${unread}`);
      const notifs = /\/api\/notifications/;
      await page.route(notifs, (route) =>
        route.fulfill({ status: 404, contentType: 'application/json', body: '{"error":{"code":"not_found","message":"no such route"}}' }),
      );
      await page.evaluate(() => window.dispatchEvent(new Event('focus')));
      await waitFor(async () => (await bellCount(page)) === '', 'no count');
      await page.getByRole('link', { name: 'Notifications', exact: true }).waitFor();
      await page.unroute(notifs);
      await page.evaluate(() => window.dispatchEvent(new Event('focus')));
      await waitFor(async () => (await bellCount(page)) === String(unread), 'the count back');
      assertNoProblems(page);
    });
  });
}
