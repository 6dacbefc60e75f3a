// Account deletion (issue 15), at both sizes, against the real stack
// through nginx: the profile's "Delete account" asks for "delete" (or the
// email) and the password; a wrong password is shown beside its field;
// then the user lands on the login page, logged out, with a message, and
// logging in with the same email and password fails.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, PASSWORD, VIEWPORTS, run, usePage, useBrowser } from './lib.mjs';
import { apiGet, apiSend, assertNoProblems, errorShown, register, schedulerOnce, screen, waitPath } from './lib.mjs';

const browser = useBrowser();

for (const V of VIEWPORTS.filter((v) => !process.env.E2E_ONLY || v.name === process.env.E2E_ONLY)) {
  describe(`account deletion, ${V.name} (${V.colorScheme})`, () => {
    let page;
    const vp = 'delete-' + V.name;
    const email = `gone-${V.name}-${run}@example.com`;

    usePage(browser, V, vp, (p) => {
      page = p;
    });

    test('delete the account in the profile, then login fails', async () => {
      await register(page, vp, null, { first: 'Del', last: 'Eted', email });
      assert.equal((await apiSend(page, 'POST', '/api/tasks', { title: 'soon gone' })).status, 201);
      await page.goto(BASE + '/profile');
      await page.getByRole('heading', { name: 'Delete account' }).waitFor();
      await page.getByRole('button', { name: 'Delete account…' }).click();
      const dlg = page.locator('dialog[open]');
      await dlg.getByRole('heading', { name: 'Delete your account?' }).waitFor();
      const confirm = dlg.getByLabel('Type “delete” or your email address');
      const password = dlg.getByLabel('Password');
      const go = dlg.getByRole('button', { name: 'Delete my account' });

      // nothing typed: both fields say what they want
      await go.click();
      await errorShown(page.locator('#da-confirm-error'));
      await errorShown(page.locator('#da-password-error'));

      // the confirmation typed, a wrong password: the API's 400 beside it
      await confirm.fill('delete');
      await password.fill('Wr0ng!Passw0rd#');
      await go.click();
      const err = await errorShown(page.locator('#da-password-error'));
      assert.match(await err.textContent(), /incorrect/i);
      await screen(page, vp, 1, 'delete-account-wrong-password');
      assert.equal((await apiGet(page, '/api/users/me')).status, 200, 'nothing deleted, the session goes on');

      // the email works as the confirmation too
      await confirm.fill(email.toUpperCase());
      await password.fill(PASSWORD);
      await go.click();
      await waitPath(page, /^\/login\?reason=deleted/);
      await page.getByText('Your account has been deleted').waitFor();
      await screen(page, vp, 2, 'login-after-delete');
      assert.equal((await apiGet(page, '/api/users/me')).status, 401, 'logged out');

      // the scheduler's pass deletes the items (the stack may run none)
      await schedulerOnce();

      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.locator('.form-error').waitFor();
      assert.match(await page.locator('.form-error').textContent(), /\S/);
      assert.match(new URL(page.url()).pathname, /^\/login/, 'still on the login page');
      assertNoProblems(page);
    });
  });
}
