// Passwords (issue 15), at both sizes, against the real stack through
// nginx: the confirmation code sent again (with a cooldown), a password
// changed in the profile, and a forgotten one reset with the emailed code
// (read from cognito-local's records), then a log in with it.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
// the stack, the browser, and the steps and checks every e2e test uses
import { BASE, PASSWORD, VIEWPORTS, run, usePage, useBrowser } from './lib.mjs';
import { apiGet, apiSend, assertNoProblems, confirmationCode, errorShown, screen, waitFor, waitPath } from './lib.mjs';

const browser = useBrowser();
const CHANGED = 'Chang3d!Passw0rd';
const RESET = 'R3set!Passw0rd#x';

for (const V of VIEWPORTS.filter((v) => !process.env.E2E_ONLY || v.name === process.env.E2E_ONLY)) {
  describe(`passwords, ${V.name} (${V.colorScheme})`, () => {
    let page;
    const vp = 'password-' + V.name;
    const email = `pat-${V.name}-${run}@example.com`;

    usePage(browser, V, vp, (p) => {
      page = p;
    });

    test('registration: the code sent again, then a cooldown', async () => {
      await page.goto(BASE + '/register');
      await page.getByLabel('First name').fill('Pat');
      await page.getByLabel('Last name').fill('Word');
      await page.getByLabel('Email', { exact: true }).fill(email);
      await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await page.getByRole('button', { name: 'Create account' }).click();
      await page.getByRole('heading', { name: 'Confirm your email' }).waitFor();
      const again = page.getByRole('button', { name: /^Send the code again/ });
      await again.click();
      await page.getByRole('status').filter({ hasText: `We sent a new code to ${email}.` }).waitFor();
      assert.ok(await again.isDisabled(), 'the button waits before another code');
      assert.match(await again.textContent(), /\(\d+ s\)/, 'it says how long');
      await screen(page, vp, 1, 'register-code-sent-again');
      await page.getByLabel('Confirmation code').fill(await confirmationCode(email));
      await page.getByRole('button', { name: 'Confirm' }).click();
      await waitPath(page, /^\/tasks/);
      assertNoProblems(page);
    });

    test('profile: change the password; a wrong current one is shown beside its field', async () => {
      await page.goto(BASE + '/profile');
      await page.getByRole('heading', { name: 'Change password' }).waitFor();
      await page.getByLabel('Current password').fill('Wr0ng!Passw0rd#');
      await page.getByLabel('New password').fill('weak');
      await page.getByRole('button', { name: 'Change password' }).click();
      // the browser's check first: the policy beside the new password
      await errorShown(page.locator('#cp-new-error'));
      // the focus goes to the field in error (a frame or two later on a
      // busy machine)
      const focused = (id) => waitFor(async () => (await page.evaluate(() => document.activeElement?.id)) === id,
                                      `the focus on #${id}`);
      await focused('cp-new');
      await page.getByLabel('New password').fill(CHANGED);
      await page.getByRole('button', { name: 'Change password' }).click();
      const err = await errorShown(page.locator('#cp-current-error'));
      assert.match(await err.textContent(), /current password is incorrect/i);
      await focused('cp-current');
      await screen(page, vp, 2, 'profile-password-error');
      await page.getByLabel('Current password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Change password' }).click();
      await page.getByRole('status').filter({ hasText: 'Your password is changed' }).waitFor();
      assert.equal(await page.getByLabel('Current password').inputValue(), '', 'the fields are emptied');
      assert.equal((await apiGet(page, '/api/users/me')).status, 200, 'this session goes on');
      await screen(page, vp, 3, 'profile-password-changed');
      assertNoProblems(page);
    });

    test('forgot password: the emailed code and a new password, then log in with it', async () => {
      assert.equal((await apiSend(page, 'POST', '/api/users/logout')).status, 204);
      await page.goto(BASE + '/login');
      await page.getByLabel('Email').fill(email);
      await page.getByRole('link', { name: 'Forgot password?' }).click();
      await waitPath(page, /^\/forgot/);
      const field = page.getByLabel('Email');
      await waitFor(async () => (await field.inputValue()) === email, 'the email carried over');
      await screen(page, vp, 4, 'forgot');
      await page.getByRole('button', { name: 'Send the code' }).click();
      await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
      await page.getByLabel('Code from the email').fill('000000');
      await page.getByLabel('New password').fill(RESET);
      await page.getByRole('button', { name: 'Set the new password' }).click();
      const err = await errorShown(page.locator('#fp-code-error'));
      assert.match(await err.textContent(), /wrong or has expired/);
      await screen(page, vp, 5, 'forgot-code-error');
      await page.getByLabel('Code from the email').fill(await confirmationCode(email));
      await page.getByRole('button', { name: 'Set the new password' }).click();
      await waitPath(page, /^\/login\?reason=reset/);
      await page.getByText('Log in with the new password.').waitFor();
      await screen(page, vp, 6, 'login-after-reset');
      await page.getByLabel('Password').fill(CHANGED);
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.locator('.form-error').waitFor();
      await page.getByLabel('Password').fill(RESET);
      await page.getByRole('button', { name: 'Log in' }).click();
      await waitPath(page, /^\/tasks/);
      assertNoProblems(page);
    });
  });
}
