// Two-factor sign-in (issue 15), at both sizes, against the real stack
// through nginx: turned on in the profile (a QR code drawn in the page and
// the key as text; a wrong code refused beside its field), then a log out
// and a log in that asks for a code.  The codes are computed here from the
// key the page shows (RFC 6238: HMAC-SHA1, 30 s steps, 6 digits).

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { BASE, PASSWORD, VIEWPORTS, run, usePage, useBrowser } from './lib.mjs';
import { apiGet, apiSend, assertNoProblems, errorShown, register, screen, sleep, waitPath } from './lib.mjs';

const browser = useBrowser();

function base32(s) {
  const A = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const bits = [...s.replace(/=+$/, '')].map((c) => A.indexOf(c).toString(2).padStart(5, '0')).join('');
  return Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
}

function totp(secret, step) {
  const t = Buffer.alloc(8);
  t.writeBigUInt64BE(BigInt(step));
  const h = createHmac('sha1', base32(secret)).update(t).digest();
  const o = h[19] & 15;
  return String((h.readUInt32BE(o) & 0x7fffffff) % 1e6).padStart(6, '0');
}

const stepNow = () => Math.floor(Date.now() / 30_000);

// a code not used yet: the next step's or this one's, else the next
// step is waited for (the server refuses a code accepted once)
const used = new Set();
async function freshCode(secret) {
  for (let i = 0; i < 2; i++) {
    for (const off of [1, 0]) {
      const c = totp(secret, stepNow() + off);
      if (!used.has(secret + c)) {
        used.add(secret + c);
        return c;
      }
    }
    await sleep(30_000 - (Date.now() % 30_000) + 200);
  }
  throw new Error('no fresh code');
}

function wrongCode(secret) {
  const near = new Set([-2, -1, 0, 1, 2].map((d) => totp(secret, stepNow() + d)));
  let n = 0;
  while (near.has(String(n).padStart(6, '0'))) n++;
  return String(n).padStart(6, '0');
}

assert.equal(totp('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', 1), '287082', "RFC 6238's first SHA-1 vector");

for (const V of VIEWPORTS.filter((v) => !process.env.E2E_ONLY || v.name === process.env.E2E_ONLY)) {
  describe(`two-factor sign-in, ${V.name} (${V.colorScheme})`, () => {
    let page;
    let secret = '';
    const vp = 'mfa-' + V.name;
    const user = { first: 'Tove', last: 'Factor', email: `tove-${V.name}-${run}@example.com` };

    usePage(browser, V, vp, (p) => {
      page = p;
    });

    test('profile: turn on two-factor with the QR code and a code from the app', async () => {
      await register(page, vp, null, user);
      await page.goto(BASE + '/profile');
      await page.getByRole('heading', { name: 'Security' }).waitFor();
      assert.match(await page.getByTestId('mfa-state').textContent(), /is off/);
      await page.getByRole('button', { name: 'Turn on two-factor' }).click();
      // the QR code's chunk is loaded now, not with the page
      await page.getByRole('img', { name: 'QR code of the two-factor secret' }).waitFor();
      secret = (await page.getByTestId('mfa-secret').textContent()).trim();
      assert.match(secret, /^[A-Z2-7]{16,}$/, 'the key is shown as text');
      assert.ok((await page.locator('svg.qr path').getAttribute('d')).length > 100, 'the QR code is drawn');
      await screen(page, vp, 1, 'mfa-setup');

      await page.getByLabel('Code from the app').fill(wrongCode(secret));
      await page.getByRole('button', { name: 'Confirm and turn on' }).click();
      const err = await errorShown(page.locator('#tf-code-error'));
      assert.match(await err.textContent(), /wrong or was used/);
      await page.getByLabel('Code from the app').fill(await freshCode(secret));
      await page.getByRole('button', { name: 'Confirm and turn on' }).click();
      await page.getByRole('status').filter({ hasText: 'Two-factor sign-in is on' }).waitFor();
      assert.match(await page.getByTestId('mfa-state').textContent(), /is on/);
      assert.equal((await apiGet(page, '/api/users/me')).json.user.mfaEnabled, true);
      await screen(page, vp, 2, 'mfa-on');
      assertNoProblems(page);
    });

    test('log out, then log in with the password and a code', async () => {
      assert.equal((await apiSend(page, 'POST', '/api/users/logout')).status, 204);
      await page.goto(BASE + '/login');
      await page.getByLabel('Email').fill(user.email);
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.getByRole('heading', { name: 'Two-factor sign-in' }).waitFor();
      assert.equal((await apiGet(page, '/api/users/me')).status, 401, 'no session before the code');
      await screen(page, vp, 3, 'login-code');

      await page.getByLabel('Code from your authenticator app').fill(wrongCode(secret));
      await page.getByRole('button', { name: 'Log in' }).click();
      await errorShown(page.locator('#login-code-error'));
      await page.getByLabel('Code from your authenticator app').fill(await freshCode(secret));
      await page.getByRole('button', { name: 'Log in' }).click();
      await waitPath(page, /^\/tasks/);
      const me = await apiGet(page, '/api/users/me');
      assert.equal(me.status, 200, 'logged in');
      assert.equal(me.json.user.email, user.email);
      assertNoProblems(page);
    });
  });
}
