// Phone verification (issue 15), at both sizes, against the real stack
// through nginx: a number saved in the profile is not verified; "Verify"
// texts a code (the scheduler's pass writes it to the SMS outbox file,
// where this test reads it), a wrong code is shown beside the field, the
// right one verifies the number, and a changed number is not verified.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { BASE, VIEWPORTS, run, usePage, useBrowser } from './lib.mjs';
import { apiGet, assertNoProblems, errorShown, register, schedulerOnce, screen, waitFor } from './lib.mjs';

const browser = useBrowser();

// the last code texted to `to`, from the SMS outbox file
function smsCode(to) {
  let lines = [];
  try {
    lines = readFileSync(process.env.TASKMGR_SMS_OUTBOX, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  } catch {
    /* not written yet */
  }
  const l = lines.filter((x) => x.to === to && x.type === 'phone_code').pop();
  return l?.text.match(/code is (\d{6})/)?.[1];
}

const phoneOf = (i) => `+1202${String(Date.now() % 1e6).padStart(6, '0')}${i}`;

for (const V of VIEWPORTS.filter((v) => !process.env.E2E_ONLY || v.name === process.env.E2E_ONLY)) {
  describe(`phone verification, ${V.name} (${V.colorScheme})`, () => {
    let page;
    const vp = 'phone-' + V.name;
    const email = `phoebe-${V.name}-${run}@example.com`;

    usePage(browser, V, vp, (p) => {
      page = p;
    });

    test('a saved number is verified with the code texted to it', async () => {
      assert.ok(process.env.TASKMGR_SMS_OUTBOX, 'the stack names its SMS outbox');
      await register(page, vp, null, { first: 'Phoebe', last: 'Number', email });
      await page.goto(BASE + '/profile');
      const phone = phoneOf(V.name === 'mobile' ? 1 : 2);
      await page.getByLabel('Phone number (optional)').fill(phone);
      await page.getByRole('button', { name: 'Save profile' }).click();
      await page.getByRole('status').filter({ hasText: 'Your profile is saved.' }).waitFor();
      const unverified = page.getByTestId('phone-unverified');
      await unverified.waitFor();
      assert.match(await unverified.textContent(), /not verified/);
      assert.equal((await apiGet(page, '/api/users/me')).json.user.phoneVerified, false);

      await page.getByRole('button', { name: 'Verify', exact: true }).click();
      await page.getByRole('status').filter({ hasText: `A code is on its way to ${phone}` }).waitFor();
      // a pass a little later (--now is whole seconds; the code's outbox
      // time has milliseconds)
      assert.ok(await schedulerOnce(new Date(Date.now() + 2000)), 'a scheduler pass');
      let code;
      await waitFor(() => (code = smsCode(phone)), `a code texted to ${phone}`);
      await screen(page, vp, 1, 'profile-phone-code');

      // a wrong code: beside the field
      await page.getByLabel('Code', { exact: true }).fill(code === '000000' ? '111111' : '000000');
      await page.getByRole('button', { name: 'Confirm' }).click();
      const err = await errorShown(page.locator('#pv-code-error'));
      assert.match(await err.textContent(), /wrong code/i);

      await page.getByLabel('Code', { exact: true }).fill(code);
      await page.getByRole('button', { name: 'Confirm' }).click();
      const verified = page.getByTestId('phone-verified');
      await verified.waitFor();
      assert.match(await verified.textContent(), /is verified/);
      assert.equal((await apiGet(page, '/api/users/me')).json.user.phoneVerified, true);
      await screen(page, vp, 2, 'profile-phone-verified');

      // saving the profile again keeps it; a new number is not verified
      await page.reload();
      await page.getByLabel('First name').fill('Phoebe J.');
      await page.getByRole('button', { name: 'Save profile' }).click();
      await page.getByRole('status').filter({ hasText: 'Your profile is saved.' }).waitFor();
      await page.getByTestId('phone-verified').waitFor();
      await page.getByLabel('Phone number (optional)').fill(phoneOf(V.name === 'mobile' ? 3 : 4));
      await page.getByRole('button', { name: 'Save profile' }).click();
      await page.getByTestId('phone-unverified').waitFor();
      assert.equal((await apiGet(page, '/api/users/me')).json.user.phoneVerified, false);
      assertNoProblems(page);
    });
  });
}
